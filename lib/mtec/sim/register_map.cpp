#include "mtec/sim/register_map.hpp"

#include <modbus/modbus.h>

#include <algorithm>

#include "mtec/base/errors.hpp"

namespace mtec::sim {

void RegisterMap::Free::operator()(_modbus_mapping_t* m) const { modbus_mapping_free(m); }

RegisterMap::RegisterMap(const Snapshot& snap) {
  int lo = 65535, hi = 0;
  for (const auto& [addr, words] : snap) {
    lo = std::min<int>(lo, addr);
    hi = std::max<int>(hi, addr + static_cast<int>(words.size()));
  }
  if (snap.empty()) lo = hi = 0;
  map_.reset(modbus_mapping_new_start_address(0, 0, 0, 0, static_cast<unsigned>(lo),
                                              static_cast<unsigned>(hi - lo), 0, 0));
  if (!map_) throw Error(ErrorClass::software, "cannot allocate the register map");
  for (const auto& [addr, words] : snap)
    std::copy(words.begin(), words.end(), map_->tab_registers + (addr - lo));
}

RegisterMap::~RegisterMap() = default;

int RegisterMap::start() const { return static_cast<int>(map_->start_registers); }

int RegisterMap::size() const { return map_->nb_registers; }

bool RegisterMap::holds(int address, int count) const {
  const int offset = address - start();
  return offset >= 0 && count >= 0 && offset + count <= size();
}

std::span<const uint16_t> RegisterMap::words(int address, int count) const {
  return {map_->tab_registers + (address - start()), static_cast<size_t>(count)};
}

void RegisterMap::write(int address, std::span<const uint16_t> words) {
  std::copy(words.begin(), words.end(), map_->tab_registers + (address - start()));
}

void RegisterMap::overlay(const Snapshot& words) {
  for (const auto& [a, ws] : words)
    if (holds(a, static_cast<int>(ws.size()))) write(a, ws);
}

}  // namespace mtec::sim
