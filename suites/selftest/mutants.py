# SPDX-License-Identifier: MIT
"""What the mutant checks (check_venus.sh, check_kms.sh) read of a gtest JSON
result file: its tests by full name, a test's failure text, and the checks'
own ok/FAILED lines with the exit status they add up to."""
import json
import sys


def tests_of(path):
    """{"Suite.Name": test} of a gtest JSON file."""
    return {s["name"] + "." + t["name"]: t for s in json.load(open(path))["testsuites"] for t in s["testsuite"]}


def failure_of(test):
    """Every failure message of a test (a dict of tests_of, or None), joined."""
    return "\n".join(f.get("failure", "") for f in ((test or {}).get("failures") or []))


def passed(test):
    return test is not None and test.get("result") == "COMPLETED" and not test.get("failures")


class Checks:
    def __init__(self):
        self.failed = False

    def expect(self, ok, what):
        print(("ok     " if ok else "FAILED ") + what)
        self.failed |= not ok

    def exit(self):
        sys.exit(1 if self.failed else 0)
