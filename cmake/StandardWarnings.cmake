# Warnings for our own targets only (linked PRIVATE); -Werror in CI/dev mode.
option(MTEC_WERROR "Treat warnings as errors" OFF)
add_library(mtec_warnings INTERFACE)
target_compile_options(mtec_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                               -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion)
if(MTEC_WERROR)
  target_compile_options(mtec_warnings INTERFACE -Werror)
endif()
