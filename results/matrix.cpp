// SPDX-License-Identifier: MIT
// The driver matrix: rows are behaviours (test IDs), columns are result
// files (a cell on a machine), as markdown, a self-contained HTML page and a
// terminal table.
#include <algorithm>
#include <set>
#include <sstream>

#include "results/report.h"
#include "results/schema.h"
#include "results/text.h"
#include "results/verdicts.h"

namespace fc {
namespace {

// Properties worth showing beside a cell: what the kernel returned and who wrote.
bool is_provenance_key(const std::string& key) {
  static constexpr std::string_view kShown[] = {
      schema::kFencePrefix,  schema::kDevicePrefix, schema::kBufferPrefix, schema::kGlRenderer, schema::kGlVersion,
      schema::kVulkanDriver, schema::kVulkanDevice, schema::kReadbackPath, schema::kReadback,   schema::kRace,
      schema::kChild,        schema::kSubmits,      schema::kProducer};
  return std::any_of(std::begin(kShown), std::end(kShown),
                     [&](std::string_view prefix) { return key.starts_with(prefix); });
}

// "1 fence: virtio_gpu/controlq active" -> "virtio_gpu/controlq active": the first export's.
std::string fence_brief(const TestRecord& record) {
  auto fences = record.fences();
  if (fences.empty()) return {};
  const std::string& value = fences.front().second;
  auto colon = value.find(": ");
  return colon == std::string::npos ? value : value.substr(colon + 2);
}

// The renderer strings a column's tests recorded (one run, one device: usually one).
std::string renderers_of(const GtestRun& run) {
  std::set<std::string> seen;
  for (const TestRecord& record : run.results) {
    for (std::string_view key : {schema::kGlRenderer, schema::kVulkanDevice}) {
      if (const std::string* value = find_property(record.properties, key)) seen.insert(*value);
    }
  }
  std::string out;
  for (const auto& r : seen) out += (out.empty() ? "" : ", ") + r;
  return out;
}

// The producers that wrote in this run (the GPU fixture records each test's).
std::string producers_of(const GtestRun& run) {
  std::set<std::string> ran;
  bool gpu_tests = false;
  for (const TestRecord& record : run.results) {
    const std::string* producer = find_property(record.properties, schema::kProducer);
    if (!producer) continue;
    gpu_tests = true;
    if (record.outcome != Outcome::Skip) ran.insert(*producer);
  }
  std::string out;
  for (const auto& p : ran) out += (out.empty() ? "" : ", ") + p;
  if (out.empty()) return gpu_tests ? "no producer ran (every GPU test skipped)" : "kernel fences only";
  return out;
}

// The terminal table's widths: its prose is wrapped at kTextWidth, and a
// behaviour's name too long to leave its row within kTextWidth gets a line
// of its own (the name column is kTextNameMin to kTextNameWidth wide).
constexpr std::size_t kTextWidth = 100;
constexpr std::size_t kTextNameWidth = 60;
constexpr std::size_t kTextNameMin = 24;

// Do all files come from one machine? Then a column is named by its cell
// alone (the machine is in its provenance): every VM cell's machine is the
// guest's host name, which tells nothing.
bool one_machine(const std::vector<ResultFile>& files) {
  for (const ResultFile& file : files) {
    if (file.run.context_of(schema::kMachine) != files.front().run.context_of(schema::kMachine)) return false;
  }
  return true;
}

std::string column_title(const GtestRun& run, bool with_machine) {
  return run.context_of(schema::kCell) + (with_machine ? " @ " + run.context_of(schema::kMachine) : "");
}

// The driver of the device the GPU tests used: the first word of gpu.device.
std::string column_driver(const GtestRun& run) {
  std::string device = run.context_of(schema::kGpuDevice, "");
  return device.substr(0, device.find(' '));
}

// All test names, with results or missing, sorted.
std::vector<std::string> row_names(const std::vector<ResultFile>& files) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const ResultFile& file : files) {
    for (const TestRecord& result : file.run.results) {
      if (seen.insert(result.name).second) names.push_back(result.name);
    }
    if (!file.expected_tests) continue;
    for (const std::string& name : *file.expected_tests) {
      if (seen.insert(name).second) names.push_back(name);
    }
  }
  // By suite, then by name: a behaviour's producers (…/gl, …/vgem_cpu, …/vulkan) sit together.
  std::sort(names.begin(), names.end());
  return names;
}

