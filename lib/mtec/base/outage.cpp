#include "mtec/base/outage.hpp"

#include <algorithm>

namespace mtec {
inline namespace base {

Outage::Say Outage::failed(TimePoint now) {
  ++attempts_;
  if (!down_) {
    down_ = true;
    since_ = last_said_ = now;
    attempts_ = 1;
    return Say::first;
  }
  if (now - last_said_ >= every_) {
    last_said_ = now;
    return Say::summary;
  }
  return Say::quiet;
}

Duration Outage::recovered(TimePoint now) {
  if (!down_) return Duration::zero();
  down_ = false;
  attempts_ = 0;
  return std::chrono::duration_cast<Duration>(now - since_);
}

Duration Outage::length(TimePoint now) const {
  return down_ ? std::chrono::duration_cast<Duration>(now - since_) : Duration::zero();
}

void SessionWatch::accepted(TimePoint now) {
  accepted_at_ = now;
  open_ = true;
}

bool SessionWatch::taken_over() {
  open_ = false;
  last_lasted_ = false;
  short_in_a_row_ = std::max(short_in_a_row_ + 1, times_);
  if (hinted_) return false;
  hinted_ = true;
  return true;
}

void SessionWatch::connect_failed() {
  short_in_a_row_ = 0;
  hinted_ = false;
}

bool SessionWatch::closed(TimePoint now) {
  if (!open_) return false;
  open_ = false;
  last_lasted_ = now - accepted_at_ >= short_lived_;
  if (last_lasted_) {
    short_in_a_row_ = 0;
    hinted_ = false;
    return false;
  }
  if (++short_in_a_row_ < times_ || hinted_) return false;
  hinted_ = true;
  return true;
}

}  // namespace base
}  // namespace mtec
