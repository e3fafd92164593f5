// The simulator's holding registers: one block from the snapshot's lowest
// to its highest address (words the snapshot does not name are 0), kept in
// libmodbus's own register mapping.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "mtec/sim/snapshot.hpp"

struct _modbus_mapping_t;  // <modbus/modbus.h>

namespace mtec::sim {

// --- Interface ---

class RegisterMap {
 public:
  // Throws Error(software) if the mapping cannot be allocated.
  explicit RegisterMap(const Snapshot& snapshot);
  ~RegisterMap();
  RegisterMap(const RegisterMap&) = delete;
  RegisterMap& operator=(const RegisterMap&) = delete;

  int start() const;  // the lowest address
  int size() const;   // words held
  // Whether [address, address+count) lies inside the block.
  bool holds(int address, int count) const;
  // The words at [address, address+count); holds() must be true.
  std::span<const uint16_t> words(int address, int count) const;
  // Sets the words from `address` on; holds() must be true for them.
  void write(int address, std::span<const uint16_t> words);
  // Sets the snapshot's words that lie inside the block; the others are ignored.
  void overlay(const Snapshot& words);

 private:
  struct Free {
    void operator()(_modbus_mapping_t* m) const;
  };
  std::unique_ptr<_modbus_mapping_t, Free> map_;
};

}  // namespace mtec::sim