struct Cell {
  std::string css;    // pass, fail, known, skip, none (not in the cell's tests), or fail for MISSING
  std::string label;  // pass, FAIL, known fail, skip, MISSING, -
};

Cell cell_of(const ResultFile& file, const std::string& name, const TestRecord* result) {
  if (!result) return file.is_missing(name) ? Cell{"fail", "MISSING"} : Cell{"none", "-"};
  switch (result->outcome) {
    case Outcome::Pass: return {"pass", pass_label(judgement(*result))};
    case Outcome::Skip: return {"skip", "skip"};
    default: break;
  }
  if (file.is_known_failure(*result)) return {"known", "known fail"};
  return {"fail", result->outcome == Outcome::Fail ? "FAIL" : std::string(to_string(result->outcome))};
}

// A column's counts: tally(), with the failures its expectations know apart.
struct ColumnCounts {
  int pass = 0, fail = 0, known = 0, skip = 0, missing = 0;
  std::optional<ResultFile::Unjudged> unjudged;
  // What a column says beyond its counts: missing results, a cell that judged nothing.
  [[nodiscard]] std::string warnings() const {
    std::string text;
    if (missing) text += "; " + std::to_string(missing) + " MISSING (no result for a test the cell had to run)";
    if (unjudged)
      text += (unjudged->known ? "; not judged, as its expectations say: " : "; NOTHING JUDGED: ") +
              first_line(unjudged->why);
    return text;
  }
};
ColumnCounts counts_of(const ResultFile& file) {
  Tally t = tally(file.run.results);
  int known = 0;
  for (const TestRecord& result : file.run.results) known += cell_of(file, result.name, &result).css == "known";
  return {t.passed, t.failed - known, known, t.skipped, file.missing_count(), file.unjudged()};
}

std::string_view verdict_css(DriverVerdict::Kind kind) {
  switch (kind) {
    case DriverVerdict::Kind::Good: return "pass";
    case DriverVerdict::Kind::Bad: return "fail";
    case DriverVerdict::Kind::NotJudged: break;
  }
  return "skip";
}

}  // namespace

