# cmake -DTARGET=<file> -DLINK=<path> -P BinLink.cmake: afterwards LINK is a
# symbolic link to TARGET. A link that is right already is left alone, so a
# rebuild with nothing to do never takes build/bin's tools away from suites
# running them at the time (cmake -E create_symlink replaces it every time).
cmake_minimum_required(VERSION 3.20)
if(IS_SYMLINK "${LINK}")
  file(READ_SYMLINK "${LINK}" current)
  if(current STREQUAL TARGET)
    return()
  endif()
endif()
file(CREATE_LINK "${TARGET}" "${LINK}" SYMBOLIC)
