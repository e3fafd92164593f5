#include "mtec/inverter/formula.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <ctime>
#include <limits>

namespace mtec {
inline namespace inverter {

enum class Op { num, name, neg, add, sub, mul, div, lt, le, gt, ge, eq, ne, call };

struct FormulaNode {
  Op op;
  Value number;      // num
  std::string name;  // name, call
  size_t offset = 0;
  std::vector<std::shared_ptr<const FormulaNode>> kids;
};

namespace {

using Node = std::shared_ptr<const FormulaNode>;

struct Fn {
  const char* name;
  size_t min_args, max_args;
};
constexpr Fn kFunctions[] = {{"if", 3, 3},    {"min", 2, 16},   {"max", 2, 16},      {"abs", 1, 1},
                             {"round", 1, 2}, {"nonneg", 1, 1}, {"frame_time", 0, 0}};

class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}

  Node parse() {
    Node n = compare(0);
    skip();
    if (i_ != s_.size()) fail(fmt::format("unexpected '{}'", s_[i_]));
    return n;
  }
  std::vector<std::pair<std::string, size_t>> names;
  bool uses_time = false;

 private:
  [[noreturn]] void fail(const std::string& m) const { throw FormulaError{m, i_}; }
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool eat(const char* tok) {
    skip();
    const size_t n = std::char_traits<char>::length(tok);
    if (s_.compare(i_, n, tok) != 0) return false;
    i_ += n;
    return true;
  }
  void depth_check(int d) const {
    if (d > kMaxFormulaDepth) fail(fmt::format("nested deeper than {} levels", kMaxFormulaDepth));
  }
  Node make(Op op, size_t off, std::vector<Node> kids) {
    auto n = std::make_shared<FormulaNode>();
    n->op = op;
    n->offset = off;
    n->kids = std::move(kids);
    return n;
  }

  Node compare(int d) {
    depth_check(d);
    Node left = sum(d + 1);
    skip();
    const size_t off = i_;
    static const std::pair<const char*, Op> ops[] = {{"<=", Op::le}, {">=", Op::ge}, {"==", Op::eq},
                                                     {"!=", Op::ne}, {"<", Op::lt},  {">", Op::gt}};
    for (const auto& [tok, op] : ops)
      if (eat(tok)) return make(op, off, {left, sum(d + 1)});
    return left;
  }
  Node sum(int d) {
    depth_check(d);
    Node left = product(d + 1);
    for (;;) {
      skip();
      const size_t off = i_;
      if (eat("+"))
        left = make(Op::add, off, {left, product(d + 1)});
      else if (eat("-"))
        left = make(Op::sub, off, {left, product(d + 1)});
      else
        return left;
    }
  }
  Node product(int d) {
    depth_check(d);
    Node left = unary(d + 1);
    for (;;) {
      skip();
      const size_t off = i_;
      if (eat("*"))
        left = make(Op::mul, off, {left, unary(d + 1)});
      else if (eat("/"))
        left = make(Op::div, off, {left, unary(d + 1)});
      else
        return left;
    }
  }
  Node unary(int d) {
    depth_check(d);
    skip();
    const size_t off = i_;
    if (eat("-")) return make(Op::neg, off, {unary(d + 1)});
    return primary(d + 1);
  }
  Node primary(int d) {
    depth_check(d);
    skip();
    const size_t off = i_;
    if (i_ >= s_.size()) fail("unexpected end of formula");
    const char c = s_[i_];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number(off);
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_'))
        ++i_;
      const std::string name = s_.substr(off, i_ - off);
      skip();
      if (i_ < s_.size() && s_[i_] == '(') return call(name, off, d);
      auto n = std::make_shared<FormulaNode>();
      n->op = Op::name;
      n->name = name;
      n->offset = off;
      bool seen = false;
      for (const auto& [nm, o] : names) seen = seen || nm == name;
      if (!seen) names.emplace_back(name, off);
      return n;
    }
    if (eat("(")) {
      Node inner = compare(d + 1);
      if (!eat(")")) fail("expected ')'");
      return inner;
    }
    fail(fmt::format("unexpected '{}'", c));
  }
  Node number(size_t off) {
    bool is_float = false;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.')) {
      if (s_[i_] == '.') {
        if (is_float) fail("malformed number");
        is_float = true;
      }
      ++i_;
    }
    const std::string text = s_.substr(off, i_ - off);
    auto n = std::make_shared<FormulaNode>();
    n->op = Op::num;
    n->offset = off;
    if (text == ".") {
      i_ = off;
      fail("malformed number");
    }
    if (is_float) {
      n->number = std::strtod(text.c_str(), nullptr);
    } else {
      errno = 0;
      const long long v = std::strtoll(text.c_str(), nullptr, 10);
      if (errno == ERANGE) {
        i_ = off;
        fail("integer too large");
      }
      n->number = static_cast<int64_t>(v);
    }
    return n;
  }
  Node call(const std::string& name, size_t off, int d) {
    const Fn* fn = nullptr;
    for (const auto& f : kFunctions)
      if (name == f.name) fn = &f;
    if (!fn) {
      i_ = off;
      fail(fmt::format("unknown function '{}'", name));
    }
    eat("(");
    std::vector<Node> args;
    skip();
    if (!eat(")")) {
      do {
        args.push_back(compare(d + 1));
      } while (eat(","));
      if (!eat(")")) fail("expected ',' or ')'");
    }
    if (args.size() < fn->min_args || args.size() > fn->max_args) {
      i_ = off;
      fail(fn->min_args == fn->max_args
               ? fmt::format("{}() takes {} argument{}", name, fn->min_args,
                             fn->min_args == 1 ? "" : "s")
               : fmt::format("{}() takes {} to {} arguments", name, fn->min_args, fn->max_args));
    }
    if (name == "frame_time") uses_time = true;
    auto n = std::make_shared<FormulaNode>();
    n->op = Op::call;
    n->name = name;
    n->offset = off;
    n->kids = std::move(args);
    return n;
  }

  const std::string& s_;
  size_t i_ = 0;
};

