// The server half of the control protocol: one request executed on the
// reader's own connection (mtec-read --follow --control), so that writes
// never open a second connection to a device that allows only one.
#pragma once

#include <nlohmann/json.hpp>

#include "mtec/base/log.hpp"
#include "mtec/control/control.hpp"
#include "mtec/modbus/link.hpp"
#include "mtec/modbus/modbus_client.hpp"

namespace mtec::control {

// --- Interface ---

// A read answers {"ok":true,"address":A,"words":[...]}; a write is followed
// by a read of the same words and answers {"ok":true,"address":A,"words":
// [...],"read_back":[...]} (and is logged). A device that is not reachable
// now answers class "unavailable"; a failed request answers its class, its
// message and the Modbus exception code (0 if none), and tells `link`.
nlohmann::json execute_control(const ControlRequest& req, modbus::Device& client,
                               modbus::Link& link, TimePoint now, const Logger& log);

}  // namespace mtec::control
