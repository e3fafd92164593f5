// Registers of one word at given addresses, for planning and reading tests.
#pragma once

#include <deque>
#include <initializer_list>
#include <string>
#include <vector>

#include "mtec/inverter/catalog.hpp"

namespace mtec::test {

struct OneWordRegisters {
  std::deque<Register> store;  // stable addresses for the pointers
  std::vector<const Register*> ptrs;
  explicit OneWordRegisters(std::initializer_list<int> addresses) {
    for (int a : addresses) {
      Register r;
      r.key = std::to_string(a);
      r.mqtt = "r" + r.key;
      r.address = static_cast<uint16_t>(a);
      r.length = 1;
      store.push_back(r);
      ptrs.push_back(&store.back());
    }
  }
};

}  // namespace mtec::test