std::string matrix_markdown(const std::vector<ResultFile>& files) {
  std::ostringstream out;
  out << "# fencecheck matrix\n\n";
  if (auto verdicts = driver_verdicts(files); !verdicts.empty()) {
    out << "## Verdicts\n\n| cell | driver | API | verdict | explicit bridge | plain submit fenced | gate | evidence "
           "|\n"
           "|---|---|---|---|---|---|---|---|\n";
    for (const DriverVerdict& v : verdicts) {
      const std::string verdict = v.kind == DriverVerdict::Kind::Bad ? "**" + v.verdict + "**" : v.verdict;
      out << "| " << markdown_escape(v.cell) << " | " << markdown_escape(v.driver) << " | "
          << markdown_escape(v.producer) << " | " << verdict << " | " << markdown_escape(v.bridge) << " | "
          << markdown_escape(v.implicit.empty() ? "required (see verdict)" : v.implicit) << " | "
          << markdown_escape(v.gate) << " | " << markdown_escape(v.evidence) << " |\n";
    }
    out << "\nThe verdict is `" << kDecidingTest
        << "API`: a plain submit for GL (implicit sync is what GL "
           "promises), the explicit bridge for Vulkan (what Vulkan clients do; a plain Vulkan submit's fence is "
           "informational). gate gpu: every frame was exported while the write provably waited.\n\n"
           "## Every behaviour\n\n";
  }
  out << "| behaviour |";
  for (const ResultFile& file : files)
    out << " " << markdown_escape(column_title(file.run, !one_machine(files))) << " |";
  out << "\n|---|";
  for (std::size_t i = 0; i < files.size(); ++i) out << "---|";
  out << "\n";
  for (const std::string& name : row_names(files)) {
    out << "| `" << markdown_escape(name) << "` |";
    for (const ResultFile& file : files) {
      const TestRecord* result = file.run.find(name);
      Cell cell = cell_of(file, name, result);
      std::string fence = result ? fence_brief(*result) : "";
      std::string label = cell.css == "fail" ? "**" + cell.label + "**" : cell.label;
      out << " " << label << (fence.empty() ? "" : " · " + markdown_escape(fence)) << " |";
    }
    out << "\n";
  }
  out << "\n## Columns\n\n";
  for (const ResultFile& file : files) {
    ColumnCounts t = counts_of(file);
    out << "- **" << markdown_escape(column_title(file.run, !one_machine(files))) << "** (`" << file.path
        << "`): " << t.pass << " pass, " << t.fail << " fail, " << t.known << " known fail, " << t.skip << " skip"
        << t.warnings() << ". Machine " << markdown_escape(file.run.context_of(schema::kMachine)) << "; kernel "
        << file.run.context_of(schema::kKernelRelease) << "; Mesa " << file.run.context_of(schema::kMesaVersion)
        << "; device " << markdown_escape(file.run.context_of(schema::kGpuDevice)) << "; capabilities "
        << markdown_escape(file.run.context_of(schema::kDrmCapabilities, "not recorded"))
        << (file.kernel_log ? "; kernel log " + markdown_escape(file.kernel_log_summary()) : "") << "; producers "
        << producers_of(file.run);
    std::string renderers = renderers_of(file.run);
    if (!renderers.empty()) out << "; renderer " << markdown_escape(renderers);
    out << "; run " << file.run.context_of(schema::kTimestamp, "") << ".\n";
  }
  out << "\nCells: outcome, then the first fence the kernel returned for the test's export "
         "(driver/timeline status). \"known fail\": listed in the cell's expectations.\n";
  return out.str();
}

std::string matrix_text(const std::vector<ResultFile>& files) {
  auto code = [](const Cell& cell) -> std::string {
    if (cell.css == "pass")
      return cell.label == pass_label(Judgement::Whole)       ? "ok"
             : cell.label == pass_label(Judgement::FenceOnly) ? "fo"
                                                              : "ro";
    if (cell.css == "skip") return "sk";
    if (cell.css == "known") return "kf";
    if (cell.css == "none") return ".";
    return cell.label == "FAIL" ? "FAIL" : cell.label.substr(0, 4);  // CRAS(H), TIME(OUT), FLAK(E), MISS(ING)
  };
  std::ostringstream prose;  // wrapped at kTextWidth
  if (auto verdicts = driver_verdicts(files); !verdicts.empty()) {
    prose << "verdicts (cell: driver, API: verdict; explicit bridge; gate):\n";
    for (const DriverVerdict& v : verdicts) {
      prose << "  " << v.cell << ": " << v.driver << ", " << v.producer << ": " << v.verdict << "; bridge " << v.bridge
            << (v.implicit.empty() ? "" : "; plain submit fenced: " + v.implicit) << "; gate " << v.gate << "\n";
      if (v.kind != DriverVerdict::Kind::Good && !v.evidence.empty()) prose << "      " << v.evidence << "\n";
    }
    prose << "\n";
  }
  prose << "columns (cell" << (one_machine(files) ? "" : " @ machine") << ": producers; pass/fail/known fail/skip):\n";
  std::vector<std::string> heads;
  for (std::size_t i = 0; i < files.size(); ++i) {
    heads.push_back("c" + std::to_string(i + 1));
    ColumnCounts t = counts_of(files[i]);
    prose << "  " << heads.back() << std::string(4 - std::min<std::size_t>(3, heads.back().size()), ' ')
          << column_title(files[i].run, !one_machine(files)) << ": " << producers_of(files[i].run) << "; " << t.pass
          << "/" << t.fail << "/" << t.known << "/" << t.skip << t.warnings() << "\n";
  }
  std::ostringstream out;
  out << wrap(prose.str(), kTextWidth);
  std::vector<std::string> shown;
  int uniform = 0;
  for (const std::string& name : row_names(files)) {
    bool all_pass = true;
    for (const ResultFile& file : files) {
      const TestRecord* result = file.run.find(name);
      all_pass = all_pass && (result ? result->outcome == Outcome::Pass && judgement(*result) == Judgement::Whole
                                     : !file.is_missing(name));
    }
    if (all_pass) {
      ++uniform;
    } else {
      shown.push_back(name);
    }
  }
  // A name longer than what leaves the cells room within kTextWidth (at most
  // kTextNameWidth, at least kTextNameMin) gets a line of its own, its cells
  // on the next: the table is as wide as a terminal up to 15 columns.
  const std::size_t cells_width = 5 * files.size();
  const std::size_t name_room =
      std::clamp<std::size_t>(kTextWidth > cells_width + kTextNameMin ? kTextWidth - cells_width - 1 : kTextNameMin,
                              kTextNameMin, kTextNameWidth);
  std::size_t name_width = std::string_view("behaviour").size();
  for (const std::string& name : shown)
    if (name.size() <= name_room) name_width = std::max(name_width, name.size());
  auto pad = [](const std::string& text, std::size_t width) {
    return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
  };
  auto row = [&](const std::string& name, const std::vector<std::string>& cells) {
    if (name.size() > name_width) out << name << "\n";
    std::string line = pad(name.size() > name_width ? "" : name, name_width);
    for (std::size_t i = 0; i < cells.size(); ++i)
      line += " " + pad(cells[i], std::max<std::size_t>(4, heads[i].size()));
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << "\n";
  };
  out << "\n";
  row("behaviour", heads);
  for (const std::string& name : shown) {
    std::vector<std::string> cells;
    for (const ResultFile& file : files) cells.push_back(code(cell_of(file, name, file.run.find(name))));
    row(name, cells);
  }
  out << "\n"
      << wrap(
             std::to_string(uniform) +
                 " more behaviours pass in every cell that ran them (matrix.md lists every one).\n"
                 "ok pass, fo pass judging the fence only (its content check could not fail here), ro pass that only "
                 "records, FAIL new failure, kf known failure (the cell's expectations), sk skip, MISS no result for a "
                 "test the cell had to run, CRAS/TIME/FLAK crash/timeout/flake, . not among the cell's tests\n",
             kTextWidth);
  return out.str();
}

