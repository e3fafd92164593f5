# Writes OUTPUT, a C++ source defining `std::string_view SYMBOL()` in
# namespace mtec that returns the bytes of INPUT. Run at build time
# (cmake -DINPUT=... -DOUTPUT=... -DSYMBOL=... -P EmbedText.cmake), so the
# file stays the one source and no path of the build machine is embedded.
file(READ "${INPUT}" content HEX)
string(LENGTH "${content}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
# one line per 32 bytes keeps the generated file readable by tools
string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){32})" "\\1\n    " bytes "${bytes}")
get_filename_component(name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
"// Generated from ${name} by cmake/EmbedText.cmake; do not edit.
#include <string_view>

namespace mtec {
namespace {
constexpr char kBytes[] = {
    ${bytes}'\\0'};
}  // namespace

std::string_view ${SYMBOL}() { return {kBytes, ${size}}; }

}  // namespace mtec
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
