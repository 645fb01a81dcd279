#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks the vgem selftests' results from a VM run (vm/lane --selftest):
# a wait on a fence that never signals fails at its deadline with what the
# kernel said, before vgem signals the fence by itself (after 10 s), and the run
# goes on; a leaked sync_file fails its test; and a producer that leaves its
# fence off half of its submits at random (the vgem-cpu mutant) fails the
# pending test in every run, on a gated frame, naming the contradiction.
# Usage: check_vm.sh RESULTS.json [MUTANT-RESULTS.json...]
set -uo pipefail
results=${1:?usage: check_vm.sh RESULTS.json [MUTANT-RESULTS.json...]}
python3 - "$@" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
tests = {s["name"] + "." + t["name"]: t for s in doc["testsuites"] for t in s["testsuite"]}
problems = []
def expect(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond: problems.append(what)
wait = tests.get("SelftestVgem.WaitsOnAFenceThatNeverSignals", {})
message = (wait.get("failures") or [{}])[0].get("failure", "")
expect(bool(wait.get("failures")), "a wait on a never-signalled fence fails its test")
expect("did not signal within its deadline of 300 ms" in message and "vgem/" in message,
       "the failure names the deadline and the fence the kernel reported")
# At its own deadline, not vgem's 10 s self-signal: the kernel still said the
# fence was active when the wait gave up, and it gave up no earlier than 300 ms.
# (Judged on what the wait itself reported, never on how long the test took.)
import re
gave_up = re.search(r"gave up after (\d+) ms", message)
expect("vgem/" in message and " active" in message,
       "it fails at its own deadline: the kernel still reports the fence active, so vgem had not signalled it")
expect(gave_up is not None and int(gave_up.group(1)) >= 300, "it waited its whole deadline of 300 ms first")
after = tests.get("SelftestVgem.RunsAfterTheFailedWait", {})
expect(after.get("status") == "RUN" and not after.get("failures"), "the run goes on: the next test passes")
leak = tests.get("SelftestVgemLeak.LeaksASyncFile", {})
expect("sync_file descriptor open" in (leak.get("failures") or [{}])[0].get("failure", ""),
       "a leaked sync_file fails its test")
def run_of(path):
    return {s["name"] + "." + t["name"]: t for s in json.load(open(path))["testsuites"] for t in s["testsuite"]}
def failure_of(test):
    return "\n".join(f.get("failure", "") for f in (test.get("failures") or []))
# The other mutants: each must fail the test that is there to catch it, for that reason.
others = [p for p in sys.argv[2:] if "/selftest-mutant-" in p]
mutants = [p for p in sys.argv[2:] if p not in others]
named = {p.rsplit("selftest-mutant-", 1)[1][:-5]: p for p in others}
expect(set(named) == {"signals-early", "bridge-signalled", "gbm-fails", "leak-bo"}, "the other mutants ran: %s" % sorted(named))
if "signals-early" in named:
    test = run_of(named["signals-early"]).get("Gpu/GpuWrite.WaitingOnTheExportThenReadingSeesTheNewFrame/vgem_cpu", {})
    expect("after the exported fence signalled, the consumer read" in failure_of(test),
           "a producer that signals before it writes fails the content check after the wait")
if "bridge-signalled" in named:
    run = run_of(named["bridge-signalled"])
    bridge = [t for name, t in run.items() if name.startswith("Gpu/GpuBridge.")]
    expect(bool(bridge) and all("already signalled" in failure_of(t) for t in bridge),
           "a bridge that imports an already-signalled fence fails every bridge test (%d)" % len(bridge))
if "gbm-fails" in named:
    test = run_of(named["gbm-fails"]).get("Gpu/GpuWrite.ExportRightAfterSubmitIsPending/vgem_cpu", {})
    expect("advertises for rendering" in failure_of(test) and test.get("result") != "SKIPPED",
           "a GBM that cannot allocate the default buffer in a format it advertises fails, not skips")
if "leak-bo" in named:
    test = run_of(named["leak-bo"]).get("Gpu/GpuWrite.ExportRightAfterSubmitIsPending/vgem_cpu", {})
    expect("the test left 1 gbm_bo held" in failure_of(test),
           "a harness that never destroys its gbm_bo fails the test that made it")
expect(len(mutants) >= 5, "the half-fenced mutant ran (%d runs)" % len(mutants))
for path in mutants:
    run = {s["name"] + "." + t["name"]: t for s in json.load(open(path))["testsuites"] for t in s["testsuite"]}
    pending = run.get("Gpu/GpuWrite.ExportRightAfterSubmitIsPending/vgem_cpu", {})
    message = (pending.get("failures") or [{}])[0].get("failure", "")
    expect(bool(pending.get("failures")), path + ": the pending test fails the half-fenced mutant")
    expect("already signalled while the producer said" in message and "gate was still closed" in message,
           path + ": on a gated frame, naming the contradiction")
sys.exit(1 if problems else 0)
PY
