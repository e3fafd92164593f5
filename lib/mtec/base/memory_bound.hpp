// A bound on the process's data memory (RLIMIT_DATA: heap and private
// mappings), for a tool whose peer announces sizes it then allocates:
// libmosquitto 2.0 allocates a whole incoming packet (up to 256 MB) as soon
// as its fixed header announces it. Under the bound that allocation fails
// and the library drops the connection instead. Generic: no domain knowledge.
#pragma once

#include <cstddef>

namespace mtec {
inline namespace base {

// --- Interface ---

enum class MemoryBound { set, already_lower, in_use_above };

// Bounds the data memory to `bytes` (soft limit; a lower limit stays). When
// the process uses more already (a sanitizer's shadow memory), nothing is
// changed: in_use_above.
MemoryBound bound_data_memory(size_t bytes);

}  // namespace base
}  // namespace mtec