[[noreturn]] void runtime(const std::string& m) { throw FormulaError{m, std::string::npos}; }

double as_double(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  runtime("a text value cannot be used in arithmetic");
}

bool is_integral(const Value& v) { return is_int(v) || std::holds_alternative<bool>(v); }
int64_t as_int(const Value& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  return std::get<int64_t>(v);
}

bool truthy(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return !s->empty();
  return as_double(v) != 0.0;
}

Value arith(Op op, const Value& a, const Value& b) {
  if (op != Op::div && is_integral(a) && is_integral(b)) {
    int64_t r = 0;
    const int64_t x = as_int(a), y = as_int(b);
    const bool overflow = op == Op::add   ? __builtin_add_overflow(x, y, &r)
                          : op == Op::sub ? __builtin_sub_overflow(x, y, &r)
                                          : __builtin_mul_overflow(x, y, &r);
    if (overflow) runtime("integer overflow");
    return r;
  }
  const double x = as_double(a), y = as_double(b);
  switch (op) {
    case Op::add: return x + y;
    case Op::sub: return x - y;
    case Op::mul: return x * y;
    default:
      if (y == 0.0) runtime("division by zero");
      return x / y;
  }
}

template <class T>
bool compare(Op op, const T& x, const T& y) {
  switch (op) {
    case Op::lt: return x < y;
    case Op::le: return x <= y;
    case Op::gt: return x > y;
    case Op::ge: return x >= y;
    case Op::eq: return x == y;
    default: return x != y;
  }
}

bool compare_values(Op op, const Value& a, const Value& b) {
  if (is_str(a) || is_str(b)) {
    if (!is_str(a) || !is_str(b)) {
      if (op == Op::eq) return false;
      if (op == Op::ne) return true;
      runtime("cannot order text and numbers");
    }
    return compare(op, std::get<std::string>(a), std::get<std::string>(b));
  }
  if (is_integral(a) && is_integral(b)) return compare(op, as_int(a), as_int(b));
  return compare(op, as_double(a), as_double(b));
}

