#include <fmt/format.h>

#include <chrono>

#include "mtec/app/tool_options.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/base/line_writer.hpp"
#include "mtec/inverter/read_report.hpp"
#include "mtec/inverter/reader.hpp"
#include "mtec/modbus/hints.hpp"
#include "read_job.hpp"

namespace mtec::read {

int read_once(const ReadJob& job) {
  modbus::Client client(app::endpoint_of(job.settings));
  std::vector<const Register*> regs(job.selected.begin(), job.selected.end());
  // The serial number goes into every frame: read it along.
  if (const Register* serial = job.catalog.by_address(kSerialAddress);
      serial && !job.selected.count(serial))
    regs.push_back(serial);
  try {
    client.connect();
  } catch (modbus::ModbusError& e) {
    e.set_hint(modbus::connect_hint(client.endpoint(), e));
    throw;
  }
  ReadPolicy policy;
  policy.retries = job.settings.modbus_retries;
  policy.budget = read_budget(job.settings.refresh_now, client.endpoint().timeout);
  const ReadOutcome outcome = read_registers(client, regs, job.settings.modbus_max_gap, policy);
  const std::string ts = iso_timestamp(std::chrono::system_clock::now());
  const auto frames = frames_by_group(job.catalog, job.groups, job.selected, outcome, ts,
                                      serial_from(job.catalog, outcome), job.raw);
  const ReadReport report = report_read(outcome, job.asked, client.endpoint(), client.peer());
  for (const auto& line : report.refusals) job.log.warn(line);
  if (!report.failure.empty()) job.log.warn(report.failure);
  if (!report.hint.empty()) job.log.hint(report.hint);
  if (job.table) {
    std::fputs(table_of(job.catalog, frames, job.settings).c_str(), stdout);
  } else {
    LineWriter out;
    for (const auto& f : frames) out.add(frame_line(f));
    if (!out.flush()) return 0;  // reader gone: end quietly
  }
  return outcome.worst ? exit_code(*outcome.worst) : 0;
}

}  // namespace mtec::read
