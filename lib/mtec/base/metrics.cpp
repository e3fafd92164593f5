#include "mtec/base/metrics.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "mtec/base/metric_names.hpp"

namespace mtec {
inline namespace base {

Metrics::Metrics(std::string path, std::string tool, std::chrono::milliseconds interval)
    : path_(std::move(path)), tool_(std::move(tool)), interval_(interval) {
  gauge(metric::kMetricsUpdated, "When this file was written (Unix time)");
  gauge(metric::kProcessStart, "When the tool started (Unix time)");
  set(metric::kProcessStart,
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
}

Metrics::~Metrics() {
  if (enabled()) write();
}

void Metrics::counter(const std::string& name, const std::string& help) {
  families_[name] = {"counter", help, false, {}, {}, {}, 0, 0};
}
void Metrics::gauge(const std::string& name, const std::string& help) {
  families_[name] = {"gauge", help, false, {}, {}, {}, 0, 0};
}
void Metrics::state_gauge(const std::string& name, const std::string& help) {
  families_[name] = {"gauge", help, true, {}, {}, {}, 0, 0};
}
void Metrics::expect_stages(const std::vector<std::string>& stages) {
  gauge(metric::kPipelineStage, "The pipeline's stages (1 each), whose files a reader waits for");
  for (const auto& s : stages)  // a name from the environment: only [a-z0-9-] becomes a label
    if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == s.npos)
      set(metric::kPipelineStage, 1, fmt::format("stage=\"{}\"", s));
}
void Metrics::histogram(const std::string& name, const std::string& help,
                        std::vector<double> buckets) {
  Family f{"histogram", help, false, {}, std::move(buckets), {}, 0, 0};
  f.bucket_counts.assign(f.buckets.size(), 0);
  families_[name] = std::move(f);
}

void Metrics::add(const std::string& name, double v, const std::string& labels) {
  families_.at(name).series[labels] += v;
}
void Metrics::set(const std::string& name, double v, const std::string& labels) {
  Family& f = families_.at(name);
  const auto [it, added] = f.series.try_emplace(labels, v);
  if (added || (f.state && it->second != v)) due_ = true;
  it->second = v;
}

void Metrics::observe(const std::string& name, double v) {
  Family& f = families_.at(name);
  for (size_t i = 0; i < f.buckets.size(); ++i)
    if (v <= f.buckets[i]) ++f.bucket_counts[i];
  f.sum += v;
  ++f.count;
}

std::string Metrics::render() const {
  std::string out;
  const std::string tool = fmt::format("tool=\"{}\"", tool_);
  auto labels = [&tool](const std::string& l) {
    return l.empty() ? "{" + tool + "}" : "{" + tool + "," + l + "}";
  };
  for (const auto& [name, f] : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, f.help, name, f.type);
    if (f.type == "histogram") {
      for (size_t i = 0; i < f.buckets.size(); ++i)
        out += fmt::format("{}_bucket{{{},le=\"{}\"}} {}\n", name, tool, f.buckets[i],
                           f.bucket_counts[i]);
      out += fmt::format("{}_bucket{{{},le=\"+Inf\"}} {}\n", name, tool, f.count);
      out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, labels(""), f.sum, name, labels(""),
                         f.count);
      continue;
    }
    for (const auto& [l, v] : f.series) out += fmt::format("{}{} {}\n", name, labels(l), v);
  }
  return out;
}

void Metrics::maybe_write(Clock::time_point now) {
  if (enabled() && now >= next_write()) write();
}

void Metrics::write() {
  last_ = Clock::now();
  set(metric::kMetricsUpdated,
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  due_ = false;  // (after that set: its first series is no change of state)
  if (!enabled()) return;
  const std::string text = render();
  // A new file of our own beside the target (O_CREAT|O_EXCL: a name planted
  // there, a symlink too, is never opened), renamed over it: a reader sees
  // the old or the new text, and a symlink at the target is replaced, not
  // followed.
  std::string tmp = path_ + ".XXXXXX";
  bool ok = false;
  const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd >= 0) {
    bool written = ::fchmod(fd, 0644) == 0;
    for (size_t done = 0; written && done < text.size();) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      written = n > 0;
      if (written) done += static_cast<size_t>(n);
    }
    const int saved = errno;
    ok = ::close(fd) == 0 && written && std::rename(tmp.c_str(), path_.c_str()) == 0;
    if (!ok) {
      if (!written) errno = saved;
      const int why = errno;
      ::unlink(tmp.c_str());
      errno = why;
    }
  }
  if (!ok && !write_failed_)
    std::fprintf(stderr, "%s: warning: cannot write metrics file %s: %s\n", tool_.c_str(),
                 path_.c_str(), std::strerror(errno));
  write_failed_ = !ok;
}

MetricSamples parse_metrics_text(std::string_view text) {
  MetricSamples s;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string_view::npos || space == 0) continue;
    const auto brace = line.find('{');
    const auto close = line.find('}');
    if (brace < space && (close == std::string_view::npos || close > space)) continue;
    const std::string name(line.substr(0, std::min(brace, space)));
    const std::string labels(brace < space ? line.substr(brace, close - brace + 1) : "");
    const std::string number(line.substr(space + 1));
    char* end = nullptr;
    const double v = std::strtod(number.c_str(), &end);
    if (end == number.c_str() || *end) continue;
    s[name][labels] = v;
  }
  return s;
}

std::optional<double> metric_value(const MetricSamples& s, const std::string& name,
                                   std::string_view label_part) {
  auto it = s.find(name);
  if (it == s.end()) return std::nullopt;
  for (const auto& [labels, v] : it->second)
    if (label_part.empty() || labels.find(label_part) != std::string::npos) return v;
  return std::nullopt;
}

}  // namespace base
}  // namespace mtec
