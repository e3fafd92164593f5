#include "mtec/control/register_io.hpp"

#include <fmt/format.h>

#include "mtec/base/errors.hpp"
#include "mtec/base/json_input.hpp"
#include "mtec/base/log_escape.hpp"
#include "mtec/control/control.hpp"
#include "mtec/modbus/hints.hpp"

namespace mtec::control {

namespace {

ErrorClass class_from_name(const std::string& name) {
  return parse_class_name(name).value_or(ErrorClass::unavailable);
}

class ControlIO : public RegisterIO {
 public:
  ControlIO(std::string path, std::chrono::milliseconds timeout, std::function<void()> waiting)
      : path_(std::move(path)), timeout_(timeout), waiting_(std::move(waiting)) {}
  std::vector<uint16_t> read(uint16_t address, uint16_t count) override {
    return words_of(call({{"op", "read"}, {"address", address}, {"count", count}}), "words", count);
  }
  std::vector<uint16_t> write_and_read_back(uint16_t address, const std::vector<uint16_t>& words,
                                            bool raw) override {
    nlohmann::json req = {{"op", "write"}, {"address", address}, {"words", words}};
    if (raw) req["raw"] = true;
    nlohmann::json reply;
    bool sent = false;
    try {
      reply = control_request(path_, req, timeout_, &sent, waiting_);
    } catch (const Error& e) {
      if (sent) throw OutcomeUnknown(e.cls(), e.what());  // the reader may still execute it
      throw;
    }
    return words_of(checked(std::move(reply)), "read_back", words.size());
  }
  std::string describe() const override { return "control socket " + path_; }

 private:
  nlohmann::json call(const nlohmann::json& req) {
    return checked(control_request(path_, req, timeout_, nullptr, waiting_));
  }
  // The reply when it says ok; else its error (OutcomeUnknown when the
  // reader says the write's outcome is unknown).
  nlohmann::json checked(nlohmann::json reply) const {
    const auto ok = reply.find("ok");
    if (ok == reply.end() || !ok->is_boolean() || !ok->get<bool>()) {
      const ErrorClass cls = class_from_name(string_at(reply, "class").value_or("unavailable"));
      const std::string msg =
          fmt::format("via {}: {}", path_,
                      untrusted(string_at(reply, "error").value_or("request failed"), 300));
      if (string_at(reply, "outcome") == "unknown") throw OutcomeUnknown(cls, msg);
      if (const auto code = integer_at(reply, "exception"); code && *code > 0 && *code < 256)
        throw modbus::ModbusError(cls, msg, static_cast<int>(*code));  // an answer: not written
      throw Error(cls, msg);
    }
    return reply;
  }
  // The words of a successful reply; Error(protocol) when they are missing.
  std::vector<uint16_t> words_of(const nlohmann::json& reply, const char* key, size_t count) const {
    auto words = words_at(reply, key);
    if (!words || words->size() != count)
      throw Error(ErrorClass::protocol,
                  fmt::format("via {}: the answer has no \"{}\" of {} words", path_, key, count));
    return std::move(*words);
  }
  std::string path_;
  std::chrono::milliseconds timeout_;
  std::function<void()> waiting_;
};

// Errors carry the hint a user needs: a refused port, a device that never answers.
class DirectIO : public RegisterIO {
 public:
  DirectIO(const modbus::Endpoint& ep, std::function<void()> waiting) : client_(ep) {
    if (waiting) client_.set_waiting(std::move(waiting), std::chrono::milliseconds(500));
  }
  std::vector<uint16_t> read(uint16_t address, uint16_t count) override {
    return hinted([&] { return client_.read(address, count); });
  }
  std::vector<uint16_t> write_and_read_back(uint16_t address, const std::vector<uint16_t>& words,
                                            bool /*raw: checked by the caller*/) override {
    return hinted([&] {
      try {
        client_.write(address, words);
      } catch (const modbus::ModbusError& e) {
        // an exception reply is an answer (not written); anything else after
        // the request went out leaves the outcome open
        if (e.exception_code()) throw;
        throw OutcomeUnknown(e.cls(), e.what());
      }
      try {
        return client_.read(address, static_cast<uint16_t>(words.size()));
      } catch (const modbus::ModbusError& e) {
        throw OutcomeUnknown(e.cls(), fmt::format("written, but not read back: {}", e.what()));
      }
    });
  }
  std::string describe() const override { return "Modbus " + client_.peer(); }

 private:
  template <class F>
  std::vector<uint16_t> hinted(F f) {
    try {
      if (!client_.connected()) client_.connect();
    } catch (modbus::ModbusError& e) {
      e.set_hint(modbus::connect_hint(client_.endpoint(), e));
      throw;
    }
    try {
      auto words = f();
      answered_ = true;
      return words;
    } catch (modbus::ModbusError& e) {
      if (!answered_ && !e.exception_code() && e.cls() != ErrorClass::unavailable)
        e.set_hint(modbus::no_answer_hint(client_.endpoint()));
      throw;
    }
  }
  modbus::Client client_;
  bool answered_ = false;
};

}  // namespace

std::unique_ptr<RegisterIO> control_io(const std::string& path, std::chrono::milliseconds timeout,
                                       std::function<void()> waiting) {
  return std::make_unique<ControlIO>(path, timeout, std::move(waiting));
}

std::unique_ptr<RegisterIO> direct_io(const modbus::Endpoint& ep, std::function<void()> waiting) {
  return std::make_unique<DirectIO>(ep, std::move(waiting));
}

}  // namespace mtec::control
