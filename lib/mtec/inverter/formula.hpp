// Formulas of calculated catalog entries: a small, safe expression language
// with the legacy's int/float semantics (tests/contract/CONTRACT.md §3), documented in
// mtec-registers(5).
//
//   expr    := compare
//   compare := sum [ ('<'|'<='|'>'|'>='|'=='|'!=') sum ]
//   sum     := product { ('+'|'-') product }
//   product := unary { ('*'|'/') unary }
//   unary   := '-' unary | primary
//   primary := NUMBER | NAME | NAME '(' [ expr { ',' expr } ] ')' | '(' expr ')'
//
// Functions: if(c, a, b) (lazy), min, max, abs, round(x[, n]),
// nonneg(x) (the legacy clamp: a negative float becomes the int 0),
// frame_time() (the frame's time, local, "%Y-%m-%d %H:%M:%S").
// int op int stays int (+ - *), '/' is true division (float), a division by
// zero is an evaluation error. Nesting is limited to kMaxFormulaDepth
// levels and the text to kMaxFormulaLength characters, which bounds the
// recursion of parsing and evaluation.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mtec/inverter/value.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

constexpr int kMaxFormulaDepth = 64;
constexpr size_t kMaxFormulaLength = 4096;

struct FormulaNode;

class Formula {
 public:
  // Parse `text`. On a syntax error throws FormulaError with the 0-based
  // offset into `text`.
  static Formula parse(const std::string& text);

  // The names the formula reads (without duplicates, in first-use order),
  // with the offset of their first use.
  const std::vector<std::pair<std::string, size_t>>& names() const { return names_; }
  bool uses_frame_time() const { return uses_time_; }

  // Lookup of an input by name; nullptr when missing.
  using Lookup = std::function<const Value*(const std::string&)>;
  // Evaluate; throws FormulaError (offset npos) for a run-time error
  // (division by zero, a string where a number is needed, overflow).
  Value eval(const Lookup& lookup, const std::optional<std::string>& frame_time) const;

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::shared_ptr<const FormulaNode> root_;
  std::vector<std::pair<std::string, size_t>> names_;
  bool uses_time_ = false;
};

struct FormulaError {
  std::string message;
  size_t offset = std::string::npos;
};

// Local time "%Y-%m-%d %H:%M:%S" of `t` (api_date's format).
std::string local_time_string(std::chrono::system_clock::time_point t);

}  // namespace inverter
}  // namespace mtec
