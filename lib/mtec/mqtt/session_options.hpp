// What an MQTT session is made with: the config (Settings) and what only
// mtec-publish's command line adds, and the facts derived from them, each
// written here once: the broker and its login, when availability goes
// offline, the availability and will topics, the device options of
// discovery.
#pragma once

#include <chrono>
#include <string>

#include "mtec/config/config_keys.hpp"
#include "mtec/mqtt/discovery.hpp"
#include "mtec/mqtt/mqtt_transport.hpp"

namespace mtec::mqtt {

// --- Interface ---

struct Options {
  Settings settings;  // MQTT_*, HASS_*, REFRESH_NOW, MQTT_FLOAT_FORMAT, ...
  // what only the command line has:
  Tls tls;                                        // --cafile, --capath, --cert, --key, --insecure
  bool serial_unique_ids = false;                 // --unique-ids serial: MTEC_<serial>_<key>
  std::string device_name = "MTEC EnergyButler";  // --device-name
  std::string commands_out;                       // --commands-out ("": no command path unless HA)
  std::chrono::milliseconds linger{5000};  // --linger: at EOF, how long to wait for the broker
  // --max-frame-age: frames older than this are not published (0: any age,
  // e.g. a replay of recorded frames)
  std::chrono::milliseconds max_frame_age{0};
};

// The broker of `o`: MQTT_SERVER, MQTT_PORT, MQTT_CLIENT_ID, the TLS files,
// and MQTT_LOGIN/MQTT_PASSWORD unless the login is blank (the legacy
// template's login is one blank: a blank login means no login).
Broker broker_of(const Options& o);

// HASS_AVAILABILITY goes offline when no fresh now-base frame came for this
// long: REFRESH_NOW x HASS_AVAILABILITY_PERIODS.
std::chrono::milliseconds stale_after(const Settings& s);

// The availability topic of an instance: <MQTT_TOPIC>/<client id>/availability
// (known before the first frame, so it can be the will; the client id is
// unique per broker, so instances keep theirs apart). Error(config) when the
// client id cannot be a topic level.
std::string availability_topic(const Options& o);
// The will the transport is made with (topics.hpp's will_topic); with
// HASS_AVAILABILITY the availability topic (and its Error(config)).
std::string will_topic(const Options& o);

// What discovery describes for the device `serial` (equipment and firmware
// come from its static frame: device_from_static).
DiscoveryOptions discovery_options(const Options& o, const std::string& serial);

}  // namespace mtec::mqtt
