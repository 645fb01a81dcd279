// SPDX-License-Identifier: MIT
// JUnit XML of one result file, with the run's context and each test's properties.
#include <algorithm>
#include <sstream>

#include "results/report.h"
#include "results/schema.h"
#include "results/text.h"

namespace fc {

std::string junit_xml(const ResultFile& file) {
  const GtestRun& run = file.run;
  const Tally counts = tally(run.results);
  // Beside the results: a test the cell had to run without one (MISSING), and
  // the cell's own verdict where it judged nothing (NOT JUDGED), as failures.
  std::vector<std::string> missing;
  if (file.expected_tests) {
    for (const std::string& name : *file.expected_tests) {
      if (file.is_missing(name)) missing.push_back(name);
    }
  }
  const auto unjudged = file.unjudged();
  const int known = static_cast<int>(std::count_if(run.results.begin(), run.results.end(),
                                                   [&](const TestRecord& r) { return file.is_known_failure(r); }));
  const int failures = counts.failed - known + static_cast<int>(missing.size()) + (unjudged && !unjudged->known);
  const int skipped = counts.skipped + known + (unjudged && unjudged->known);
  const std::size_t tests = run.results.size() + missing.size() + (unjudged ? 1 : 0);
  double total = 0;
  for (const TestRecord& r : run.results) total += r.seconds;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"fencecheck\" tests=\"" << tests << "\" failures=\"" << failures << "\" skipped=\""
      << skipped << "\" time=\"" << total << "\">\n";
  out << "  <testsuite name=\"fencecheck." << html_escape(run.context_of(schema::kCell, "host")) << "\" tests=\""
      << tests << "\" failures=\"" << failures << "\" skipped=\"" << skipped << "\" time=\"" << total
      << "\" hostname=\"" << html_escape(run.context_of(schema::kMachine, "unknown")) << "\" timestamp=\""
      << html_escape(run.context_of(schema::kTimestamp, "")) << "\">\n    <properties>\n";
  for (const auto& [key, value] : run.context) {
    out << "      <property name=\"" << html_escape(key) << "\" value=\"" << html_escape(value) << "\"/>\n";
  }
  out << "    </properties>\n";
  for (const TestRecord& r : run.results) {
    auto dot = r.name.find('.');
    out << "    <testcase classname=\"" << html_escape(r.name.substr(0, dot)) << "\" name=\""
        << html_escape(r.name.substr(dot + 1)) << "\" time=\"" << r.seconds << "\">\n";
    const Properties& properties = r.properties;
    if (!properties.empty()) {
      out << "      <properties>\n";
      for (const auto& [key, value] : properties) {
        if (key == schema::kTrace) continue;  // the ioctl trace stays in the result file (reproducer reads it there)
        out << "        <property name=\"" << html_escape(key) << "\" value=\"" << html_escape(value) << "\"/>\n";
      }
      out << "      </properties>\n";
    }
    if (r.outcome == Outcome::Skip) {
      out << "      <skipped message=\"" << html_escape(first_line(r.message)) << "\"/>\n";
    } else if (file.is_known_failure(r)) {
      out << "      <skipped message=\"KNOWN FAILURE (the cell's expectations list it): "
          << html_escape(first_line(r.message)) << "\">" << html_escape(r.message) << "</skipped>\n";
    } else if (r.outcome != Outcome::Pass) {
      out << "      <failure message=\"" << html_escape(first_line(r.message)) << "\" type=\"" << to_string(r.outcome)
          << "\">" << html_escape(r.message) << "</failure>\n";
    }
    out << "    </testcase>\n";
  }
  for (const std::string& name : missing) {
    auto dot = name.find('.');
    out << "    <testcase classname=\"" << html_escape(name.substr(0, dot)) << "\" name=\""
        << html_escape(name.substr(dot + 1)) << "\" time=\"0\">\n      <failure message=\"MISSING: listed for this "
        << "run, but it has no result (the run died or lost it)\" type=\"Missing\"/>\n    </testcase>\n";
  }
  if (unjudged) {
    out << "    <testcase classname=\"fencecheck\" name=\"judged\" time=\"0\">\n      <"
        << (unjudged->known ? "skipped" : "failure")
        << " message=\"NOT JUDGED: " << html_escape(first_line(unjudged->why)) << "\""
        << (unjudged->known ? "" : " type=\"NotJudged\"") << ">" << html_escape(unjudged->why) << "</"
        << (unjudged->known ? "skipped" : "failure") << ">\n    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace fc
