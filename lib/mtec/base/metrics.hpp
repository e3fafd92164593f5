// Prometheus text-format metrics kept in a file for node_exporter's textfile
// collector: counters, gauges and one histogram kind, written atomically
// (write to a temporary file, then rename) every few seconds and at exit;
// a state change (a state gauge's new value, a gauge's first series) is
// written at the next maybe_write, so a reader never sees a state that has
// passed for longer than the tool's loop takes to turn.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mtec {
inline namespace base {

// --- Interface ---

class Metrics {
 public:
  using Clock = std::chrono::steady_clock;
  // `path` empty: metrics are kept but never written.
  Metrics(std::string path, std::string tool,
          std::chrono::milliseconds interval = std::chrono::seconds(5));
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Declare a metric once (name with the mtec_ prefix and unit suffix).
  void counter(const std::string& name, const std::string& help);
  void gauge(const std::string& name, const std::string& help);
  // A gauge whose every change is written at once (connected, breaker, ...).
  void state_gauge(const std::string& name, const std::string& help);
  // The pipeline's stages, `mtec_pipeline_stage{stage="..."} 1` each: a
  // reader knows which files to wait for ($MTEC_PIPELINE from mtec2mqtt).
  void expect_stages(const std::vector<std::string>& stages);
  void histogram(const std::string& name, const std::string& help, std::vector<double> buckets);

  // `labels` as Prometheus writes them: `result="ok",class="timeout"` (may be empty).
  void add(const std::string& name, double v = 1, const std::string& labels = "");
  void set(const std::string& name, double v, const std::string& labels = "");
  void observe(const std::string& name, double v);

  // Write now if the interval has passed since the last write or a state changed.
  void maybe_write(Clock::time_point now);
  // Write now (errors are reported once on stderr and do not end the tool).
  void write();
  // When the next periodic write is due.
  Clock::time_point next_write() const { return due_ ? last_ : last_ + interval_; }
  bool enabled() const { return !path_.empty(); }

  std::string render() const;

 private:
  struct Family {
    std::string type, help;
    bool state = false;                    // a change is due at once
    std::map<std::string, double> series;  // labels -> value
    std::vector<double> buckets;
    std::vector<uint64_t> bucket_counts;
    double sum = 0;
    uint64_t count = 0;
  };
  std::string path_, tool_;
  std::chrono::milliseconds interval_;
  Clock::time_point last_{};
  std::map<std::string, Family> families_;
  bool write_failed_ = false;
  bool due_ = false;
};

// The reading side (mtec-health): name -> (labels as written, braces
// included, or "") -> value. Comment and malformed lines are skipped.
using MetricSamples = std::map<std::string, std::map<std::string, double>>;
MetricSamples parse_metrics_text(std::string_view text);

// The first sample of `name` whose labels contain `label_part` ("" : any).
std::optional<double> metric_value(const MetricSamples& s, const std::string& name,
                                   std::string_view label_part = "");

}  // namespace base
}  // namespace mtec