std::string matrix_html(const std::vector<ResultFile>& files) {
  std::ostringstream out;
  out << R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>fencecheck matrix</title>
<style>
:root { --pass:#dcfce7; --pass-ink:#166534; --fail:#fee2e2; --fail-ink:#991b1b; --known:#fef3c7; --known-ink:#92400e;
        --skip:#f1f5f9; --skip-ink:#475569; --line:#e2e8f0; --ink:#0f172a; --muted:#64748b; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 24px; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
p.lead { color: var(--muted); margin: 0 0 16px; }
.legend span { display: inline-block; padding: 1px 8px; border-radius: 9px; margin-right: 6px; font-size: 12px; }
table { border-collapse: separate; border-spacing: 0; width: 100%; margin-top: 16px; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; text-align: left; }
thead th { position: sticky; top: 0; background: #fff; border-bottom: 2px solid var(--ink); z-index: 1; }
thead th .sub { display: block; font-weight: normal; color: var(--muted); font-size: 12px; }
thead th .tally { display: block; font-weight: normal; font-size: 12px; }
@page { size: A2 landscape; margin: 10mm; }
table { width: max-content; min-width: 100%; }
th, td { min-width: 8.5em; max-width: 14em; }
th.behaviour, td.name { position: sticky; left: 0; background: #fff; z-index: 2; min-width: 22em; max-width: 30em; }
thead th.behaviour { z-index: 3; }
td.name { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; overflow-wrap: anywhere; }
thead th .tags { display: block; font-weight: 600; font-size: 12px; color: var(--ink); }
tr.group td { background: #f8fafc; font-weight: 600; color: var(--muted); font-size: 12px; letter-spacing: .02em; }
td.pass { background: var(--pass); color: var(--pass-ink); }
td.fail { background: var(--fail); color: var(--fail-ink); font-weight: 600; }
td.known { background: var(--known); color: var(--known-ink); }
td.skip { background: var(--skip); color: var(--skip-ink); }
td.none { color: var(--line); }
details summary { cursor: pointer; list-style: none; }
details summary::-webkit-details-marker { display: none; }
details summary .fence { display: block; font-weight: normal; font-size: 11px; opacity: .8; }
details[open] summary { margin-bottom: 4px; }
.prov { font: 11px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; color: var(--ink); background: rgba(255,255,255,.7);
        padding: 6px; border-radius: 4px; white-space: pre-wrap; word-break: break-word; }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
</style></head><body>
<h1>fencecheck matrix</h1>
<p class="lead">Implicit fences on dma-bufs written by GPUs: does <code>DMA_BUF_IOCTL_EXPORT_SYNC_FILE</code> show the write
until it lands? One column per cell: a lane on one machine, kernel and Mesa. Click a cell for what the kernel returned and
who wrote.</p>
<div class="legend"><span style="background:var(--pass)">pass</span><span style="background:var(--fail)">FAIL</span>
<span style="background:var(--known)">known fail (in the cell's expectations)</span><span style="background:var(--skip)">skip</span>
<span style="background:var(--fail)">MISSING: no result for a test the cell had to run</span>
<span>- not among the cell's tests</span></div>
)html";
  if (auto verdicts = driver_verdicts(files); !verdicts.empty()) {
    out << "<h2>Verdicts</h2>\n<table class=\"verdicts\"><thead><tr><th>cell</th><th>driver</th><th>API</th>"
           "<th>verdict</th><th>explicit bridge</th><th>plain submit fenced</th><th>gate</th></tr></thead><tbody>\n";
    for (const DriverVerdict& v : verdicts) {
      out << "<tr><td>" << html_escape(v.cell) << "</td><td>" << html_escape(v.driver) << "</td><td>"
          << html_escape(v.producer) << "</td><td class=\"" << verdict_css(v.kind) << "\"><details><summary>"
          << html_escape(v.verdict) << "</summary><div class=\"prov\">" << html_escape(v.test) << "\n"
          << html_escape(v.evidence) << "</div></details></td><td>" << html_escape(v.bridge) << "</td><td>"
          << html_escape(v.implicit.empty() ? "required (see verdict)" : v.implicit) << "</td><td>"
          << html_escape(v.gate) << "</td></tr>\n";
    }
    out << "</tbody></table>\n<h2>Every behaviour</h2>\n";
  }
  out << R"html(<table><thead><tr><th class="behaviour">behaviour</th>)html";
  for (const ResultFile& file : files) {
    ColumnCounts t = counts_of(file);
    std::string renderers = renderers_of(file.run);
    // A cell's name is lane@kernel@mesa[@build]: the lane on top, its tags under it.
    std::string cell = file.run.context_of(schema::kCell);
    std::string lane = cell.substr(0, cell.find('@'));
    std::string tags = cell.find('@') == std::string::npos ? "" : cell.substr(cell.find('@') + 1);
    std::replace(tags.begin(), tags.end(), '@', ' ');
    out << "<th>" << html_escape(lane) << "<span class=\"tags\">" << html_escape(tags) << "</span><span class=\"sub\">"
        << (one_machine(files) ? "" : html_escape(file.run.context_of(schema::kMachine)) + " · ")
        << html_escape(column_driver(file.run)) << " · kernel "
        << html_escape(file.run.context_of(schema::kKernelRelease)) << " · Mesa "
        << html_escape(file.run.context_of(schema::kMesaVersion)) << " · " << html_escape(producers_of(file.run))
        << (renderers.empty() ? "" : " · " + html_escape(renderers)) << "</span><span class=\"tally\">" << t.pass
        << " pass · " << t.fail << " fail · " << t.known << " known · " << t.skip << " skip"
        << html_escape(t.warnings()) << "</span></th>";
  }
  out << "</tr></thead>\n<tbody>\n";
  std::string group;
  for (const std::string& name : row_names(files)) {
    std::string suite = name.substr(0, name.find('.'));
    if (suite != group) {
      group = suite;
      out << "<tr class=\"group\"><td colspan=\"" << files.size() + 1 << "\">" << html_escape(suite) << "</td></tr>\n";
    }
    out << "<tr><td class=\"name\">" << html_escape(name.substr(name.find('.') + 1)) << "</td>";
    for (const ResultFile& file : files) {
      const TestRecord* result = file.run.find(name);
      Cell cell = cell_of(file, name, result);
      if (!result) {
        out << "<td class=\"" << cell.css << "\">" << html_escape(cell.label) << "</td>";
        continue;
      }
      std::string provenance;
      if (!result->message.empty()) provenance += first_line(result->message) + "\n";
      for (const auto& [key, value] : result->properties) {
        if (is_provenance_key(key)) provenance += key + ": " + value + "\n";
      }
      provenance += "kernel: " + file.run.context_of(schema::kKernelRelease) +
                    "\nmachine: " + file.run.context_of(schema::kMachine);
      std::string fence = fence_brief(*result);
      out << "<td class=\"" << cell.css << "\" title=\"" << html_escape(provenance) << "\"><details><summary>"
          << html_escape(cell.label) << (fence.empty() ? "" : "<span class=\"fence\">" + html_escape(fence) + "</span>")
          << "</summary><div class=\"prov\">" << html_escape(provenance) << "</div></details></td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody></table>\n<footer>";
  for (const ResultFile& file : files) {
    out << "<div><b>" << html_escape(column_title(file.run, !one_machine(files))) << "</b>: " << html_escape(file.path)
        << "; machine " << html_escape(file.run.context_of(schema::kMachine))
        << (file.kernel_log ? "; kernel log " + html_escape(file.kernel_log_summary()) : "") << "; devices "
        << html_escape(file.run.context_of(schema::kDrmDevices)) << "; capabilities "
        << html_escape(file.run.context_of(schema::kDrmCapabilities, "not recorded")) << "; kernel "
        << html_escape(file.run.context_of(schema::kKernelVersion)) << "; Mesa "
        << html_escape(file.run.context_of(schema::kMesaVersion)) << "; run "
        << html_escape(file.run.context_of(schema::kTimestamp, "")) << "</div>";
  }
  out << "</footer>\n</body></html>\n";
  return out.str();
}

bool ResultFile::is_missing(const std::string& test) const {
  return expected_tests && run.find(test) == nullptr &&
         std::find(expected_tests->begin(), expected_tests->end(), test) != expected_tests->end();
}

bool ResultFile::is_known_failure(const TestRecord& result) const {
  if (!expectations || result.outcome == Outcome::Pass || result.outcome == Outcome::Skip) return false;
  auto listed = expectations->fails.find(result.name);
  if (listed == expectations->fails.end() || listed->second != result.outcome) return false;
  auto reason = expectations->fail_reasons.find(result.name);
  return reason == expectations->fail_reasons.end() || reason->second.explains(result.message);
}

std::string ResultFile::kernel_log_summary() const {
  if (!kernel_log) return "";
  const std::size_t all = kernel_log->known.size() + kernel_log->unknown.size();
  if (all == 0) return "clean";
  const std::string& first = kernel_log->unknown.empty() ? kernel_log->known.front() : kernel_log->unknown.front();
  return std::to_string(all) + " complaint(s) (" + std::to_string(kernel_log->known.size()) + " known): " + first;
}

int ResultFile::missing_count() const {
  if (!expected_tests) return 0;
  return static_cast<int>(std::count_if(expected_tests->begin(), expected_tests->end(),
                                        [&](const std::string& test) { return run.find(test) == nullptr; }));
}

std::optional<ResultFile::Unjudged> ResultFile::unjudged() const {
  if (run.results.empty()) return std::nullopt;  // NO RESULTS: said as such
  const Comparison comparison =
      compare(run.results, expectations.value_or(Expectations{}), std::nullopt, !expectations.has_value());
  for (const Comparison::Entry& entry : comparison.entries) {
    if (entry.kind == Comparison::Kind::NothingJudged) return Unjudged{entry.message, false};
    if (entry.kind == Comparison::Kind::KnownNotJudged) return Unjudged{entry.message, true};
  }
  return std::nullopt;
}

}  // namespace fc
