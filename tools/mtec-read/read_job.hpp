// What mtec-read's modes share: the loaded catalog and settings, the
// selection, the output options.
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "mtec/base/log.hpp"
#include "mtec/config/config.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/frame.hpp"

namespace mtec::read {

struct ReadJob {
  const Catalog& catalog;
  const Settings& settings;
  const Logger& log;
  std::set<const Register*> selected;  // Modbus registers to output
  std::vector<Group> groups;           // their groups, in schedule order
  std::string asked;                   // what the user asked for, for messages
  bool raw = false;
  bool table = false;
  std::string control_path;  // --control (follow only)
  std::string metrics_file;  // --metrics-file (follow only)
  std::chrono::milliseconds metrics_interval{5000};
  std::vector<std::string> metrics_stages;  // MetricsOptions::stages()
};

// One-shot: read the selection once, print it; returns the exit code.
int read_once(const ReadJob& job);
// --follow: poll on the legacy schedule until SIGTERM/SIGINT; returns 0.
int read_follow(const ReadJob& job);

// --probe: try ports, framings and unit ids on `host`; print what answers and
// the config lines for the first that gives a plausible serial (0), or 69.
int probe(const std::string& host, const std::vector<int>& ports, const Logger& log);

// --list: the catalog as aligned columns.
void print_list(const Catalog& catalog);
// --list-labels KEY: the labels of KEY and their codes, "label<TAB>code" a line.
void print_labels(const Catalog& catalog, const std::string& what);
// --table: frames as aligned columns for people.
std::string table_of(const Catalog& catalog, const std::vector<Frame>& frames, const Settings& s);

}  // namespace mtec::read
