# SPDX-License-Identifier: MIT
# cmake -DSOURCE=DIR -DVERSION=X.Y.Z -DOUT=FILE -P version.cmake: writes FILE,
# the definitions of results/version.h, with the commit SOURCE is at now
# (git describe; "unknown" outside a git checkout). FILE is rewritten only
# when its text changes, so an unchanged tree rebuilds nothing.
execute_process(COMMAND git -C "${SOURCE}" describe --always --dirty --abbrev=12
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE status)
if(NOT status EQUAL 0 OR commit STREQUAL "")
  set(commit "unknown")
endif()
file(WRITE "${OUT}.new" "// Written by results/version.cmake: do not edit.
#include \"results/version.h\"

namespace fc {
std::string fencecheck_version() { return \"${VERSION}\"; }
std::string fencecheck_commit() { return \"${commit}\"; }
std::string fencecheck_version_line(const std::string& program) {
  return program + \" \" + fencecheck_version() + \" (commit \" + fencecheck_commit() + \")\";
}
}  // namespace fc
")
execute_process(COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${OUT}.new" "${OUT}")
file(REMOVE "${OUT}.new")
