// SPDX-License-Identifier: MIT
#include "gpu/mesa.h"

#include <gtest/gtest.h>

namespace fc {
namespace {

TEST(MesaVersion, IsReadFromTheDriversOwnStrings) {
  EXPECT_EQ(mesa_version_in("OpenGL ES 3.2 Mesa 22.3.6"), "22.3.6");
  EXPECT_EQ(mesa_version_in("llvmpipe Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6)"), "25.0.7-2~bpo12+1");
  EXPECT_EQ(mesa_version_in("NVIDIA 580.159.04"), "");
  EXPECT_EQ(mesa_version_in("Mesa Project"), "");
}

TEST(MesaVersion, TheLoadedOnesAreListedOnceEach) {
  const std::string before = loaded_mesa_version();
  note_loaded_driver("OpenGL ES 3.2 Mesa 99.1.0");
  note_loaded_driver("llvmpipe Mesa 99.1.0 (LLVM 15.0.6)");
  note_loaded_driver("NVIDIA 580.159.04");
  note_loaded_driver("Mesa 99.2.0");
  EXPECT_EQ(loaded_mesa_version(), before + (before.empty() ? "" : ",") + "99.1.0,99.2.0");
}

}  // namespace
}  // namespace fc