// Python's round(): half to even; one argument gives an int.
Value python_round(const Value& v, std::optional<int64_t> ndigits) {
  if (is_integral(v) && (!ndigits || *ndigits >= 0)) return as_int(v);
  const double x = as_double(v);
  if (!ndigits) {
    if (!std::isfinite(x)) runtime("cannot round an infinite or NaN value to an integer");
    const double r = std::nearbyint(x);  // default rounding mode: half to even
    if (std::fabs(r) > 9.2e18) runtime("integer overflow");
    return static_cast<int64_t>(r);
  }
  // Past a double's last decimal (about 1e-324) rounding changes nothing, and
  // past its range (1e308) it leaves 0: Python's results, without a 10^n that
  // overflows or a precision fmt refuses (found by fuzz_formula).
  if (*ndigits > 400) return x;
  if (*ndigits < -400) return std::isfinite(x) ? std::copysign(0.0, x) : x;
  // round to n decimals via the decimal text, as Python does (correctly rounded)
  const std::string s = fmt::format("{:.{}f}", x, std::max<int64_t>(0, *ndigits));
  if (*ndigits >= 0) return std::strtod(s.c_str(), nullptr);
  const double p = std::pow(10.0, static_cast<double>(-*ndigits));
  return std::nearbyint(x / p) * p;
}

struct Evaluator {
  const Formula::Lookup& lookup;
  const std::optional<std::string>& frame_time;

  Value eval(const FormulaNode& n) const {
    switch (n.op) {
      case Op::num: return n.number;
      case Op::name: {
        const Value* v = lookup(n.name);
        if (!v) runtime(fmt::format("missing input '{}'", n.name));
        return *v;
      }
      case Op::neg: {
        const Value v = eval(*n.kids[0]);
        if (is_integral(v)) {
          if (as_int(v) == std::numeric_limits<int64_t>::min()) runtime("integer overflow");
          return -as_int(v);
        }
        return -as_double(v);
      }
      case Op::add:
      case Op::sub:
      case Op::mul:
      case Op::div: return arith(n.op, eval(*n.kids[0]), eval(*n.kids[1]));
      case Op::lt:
      case Op::le:
      case Op::gt:
      case Op::ge:
      case Op::eq:
      case Op::ne: return compare_values(n.op, eval(*n.kids[0]), eval(*n.kids[1]));
      case Op::call: return call(n);
    }
    runtime("bad formula node");
  }

  Value call(const FormulaNode& n) const {
    const auto& k = n.kids;
    if (n.name == "if") return truthy(eval(*k[0])) ? eval(*k[1]) : eval(*k[2]);
    if (n.name == "frame_time") {
      if (!frame_time) runtime("the frame has no valid timestamp");
      return *frame_time;
    }
    if (n.name == "abs") {
      const Value v = eval(*k[0]);
      if (is_integral(v)) {
        if (as_int(v) == std::numeric_limits<int64_t>::min()) runtime("integer overflow");
        return std::abs(as_int(v));
      }
      return std::fabs(as_double(v));
    }
    if (n.name == "nonneg") {
      const Value v = eval(*k[0]);
      if (is_float(v) && std::get<double>(v) < 0) return int64_t{0};
      return v;
    }
    if (n.name == "round") {
      const Value v = eval(*k[0]);
      std::optional<int64_t> nd;
      if (k.size() == 2) {
        const Value d = eval(*k[1]);
        if (!is_integral(d)) runtime("round(): the number of digits must be an integer");
        nd = as_int(d);
      }
      return python_round(v, nd);
    }
    // min / max: Python keeps the first of equal values and its kind
    Value best = eval(*k[0]);
    for (size_t i = 1; i < k.size(); ++i) {
      Value v = eval(*k[i]);
      const bool better =
          n.name == "min" ? compare_values(Op::lt, v, best) : compare_values(Op::gt, v, best);
      if (better) best = std::move(v);
    }
    return best;
  }
};

}  // namespace

Formula Formula::parse(const std::string& text) {
  if (text.size() > kMaxFormulaLength)
    throw FormulaError{fmt::format("longer than {} characters", kMaxFormulaLength), 0};
  Parser p(text);
  Formula f;
  f.text_ = text;
  f.root_ = p.parse();
  f.names_ = std::move(p.names);
  f.uses_time_ = p.uses_time;
  return f;
}

Value Formula::eval(const Lookup& lookup, const std::optional<std::string>& frame_time) const {
  const Value v = Evaluator{lookup, frame_time}.eval(*root_);
  if (const auto* d = std::get_if<double>(&v); d && !std::isfinite(*d))
    runtime("the result is not a finite number");
  return v;
}

std::string local_time_string(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

}  // namespace inverter
}  // namespace mtec
