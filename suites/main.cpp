// SPDX-License-Identifier: MIT
// fencecheck: a GoogleTest binary. All gtest flags work (--gtest_list_tests,
// --gtest_filter, --gtest_output=json:FILE|xml:FILE); fencecheck adds its own
// (runner/runner.cpp, --help).
#include "runner/runner.h"

int main(int argc, char** argv) { return fc::fencecheck_main(argc, argv); }
