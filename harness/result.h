// SPDX-License-Identifier: MIT
// Result<T>: a value, or the exact errno of the call that failed.
//
// Tests must tell EINVAL from ENOTTY from EBADF, so every fallible harness
// call returns the errno it got, unchanged, never a bool.
#pragma once

#include <cerrno>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace fc {

// errno as a value; name() gives "EINVAL", describe() "EINVAL (Invalid argument)".
struct Errno {
  int value = 0;

  [[nodiscard]] std::string name() const;
  [[nodiscard]] std::string describe() const;
  friend bool operator==(Errno, Errno) = default;
};

// The errno of the last failed libc call, captured before anything can clobber it.
[[nodiscard]] inline Errno last_errno() { return Errno{errno}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Errno error) : error_(error) {}         // NOLINT: implicit by design

  [[nodiscard]] bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }

  // errno of the failure; 0 when ok().
  [[nodiscard]] int error() const { return error_.value; }
  [[nodiscard]] Errno err() const { return error_; }

  // The value; throws std::logic_error naming the errno if there is none, so
  // a test that reads a failed result fails with that errno, not with UB.
  T& value() & { return check(), *value_; }
  const T& value() const& { return check(), *value_; }
  T&& value() && { return check(), std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  void check() const {
    if (!value_) throw std::logic_error("value() of a failed call: " + error_.describe());
  }
  std::optional<T> value_;
  Errno error_{};
};

// Result of a call with nothing to return but success or an errno.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Errno error) : error_(error) {}  // NOLINT: implicit by design

  [[nodiscard]] bool ok() const { return error_.value == 0; }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] int error() const { return error_.value; }
  [[nodiscard]] Errno err() const { return error_; }

 private:
  Errno error_{};
};

// "ok" or "EINVAL (Invalid argument)": for failure messages.
template <class R>
[[nodiscard]] std::string describe(const R& result) {
  return result.ok() ? std::string("ok") : result.err().describe();
}

}  // namespace fc
