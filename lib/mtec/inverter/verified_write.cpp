#include "mtec/inverter/verified_write.hpp"

#include <fmt/format.h>

#include "mtec/base/errors.hpp"
#include "mtec/base/log_escape.hpp"

namespace mtec {
inline namespace inverter {

const char* outcome_name(WriteAttempt::Result r) {
  using R = WriteAttempt::Result;
  return r == R::applied     ? "applied"
         : r == R::unchanged ? "unchanged"
         : r == R::unknown   ? "unknown"
                             : "failed";
}

void write_verified(control::RegisterIO& io, const EncodedWrite& w, bool raw, const Logger& log,
                    const std::function<void(const nlohmann::json&)>& report) {
  using R = WriteAttempt::Result;
  const auto a = attempt_write(io, w, raw);
  if (a.result != R::not_sent)
    report(result_line(w, outcome_name(a.result), &a.read_back, a.error ? &*a.error : nullptr));
  switch (a.result) {
    case R::applied:
      log.notice(fmt::format("wrote {} ({}) = {}: words {}, read back {} via {}", w.reg->mqtt,
                             *w.reg->address, untrusted(w.requested), hex_words(w.words),
                             hex_words(a.read_back), io.describe()));
      return;
    case R::unchanged:
      log.notice(fmt::format("{} ({}) holds {} already: not written", w.reg->mqtt, *w.reg->address,
                             untrusted(w.requested)));
      return;
    case R::unknown: {
      Error e(a.error->cls(),
              fmt::format("{} ({}) = {}: outcome unknown, it may have been applied: {}",
                          w.reg->mqtt, *w.reg->address, untrusted(w.requested), a.error->what()));
      e.set_hint(fmt::format("check it with: mtec-read {}", w.reg->mqtt));
      throw e;
    }
    case R::not_sent:
    case R::failed: throw *a.error;
  }
}

}  // namespace inverter
}  // namespace mtec
