// The words the simulator serves: from a fixture snapshot, a recording of
// frames, or plausible built-in values for a catalog.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mtec/inverter/catalog.hpp"

namespace mtec::sim {

// --- Interface ---

// address -> words, as in the fixtures' "snapshot" object.
using Snapshot = std::map<uint16_t, std::vector<uint16_t>>;

// Read `path`: {"<address>": [words...]}, a case file whose "snapshot" key
// holds that, or a recording: the NDJSON frames of `mtec-read --all --raw`
// (their "raw" words, later lines winning). Error(no_input) if unreadable,
// Error(data) naming the file (and line) and address when malformed.
Snapshot load_snapshot(const std::string& path);

// Plausible values for every register of `catalog` (serial MTECSIM00000001,
// 230 V, 50 Hz, a few kW, ...).
Snapshot builtin_snapshot(const Catalog& catalog);

}  // namespace mtec::sim
