// SPDX-License-Identifier: MIT
// Which Mesa the producers loaded: read from their drivers' own strings, for
// the run's context (schema::kMesaVersion), so that a cell named after one
// Mesa is checked against the Mesa that ran.
#pragma once

#include <string>
#include <string_view>

namespace fc {

// The Mesa version a driver string names ("OpenGL ES 3.2 Mesa 22.3.6",
// "llvmpipe Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6)" -> "22.3.6", "25.0.7-2~bpo12+1"),
// or "" when it names none.
[[nodiscard]] std::string mesa_version_in(std::string_view driver_string);
// The Mesa the producers actually loaded in this process (what their driver
// strings said), for the run's context; "" while none has. Producers note it.
void note_loaded_driver(std::string_view driver_string);
[[nodiscard]] std::string loaded_mesa_version();

}  // namespace fc
