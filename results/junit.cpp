// JUnit XML of one result file, with the run's context and each test's properties.
#include <sstream>

#include "results/report.h"
#include "results/schema.h"
#include "results/text.h"

namespace fc {

std::string junit_xml(const ResultFile& file) {
  const GtestRun& run = file.run;
  const Tally counts = tally(run.results);
  const int failures = counts.failed, skipped = counts.skipped;
  double total = 0;
  for (const TestRecord& r : run.results) total += r.seconds;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"fencecheck\" tests=\"" << run.results.size() << "\" failures=\"" << failures
      << "\" skipped=\"" << skipped << "\" time=\"" << total << "\">\n";
  out << "  <testsuite name=\"fencecheck." << html_escape(run.context_of(schema::kCell, "host")) << "\" tests=\""
      << run.results.size() << "\" failures=\"" << failures << "\" skipped=\"" << skipped << "\" time=\"" << total
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
        out << "        <property name=\"" << html_escape(key) << "\" value=\"" << html_escape(value) << "\"/>\n";
      }
      out << "      </properties>\n";
    }
    if (r.outcome == Outcome::Skip) {
      out << "      <skipped message=\"" << html_escape(first_line(r.message)) << "\"/>\n";
    } else if (r.outcome != Outcome::Pass) {
      out << "      <failure message=\"" << html_escape(first_line(r.message)) << "\" type=\"" << to_string(r.outcome)
          << "\">" << html_escape(r.message) << "</failure>\n";
    }
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace fc
