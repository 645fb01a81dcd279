// SPDX-License-Identifier: MIT
// compare's and kernel-log's reports (results/commands.h).
#include "results/commands.h"
#include "results/schema.h"
#include "results/text.h"

namespace fc {

Report compare_report(const CompareInput& input) {
  Report report;
  std::string& out = report.text;
  const GtestRun& run = *input.run;
  const bool unknown_cell = input.stems.empty();
  const Comparison comparison = compare(run.results, input.expectations, input.expected_tests, unknown_cell);
  for (const auto& entry : comparison.entries) {
    if (entry.kind == Comparison::Kind::Expected) continue;
    if (!is_about_an_outcome(entry.kind)) {
      appendf(out, "  %-17s %s%s%s\n", std::string(to_string(entry.kind)).c_str(), entry.name.c_str(),
              entry.name.empty() ? "" : ": ", entry.message.c_str());
      continue;
    }
    appendf(out, "  %-17s %s: %s (expected %s)\n", std::string(to_string(entry.kind)).c_str(), entry.name.c_str(),
            std::string(to_string(entry.actual)).c_str(), std::string(to_string(entry.expected)).c_str());
    if (!entry.message.empty() && entry.kind != Comparison::Kind::Flake) {
      appendf(out, "                    %s\n", first_line(entry.message).c_str());
    }
  }
  const Tally counts = tally(run.results);
  using Kind = Comparison::Kind;
  // The run's own exit statuses must say what its results say (exit_status_problems).
  const std::vector<std::string> exit_problems = exit_status_problems(input.exit_statuses, run.results);
  for (const std::string& problem : exit_problems) appendf(out, "  %-17s %s\n", "EXIT STATUS", problem.c_str());
  bool exit_ok = exit_problems.empty();
  // The Mesa the cell is named after must be the one that loaded.
  if (auto mesa = mesa_problem(input.cell, run.context_of(schema::kMesaVersion, ""),
                               run.context_of(schema::kMesaPackage, ""))) {
    appendf(out, "  %-17s %s\n", "MESA", mesa->c_str());
    exit_ok = false;
  }
  // What the kernel said during the cell: an unknown complaint fails it; a
  // known one (STEM-kernel-complaints.txt) is shown; a known one absent is stale.
  bool log_ok = true;
  if (input.kernel_log) {
    const KernelLogCheck log = check_kernel_log(*input.kernel_log, input.expectations.kernel_complaints);
    for (const std::string& line : log.unknown) appendf(out, "  %-17s %s\n", "KERNEL COMPLAINED", line.c_str());
    for (const std::string& line : log.known) appendf(out, "  %-17s %s\n", "known complaint", line.c_str());
    for (const std::string& pattern : log.stale) {
      appendf(out, "  %-17s %s: a known kernel complaint that did not appear in %s\n", "STALE EXPECTATION",
              pattern.c_str(), input.kernel_log_path.c_str());
    }
    log_ok = log.ok();
  }
  std::string stems;
  for (const std::string& stem : input.stems) stems += (stems.empty() ? "" : ", ") + stem;
  const std::string& dir = input.expectations_dir;
  const std::string against = unknown_cell
                                  ? "with no expectation files in " + dir +
                                        "/ (a skip is tolerated, a failure is not, and something must be judged)"
                                  : "against " + dir + "/{" + stems + "}";
  report.ok = comparison.ok() && exit_ok && log_ok;
  // NOT JUDGED: nothing else went wrong, but nothing was judged either.
  const bool only_unjudged =
      !report.ok && exit_ok && log_ok &&
      comparison.count(Kind::NothingJudged) + comparison.count(Kind::Expected) + comparison.count(Kind::Flake) ==
          static_cast<int>(comparison.entries.size());
  const bool known_unjudged = report.ok && comparison.count(Kind::KnownNotJudged) > 0;
  appendf(out, "%s: %zu results (%d pass, %d fail, %d skip) %s: %s\n", input.cell.c_str(), run.results.size(),
          counts.passed, counts.failed, counts.skipped, against.c_str(),
          known_unjudged  ? "as expected, and judged nothing"
          : report.ok     ? "all as expected"
          : only_unjudged ? "NOT JUDGED"
                          : "MISMATCH");
  if (!comparison.ok()) {
    appendf(out,
            "  %d new failure(s), %d changed reason(s), %d unexpected pass(es), %d unexpected skip(s), "
            "%d listed skip(s) passed, %d stale expectation(s), %d missing, %d unlisted%s\n",
            comparison.count(Kind::NewFailure), comparison.count(Kind::ChangedReason),
            comparison.count(Kind::UnexpectedPass), comparison.count(Kind::UnexpectedSkip),
            comparison.count(Kind::SkipPassed), comparison.count(Kind::StaleExpectation),
            comparison.count(Kind::Missing), comparison.count(Kind::Unlisted),
            comparison.count(Kind::NoResults)       ? ", no result at all"
            : comparison.count(Kind::NothingJudged) ? ", nothing judged"
                                                    : "");
  }
  return report;
}

Report kernel_log_report(const std::string& path, std::string_view text, const std::vector<Pattern>& known) {
  Report report;
  const KernelLogCheck log = check_kernel_log(text, known);
  for (const std::string& line : log.unknown) appendf(report.text, "  %-17s %s\n", "KERNEL COMPLAINED", line.c_str());
  for (const std::string& line : log.known) appendf(report.text, "  %-17s %s\n", "known complaint", line.c_str());
  appendf(report.text, "%s: %zu complaint(s), %zu unknown: %s\n", path.c_str(), log.unknown.size() + log.known.size(),
          log.unknown.size(), log.unknown.empty() ? "clean" : "KERNEL COMPLAINED");
  report.ok = log.unknown.empty();
  return report;
}

}  // namespace fc
