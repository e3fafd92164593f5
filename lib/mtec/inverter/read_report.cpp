#include "mtec/inverter/read_report.hpp"

#include <fmt/format.h>

#include "mtec/modbus/hints.hpp"

namespace mtec {
inline namespace inverter {

namespace {

// The first transport failure decides the story; untried errors only follow it.
const FrameError* first_transport_failure(const ReadOutcome& outcome) {
  const size_t tried = outcome.errors.size() - outcome.untried;
  for (size_t i = 0; i < tried; ++i)
    if (outcome.errors[i].exception == 0) return &outcome.errors[i];
  return nullptr;
}

// "; tried 2 of 4 times: the read's time budget ..." or "; tried 4 times".
std::string tries_told(const ReadOutcome& o) {
  if (o.first_failure_allowed > o.first_failure_tries)
    return fmt::format("; tried {} of {} times: the read's time budget of {} ms is spent",
                       o.first_failure_tries, o.first_failure_allowed, o.budget.count());
  return o.first_failure_tries > 1 ? fmt::format("; tried {} times", o.first_failure_tries) : "";
}

}  // namespace

std::string name_list(const std::vector<std::string>& names, size_t shown) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < shown; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > shown) out += fmt::format(" and {} more", names.size() - shown);
  return out;
}

ReadReport report_read(const ReadOutcome& outcome, std::string_view asked,
                       const modbus::Endpoint& ep, std::string_view peer) {
  ReadReport r;
  for (const auto& e : outcome.errors)
    if (e.exception != 0) r.refusals.push_back(e.message);
  const FrameError* first = first_transport_failure(outcome);
  if (!first) {
    // only untried requests: the budget ran out before anything failed as such
    if (outcome.untried)
      r.failure = fmt::format("reading {}: {}", asked, outcome.errors.back().message);
    return r;
  }
  const bool nothing_read = outcome.words.empty();
  if (first->is(ErrorClass::temp_fail)) {
    r.failure = fmt::format("no reply from {} within {} ms reading {} (unit {}, {} framing{})",
                            peer, ep.timeout.count(), asked, ep.unit,
                            modbus::framer_name(ep.framer), tries_told(outcome));
  } else if (first->is(ErrorClass::protocol)) {
    r.failure = fmt::format("bad reply reading {}: {}", asked, first->message);
  } else {
    r.failure = fmt::format("lost the inverter reading {}: {}", asked, first->message);
  }
  size_t others = 0;
  for (const auto& e : outcome.errors)
    if (e.exception == 0 && &e != first) ++others;
  if (others > 0)
    r.failure += fmt::format("; {} more request{} without data", others, others == 1 ? "" : "s");
  if (nothing_read && !first->is(ErrorClass::unavailable)) r.hint = modbus::no_answer_hint(ep);
  return r;
}

}  // namespace inverter
}  // namespace mtec
