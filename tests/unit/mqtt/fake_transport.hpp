// A scripted MQTT transport and an injected clock for the session's unit
// tests: no socket, no real time. The "broker" answers a connect with a
// CONNACK and an UNSUBSCRIBE with its answer at the next read step; a test
// can take the broker down, drop the connection and send messages.
#pragma once

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "captured_log.hpp"
#include "mtec/base/log.hpp"
#include "mtec/mqtt/mqtt_transport.hpp"
#include "mtec/mqtt/session_clock.hpp"

namespace mtec::mqtt::fake {

using namespace std::chrono_literals;

// Steady and wall time that move together, only when a test moves them.
struct FakeClock {
  TimePoint steady{std::chrono::hours(100)};
  std::chrono::system_clock::time_point wall{std::chrono::seconds(1'800'000'000)};
  void advance(std::chrono::milliseconds d) {
    steady += d;
    wall += d;
  }
  SessionClock clock() {
    return {[this] { return steady; }, [this] { return wall; }};
  }
};

// The tests' captured logger (captured_log.hpp) as mtec-publish's, at debug.
struct CapturedLog : test::CapturedLog {
  CapturedLog() : test::CapturedLog("mtec-publish") { log.set_threshold(Level::debug); }
  bool has(const std::string& part) const { return text().find(part) != std::string::npos; }
};

class FakeTransport final : public Transport {
 public:
  struct Message {
    std::string topic, payload;
    bool retain;
    bool operator==(const Message&) const = default;
  };
  explicit FakeTransport(FakeClock& clock) : clock_(clock) {}

  // --- the script ---
  bool broker_up = true;  // connect() succeeds
  Connack::Result answer = Connack::Result::accepted;
  std::string answer_reason = "Success";
  std::deque<Connack::Result> answers;  // the next CONNACKs' results, then `answer`
  bool answer_connect = true;           // a CONNACK follows each connect
  bool answer_unsubscribe = true;       // an UNSUBACK follows each unsubscribe

  // --- what went out ---
  std::vector<TimePoint> connects;
  std::vector<Message> published;
  std::vector<std::string> subscribed, unsubscribed_topics;
  int disconnects = 0;
  std::vector<std::string> calls;  // "unsubscribe T", "unsuback", "disconnect", in order

  // The broker sends `topic` = `payload` (delivered at the next read step).
  void send(const std::string& topic, const std::string& payload, bool retained = false) {
    pending_.push_back([=, this] { events_->message(topic, payload, retained); });
  }
  // The connection breaks now (the broker went away).
  void drop(const std::string& why = "connection closed") {
    open_ = false;
    events_->closed(Closed{false, false, why});
  }
  bool has_pending() const { return !pending_.empty(); }
  // The payloads published to `topic`, in order.
  std::vector<std::string> payloads(const std::string& topic) const {
    std::vector<std::string> out;
    for (const auto& m : published)
      if (m.topic == topic) out.push_back(m.payload);
    return out;
  }

  // --- Transport ---
  void listen(TransportEvents* events) override { events_ = events; }
  std::optional<std::string> connect() override {
    connects.push_back(clock_.steady);
    if (!broker_up) return std::string("Connection refused");
    open_ = true;
    if (answer_connect)
      pending_.push_back([this] {
        Connack::Result r = answer;
        if (!answers.empty()) {
          r = answers.front();
          answers.pop_front();
        }
        if (r != Connack::Result::accepted) open_ = false;
        events_->connack(Connack{r, answer_reason});
      });
    return std::nullopt;
  }
  int socket() const override { return open_ ? 7 : -1; }
  bool wants_write() const override { return false; }
  std::optional<std::string> read() override {
    auto now = std::move(pending_);
    pending_.clear();
    for (auto& e : now) e();
    return std::nullopt;
  }
  std::optional<std::string> write() override { return std::nullopt; }
  std::optional<std::string> misc() override { return std::nullopt; }
  bool tls_reply() const override { return false; }
  std::optional<std::string> refused_topic(const std::string& topic) const override {
    if (topic.find_first_of("+#") != std::string::npos)
      return std::string("Invalid function arguments provided.");
    return std::nullopt;
  }
  Sent publish(const std::string& topic, const std::string& payload, bool retain) override {
    if (!open_) return {Sent::Result::not_sent, "The client is not currently connected."};
    if (auto why = refused_topic(topic)) return {Sent::Result::refused, *why};  // as libmosquitto
    published.push_back({topic, payload, retain});
    return {};
  }
  void subscribe(const std::string& topic) override { subscribed.push_back(topic); }
  std::optional<int> unsubscribe(const std::string& topic) override {
    unsubscribed_topics.push_back(topic);
    calls.push_back("unsubscribe " + topic);
    const int mid = next_mid_++;
    if (answer_unsubscribe)
      pending_.push_back([this, mid] {
        calls.push_back("unsuback");
        events_->unsubscribed(mid);
      });
    return mid;
  }
  void disconnect() override {
    ++disconnects;
    calls.push_back("disconnect");
    pending_.push_back([this] {
      open_ = false;
      events_->closed(Closed{true, false, ""});
    });
  }
  short wait(int fd, short, std::chrono::milliseconds timeout) override {
    if (fd >= 0 && !pending_.empty()) return POLLIN;
    clock_.advance(timeout);
    return 0;
  }

 private:
  FakeClock& clock_;
  TransportEvents* events_ = nullptr;
  std::deque<std::function<void()>> pending_;
  bool open_ = false;
  int next_mid_ = 1;
};

// Runs `s` (a Session or a Connection) as mtec-publish's main loop does for
// `d` of fake time: tick, hand readiness to io, wait as long as
// next_timeout_ms() says.
template <typename Engine>
void run_for(Engine& s, FakeTransport& t, FakeClock& c, std::chrono::milliseconds d) {
  const auto end = c.steady + d;
  while (c.steady < end) {
    s.tick();
    if (s.socket() >= 0 && t.has_pending()) {
      s.io(POLLIN);
      continue;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - c.steady);
    c.advance(std::clamp(std::chrono::milliseconds(s.next_timeout_ms()), 1ms, left));
  }
  s.tick();
  while (s.socket() >= 0 && t.has_pending()) s.io(POLLIN);
}

}  // namespace mtec::mqtt::fake
