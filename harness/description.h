// SPDX-License-Identifier: MIT
// What each test checks, in the words of the uAPI user who relies on it (as
// IGT's igt_describe): registered beside the test with FC_DESCRIBE, recorded
// in every result (schema::kDescription), listed by fencecheck --describe,
// and what a bug report says the test is for. A test without one fails the
// host suite (suites/description_test.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fc {

// Registers text for the tests of fixture `suite` called `test` (a TEST_P's
// name without its parameter; any instantiation). Returns true (for the
// static initialiser FC_DESCRIBE expands to).
bool register_description(std::string_view suite, std::string_view test, std::string_view text);

// The description of a test as gtest names it ("Vgem/BadInputTable",
// "KernelAnswers.../Export_NoDirection"): the instantiation prefix of the
// suite and the parameter of the name are not part of the key.
[[nodiscard]] std::optional<std::string> description_of(std::string_view suite, std::string_view name);

}  // namespace fc

// FC_DESCRIBE(Fixture, TestName, "what a consumer relies on that this checks"),
// at namespace scope, just before the test.
#define FC_DESCRIBE(suite, test, text) \
  [[maybe_unused]] static const bool fc_described_##suite##_##test##_ = ::fc::register_description(#suite, #test, text)
