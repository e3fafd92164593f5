#include "mtec/register_io.hpp"

#include <fmt/format.h>

#include "mtec/control.hpp"
#include "mtec/errors.hpp"

namespace mtec {

namespace {

ErrorClass class_from_name(const std::string& name) {
  for (auto c : {ErrorClass::usage, ErrorClass::data, ErrorClass::no_input, ErrorClass::unavailable,
                 ErrorClass::software, ErrorClass::io, ErrorClass::temp_fail, ErrorClass::protocol,
                 ErrorClass::no_perm, ErrorClass::config})
    if (class_name(c) == name) return c;
  return ErrorClass::unavailable;
}

class ControlIO : public RegisterIO {
 public:
  ControlIO(std::string path, std::chrono::milliseconds timeout)
      : path_(std::move(path)), timeout_(timeout) {}
  std::vector<uint16_t> read(uint16_t address, uint16_t count) override {
    return call({{"op", "read"}, {"address", address}, {"count", count}})
        .at("words")
        .get<std::vector<uint16_t>>();
  }
  std::vector<uint16_t> write_and_read_back(uint16_t address,
                                            const std::vector<uint16_t>& words) override {
    return call({{"op", "write"}, {"address", address}, {"words", words}})
        .at("read_back")
        .get<std::vector<uint16_t>>();
  }
  std::string describe() const override { return "control socket " + path_; }

 private:
  nlohmann::json call(const nlohmann::json& req) {
    nlohmann::json reply = control_request(path_, req, timeout_);
    if (!reply.value("ok", false))
      throw Error(class_from_name(reply.value("class", "unavailable")),
                  fmt::format("via {}: {}", path_, reply.value("error", "request failed")));
    return reply;
  }
  std::string path_;
  std::chrono::milliseconds timeout_;
};

class DirectIO : public RegisterIO {
 public:
  explicit DirectIO(const modbus::Endpoint& ep) : client_(ep) {}
  std::vector<uint16_t> read(uint16_t address, uint16_t count) override {
    return client_.read(address, count);
  }
  std::vector<uint16_t> write_and_read_back(uint16_t address,
                                            const std::vector<uint16_t>& words) override {
    client_.write(address, words);
    return client_.read(address, static_cast<uint16_t>(words.size()));
  }
  std::string describe() const override { return "Modbus " + client_.peer(); }

 private:
  modbus::Client client_;
};

}  // namespace

std::unique_ptr<RegisterIO> control_io(const std::string& path, std::chrono::milliseconds timeout) {
  return std::make_unique<ControlIO>(path, timeout);
}

std::unique_ptr<RegisterIO> direct_io(const modbus::Endpoint& ep) {
  return std::make_unique<DirectIO>(ep);
}

}  // namespace mtec
