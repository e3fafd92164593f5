#include "mtec/mqtt/broker_hints.hpp"

#include <fmt/format.h>

#include "mtec/base/log_escape.hpp"

namespace mtec::mqtt {

namespace {

bool has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

}  // namespace

std::string broker_unreachable_hint(const std::string& host, int port, bool tls,
                                    const std::string& why) {
  const std::string names = "MQTT_SERVER and MQTT_PORT (or -b/-P) name the broker";
  if (has(why, "resolve") || has(why, "Name or service") || has(why, "Lookup error"))
    return fmt::format("cannot resolve '{}': check MQTT_SERVER (a host name or an address)",
                       untrusted(host));
  std::string hint;
  if (has(why, "refused"))
    hint = fmt::format(
        "nothing listens on {}:{}: is mosquitto running (systemctl status mosquitto)? {}",
        untrusted(host), port, names);
  else
    hint = fmt::format("no answer from {}:{}: is the host up, or a firewall in the way? {}",
                       untrusted(host), port, names);
  if (!tls && (port == 8883 || port == 8884))
    hint += fmt::format("; port {} is usually MQTT over TLS: --cafile FILE turns TLS on", port);
  else if (tls && port == 1883)
    hint += "; TLS on port 1883, the plain MQTT port? TLS brokers usually listen on 8883";
  return hint;
}

std::string before_connack_hint(const std::string& host, int port, bool tls, bool tls_reply,
                                const std::string& why) {
  if (tls)
    return has(why, "TLS")
               ? "check --cafile/--capath: do they hold the CA that signed the broker's "
                 "certificate, and does the certificate name the host?"
               : "";
  if (tls_reply || port == 8883 || port == 8884 || port == 443)
    return fmt::format(
        "is this a TLS port? {}:{} answers like one: --cafile FILE (or --capath "
        "DIR) turns TLS on",
        host, port);
  return fmt::format("is {}:{} an MQTT broker (MQTT_SERVER, MQTT_PORT)? A TLS port needs --cafile",
                     host, port);
}

}  // namespace mtec::mqtt
