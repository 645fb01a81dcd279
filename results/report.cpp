#include "results/report.h"

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

namespace fc {
namespace {

constexpr const char* kOrigin = "fencecheck";

// Properties worth showing beside a cell: what the kernel returned and who wrote.
bool is_provenance_key(const std::string& key) {
  static const char* const kPrefixes[] = {"fence.", "device.", "gl.renderer", "gl.version", "vulkan.driver",
                                          "vulkan.device", "buffer.", "readback.", "race", "child", "submits",
                                          "readback"};
  return std::any_of(std::begin(kPrefixes), std::end(kPrefixes),
                     [&](const char* prefix) { return key.rfind(prefix, 0) == 0; });
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

namespace {
// gtest starts a failure with its "file:line".
bool is_location_line(const std::string& line) {
  auto colon = line.rfind(':');
  return colon != std::string::npos && colon + 1 < line.size() &&
         line.find_first_not_of("0123456789", colon + 1) == std::string::npos;
}
}  // namespace

std::string first_line(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    // gtest's location line, and the bare "Failed" of ADD_FAILURE(), say nothing.
    if (!line.empty() && !is_location_line(line) && line != "Failed") return line;
  }
  return text;
}

namespace {

// [A-Za-z0-9_-] kept, anything else becomes '_'.
std::string sanitize(const std::string& text, const std::string& also_allowed = "") {
  std::string out;
  for (char c : text) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
              also_allowed.find(c) != std::string::npos;
    out += ok ? c : '_';
  }
  return out;
}

// "Gpu/GpuWrite.Pending/gl" -> "Gpu.GpuWrite.Pending.gl": dot-separated, each part sanitized.
std::string dotted(const std::string& name) {
  std::string out, part;
  auto flush = [&] {
    if (!part.empty()) out += (out.empty() ? "" : ".") + sanitize(part);
    part.clear();
  };
  for (char c : name) {
    if (c == '.' || c == '/') flush();
    else part += c;
  }
  flush();
  return out;
}

const TestResult* find_result(const GtestRun& run, const std::string& name) {
  for (const TestResult& result : run.results) {
    if (result.name == name) return &result;
  }
  return nullptr;
}

Properties properties_of(const GtestRun& run, const std::string& name) {
  auto it = run.properties.find(name);
  return it == run.properties.end() ? Properties{} : it->second;
}

// "1 fence: virtio_gpu/controlq active" -> "virtio_gpu/controlq active".
std::string fence_brief(const Properties& properties) {
  for (const auto& [key, value] : properties) {
    if (key.rfind("fence.", 0) != 0) continue;
    auto colon = value.find(": ");
    return colon == std::string::npos ? value : value.substr(colon + 2);
  }
  return {};
}

// The renderer strings a column's tests recorded (one run, one device: usually one).
std::string renderers_of(const GtestRun& run) {
  std::set<std::string> seen;
  for (const auto& [test, properties] : run.properties) {
    for (const char* key : {"gl.renderer", "vulkan.device"}) {
      if (const std::string* value = find_property(properties, key)) seen.insert(*value);
    }
  }
  std::string out;
  for (const auto& r : seen) out += (out.empty() ? "" : ", ") + r;
  return out;
}

std::string producers_of(const GtestRun& run) {
  std::set<std::string> seen;
  for (const TestResult& result : run.results) {
    if (result.name.rfind("Gpu/", 0) != 0 || result.outcome == Outcome::Skip) continue;
    auto slash = result.name.rfind('/');
    std::string tail = result.name.substr(slash + 1);
    for (const char* producer : {"vgem_cpu", "vulkan", "gl"}) {
      std::string p(producer);
      if (tail == p || (tail.size() > p.size() && tail.compare(tail.size() - p.size(), p.size(), p) == 0 &&
                        tail[tail.size() - p.size() - 1] == '_')) {
        seen.insert(p);
        break;
      }
    }
  }
  bool gpu_tests = std::any_of(run.results.begin(), run.results.end(),
                               [](const TestResult& result) { return result.name.rfind("Gpu/", 0) == 0; });
  std::string out;
  for (const auto& p : seen) out += (out.empty() ? "" : ", ") + p;
  if (out.empty()) return gpu_tests ? "no producer ran (every GPU test skipped)" : "kernel fences only";
  return out;
}

std::string column_title(const GtestRun& run) {
  return context_of(run, "fencecheck.lane") + " @ " + context_of(run, "fencecheck.machine");
}

// The driver of the device the GPU tests used: the first word of gpu.device.
std::string column_driver(const GtestRun& run) {
  std::string device = context_of(run, "gpu.device", "");
  return device.substr(0, device.find(' '));
}

// All test names, sorted.
std::vector<std::string> row_names(const std::vector<ResultFile>& files) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const ResultFile& file : files) {
    for (const TestResult& result : file.run.results) {
      if (seen.insert(result.name).second) names.push_back(result.name);
    }
  }
  // By suite, then by name: a behaviour's producers (…/gl, …/vgem_cpu, …/vulkan) sit together.
  std::sort(names.begin(), names.end());
  return names;
}

struct Cell {
  std::string css;    // pass, fail, known, skip, none
  std::string label;  // pass, FAIL, known fail, skip, -
};

Cell cell_of(const ResultFile& file, const TestResult* result) {
  if (!result) return {"none", "-"};
  switch (result->outcome) {
    case Outcome::Pass: return {"pass", "pass"};
    case Outcome::Skip: return {"skip", "skip"};
    default: break;
  }
  if (file.expectations) {
    auto listed = file.expectations->fails.find(result->name);
    if (listed != file.expectations->fails.end() && listed->second == result->outcome) return {"known", "known fail"};
  }
  return {"fail", result->outcome == Outcome::Fail ? "FAIL" : std::string(to_string(result->outcome))};
}

struct Tally {
  int pass = 0, fail = 0, known = 0, skip = 0;
};
Tally tally_of(const ResultFile& file) {
  Tally t;
  for (const TestResult& result : file.run.results) {
    Cell cell = cell_of(file, &result);
    t.pass += cell.css == "pass";
    t.fail += cell.css == "fail";
    t.known += cell.css == "known";
    t.skip += cell.css == "skip";
  }
  return t;
}

std::string iso_now_fallback(const GtestRun& run) { return context_of(run, "timestamp", ""); }

nlohmann::json misc_of(const Properties& properties) {
  nlohmann::json misc = nlohmann::json::object();
  for (const auto& [key, value] : properties) misc[key] = value;
  return misc;
}

}  // namespace

std::string context_of(const GtestRun& run, const std::string& key, const std::string& fallback) {
  auto it = run.context.find(key);
  return it == run.context.end() || it->second.empty() ? fallback : it->second;
}

// ---------------------------------------------------------------- matrix

std::string matrix_markdown(const std::vector<ResultFile>& files) {
  std::ostringstream out;
  out << "# fencecheck matrix\n\n";
  out << "| behaviour |";
  for (const ResultFile& file : files) out << " " << markdown_escape(column_title(file.run)) << " |";
  out << "\n|---|";
  for (std::size_t i = 0; i < files.size(); ++i) out << "---|";
  out << "\n";
  for (const std::string& name : row_names(files)) {
    out << "| `" << markdown_escape(name) << "` |";
    for (const ResultFile& file : files) {
      const TestResult* result = find_result(file.run, name);
      Cell cell = cell_of(file, result);
      std::string fence = result ? fence_brief(properties_of(file.run, name)) : "";
      std::string label = cell.css == "fail" ? "**" + cell.label + "**" : cell.label;
      out << " " << label << (fence.empty() ? "" : " · " + markdown_escape(fence)) << " |";
    }
    out << "\n";
  }
  out << "\n## Columns\n\n";
  for (const ResultFile& file : files) {
    Tally t = tally_of(file);
    out << "- **" << markdown_escape(column_title(file.run)) << "** (`" << file.path << "`): " << t.pass << " pass, "
        << t.fail << " fail, " << t.known << " known fail, " << t.skip << " skip. Kernel "
        << context_of(file.run, "kernel.release") << "; Mesa " << context_of(file.run, "mesa.version") << "; device "
        << markdown_escape(context_of(file.run, "gpu.device"))
        << "; producers " << producers_of(file.run);
    std::string renderers = renderers_of(file.run);
    if (!renderers.empty()) out << "; renderer " << markdown_escape(renderers);
    out << "; run " << iso_now_fallback(file.run) << ".\n";
  }
  out << "\nCells: outcome, then the first fence the kernel returned for the test's export "
         "(driver/timeline status). \"known fail\": listed in the lane's expectations.\n";
  return out.str();
}

std::string matrix_text(const std::vector<ResultFile>& files) {
  auto code = [](const Cell& cell) -> std::string {
    if (cell.css == "pass") return "ok";
    if (cell.css == "skip") return "sk";
    if (cell.css == "known") return "kf";
    if (cell.css == "none") return ".";
    return cell.label == "FAIL" ? "FAIL" : cell.label.substr(0, 4);  // CRASH, TIMEOUT
  };
  std::ostringstream out;
  out << "columns (cell @ machine: producers; pass/fail/known fail/skip):\n";
  std::vector<std::string> heads;
  for (std::size_t i = 0; i < files.size(); ++i) {
    heads.push_back("c" + std::to_string(i + 1));
    Tally t = tally_of(files[i]);
    out << "  " << heads.back() << std::string(4 - std::min<std::size_t>(3, heads.back().size()), ' ')
        << column_title(files[i].run) << ": " << producers_of(files[i].run) << "; " << t.pass << "/" << t.fail << "/"
        << t.known << "/" << t.skip << "\n";
  }
  std::vector<std::string> shown;
  int uniform = 0;
  for (const std::string& name : row_names(files)) {
    bool all_pass = true;
    for (const ResultFile& file : files) {
      const TestResult* result = find_result(file.run, name);
      all_pass = all_pass && (!result || result->outcome == Outcome::Pass);
    }
    if (all_pass) {
      ++uniform;
    } else {
      shown.push_back(name);
    }
  }
  std::size_t name_width = std::string_view("behaviour").size();
  for (const std::string& name : shown) name_width = std::max(name_width, name.size());
  auto pad = [](const std::string& text, std::size_t width) {
    return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
  };
  auto row = [&](const std::string& name, const std::vector<std::string>& cells) {
    std::string line = pad(name, name_width);
    for (std::size_t i = 0; i < cells.size(); ++i) line += " " + pad(cells[i], std::max<std::size_t>(4, heads[i].size()));
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << "\n";
  };
  out << "\n";
  row("behaviour", heads);
  for (const std::string& name : shown) {
    std::vector<std::string> cells;
    for (const ResultFile& file : files) cells.push_back(code(cell_of(file, find_result(file.run, name))));
    row(name, cells);
  }
  out << "\n" << uniform << " more behaviours pass in every cell that ran them (matrix.md lists every one).\n"
      << "ok pass, FAIL new failure, kf known failure (the lane's expectations), sk skip, . not run\n";
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
<span style="background:var(--known)">known fail (in the lane's expectations)</span><span style="background:var(--skip)">skip</span>
<span>- not run</span></div>
<table><thead><tr><th class="behaviour">behaviour</th>)html";
  for (const ResultFile& file : files) {
    Tally t = tally_of(file);
    std::string renderers = renderers_of(file.run);
    // A cell's name is lane@kernel@mesa[@build]: the lane on top, its tags under it.
    std::string cell = context_of(file.run, "fencecheck.lane");
    std::string lane = cell.substr(0, cell.find('@'));
    std::string tags = cell.find('@') == std::string::npos ? "" : cell.substr(cell.find('@') + 1);
    std::replace(tags.begin(), tags.end(), '@', ' ');
    out << "<th>" << html_escape(lane) << "<span class=\"tags\">" << html_escape(tags) << "</span><span class=\"sub\">"
        << html_escape(context_of(file.run, "fencecheck.machine")) << " · " << html_escape(column_driver(file.run))
        << " · kernel " << html_escape(context_of(file.run, "kernel.release")) << " · Mesa "
        << html_escape(context_of(file.run, "mesa.version")) << " · " << html_escape(producers_of(file.run))
        << (renderers.empty() ? "" : " · " + html_escape(renderers)) << "</span><span class=\"tally\">" << t.pass
        << " pass · " << t.fail << " fail · " << t.known << " known · " << t.skip << " skip</span></th>";
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
      const TestResult* result = find_result(file.run, name);
      Cell cell = cell_of(file, result);
      if (!result) {
        out << "<td class=\"none\">-</td>";
        continue;
      }
      auto properties = properties_of(file.run, name);
      std::string provenance;
      if (!result->message.empty()) provenance += first_line(result->message) + "\n";
      for (const auto& [key, value] : properties) {
        if (is_provenance_key(key)) provenance += key + ": " + value + "\n";
      }
      provenance += "kernel: " + context_of(file.run, "kernel.release") + "\nmachine: " +
                    context_of(file.run, "fencecheck.machine");
      std::string fence = fence_brief(properties);
      out << "<td class=\"" << cell.css << "\" title=\"" << html_escape(provenance) << "\"><details><summary>"
          << html_escape(cell.label) << (fence.empty() ? "" : "<span class=\"fence\">" + html_escape(fence) + "</span>")
          << "</summary><div class=\"prov\">" << html_escape(provenance) << "</div></details></td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody></table>\n<footer>";
  for (const ResultFile& file : files) {
    out << "<div><b>" << html_escape(column_title(file.run)) << "</b>: " << html_escape(file.path) << "; devices "
        << html_escape(context_of(file.run, "drm.devices")) << "; kernel " << html_escape(context_of(file.run, "kernel.version"))
        << "; Mesa " << html_escape(context_of(file.run, "mesa.version")) << "; run "
        << html_escape(iso_now_fallback(file.run)) << "</div>";
  }
  out << "</footer>\n</body></html>\n";
  return out.str();
}

// ---------------------------------------------------------------- bug report

std::optional<std::string> bug_report(const std::vector<ResultFile>& files, const std::string& test) {
  const ResultFile* chosen = nullptr;
  const TestResult* result = nullptr;
  for (const ResultFile& file : files) {
    const TestResult* found = find_result(file.run, test);
    if (!found) continue;
    if (!chosen || (result->outcome == Outcome::Pass && found->outcome != Outcome::Pass)) {
      chosen = &file;
      result = found;
    }
  }
  if (!chosen) return std::nullopt;
  const GtestRun& run = chosen->run;
  auto properties = properties_of(run, test);

  std::ostringstream out;
  out << "### fencecheck: " << test << " — " << to_string(result->outcome) << "\n\n";
  out << "Expected: the test to pass. fencecheck checks that a dma-buf written by a GPU carries an implicit\n"
         "fence, visible through DMA_BUF_IOCTL_EXPORT_SYNC_FILE (and poll() on the dma-buf and\n"
         "DMA_BUF_IOCTL_SYNC), until the write lands, and that a consumer then reads the new contents.\n";
  if (chosen->expectations) {
    auto listed = chosen->expectations->fails.find(test);
    if (listed != chosen->expectations->fails.end()) {
      out << "(Already listed as a known " << to_string(listed->second) << " in this lane's expectations.)\n";
    }
  }
  out << "\nWhat happened:\n";
  std::istringstream message(result->message.empty() ? std::string("(no message: ") +
                                                            std::string(to_string(result->outcome)) + ")"
                                                      : result->message);
  for (std::string line; std::getline(message, line);) {
    if (is_location_line(line)) continue;
    out << "    " << line << "\n";
  }

  out << "\nWhat the kernel returned (SYNC_IOC_FILE_INFO of each export):\n";
  bool any_fence = false;
  for (const auto& [key, value] : properties) {
    if (key.rfind("fence.", 0) != 0) continue;
    std::string label = key.substr(6);
    std::replace(label.begin(), label.end(), '_', ' ');
    out << "    " << label << ": " << value << "\n";
    any_fence = true;
  }
  if (!any_fence) out << "    (no export recorded)\n";

  out << "\nEnvironment:\n";
  out << "    kernel: " << context_of(run, "kernel.release") << " " << context_of(run, "kernel.version") << "\n";
  out << "    machine: " << context_of(run, "fencecheck.machine") << ", lane " << context_of(run, "fencecheck.lane") << "\n";
  out << "    device: " << context_of(run, "gpu.device") << "\n";
  out << "    all DRM devices: " << context_of(run, "drm.devices") << "\n";
  for (const auto& [key, value] : properties) {
    if (key.rfind("fence.", 0) == 0) continue;
    out << "    " << key << ": " << value << "\n";
  }

  std::string filter = "--gtest_filter='" + test + "'";
  out << "\nReproduce:\n";
  std::string reproduce = context_of(run, "fencecheck.reproduce", "");
  if (!reproduce.empty()) {
    out << "    " << reproduce << " " << filter << "\n";
  } else {
    out << "    build/fencecheck --device=" << column_driver(run) << " " << filter << "\n";
  }
  out << "    (the run's own command: " << context_of(run, "fencecheck.command") << ")\n";
  return out.str();
}

// ---------------------------------------------------------------- KCIDB

nlohmann::json kcidb_report(const std::vector<ResultFile>& files, const std::vector<BenchFile>& benches) {
  nlohmann::json report = {{"version", {{"major", 5}, {"minor", 0}}},
                           {"checkouts", nlohmann::json::array()},
                           {"builds", nlohmann::json::array()},
                           {"tests", nlohmann::json::array()}};
  std::set<std::string> checkouts, builds;
  auto add_build = [&](const std::string& machine, const std::string& release, const std::string& version) {
    std::string checkout_id = std::string(kOrigin) + ":kernel-" + sanitize(release, ".");
    std::string build_id = std::string(kOrigin) + ":" + sanitize(machine, ".") + "-" + sanitize(release, ".");
    if (checkouts.insert(checkout_id).second) {
      report["checkouts"].push_back({{"id", checkout_id},
                                     {"origin", kOrigin},
                                     {"comment", "Linux " + release},
                                     {"misc", {{"kernel_release", release}, {"kernel_version", version}}}});
    }
    if (builds.insert(build_id).second) {
      report["builds"].push_back({{"id", build_id},
                                  {"origin", kOrigin},
                                  {"checkout_id", checkout_id},
                                  {"architecture", "x86_64"},
                                  {"comment", "kernel " + release + " as run on " + machine},
                                  {"misc", {{"kernel_version", version}}}});
    }
    return build_id;
  };

  for (const ResultFile& file : files) {
    const GtestRun& run = file.run;
    std::string machine = context_of(run, "fencecheck.machine", "unknown");
    std::string lane = context_of(run, "fencecheck.lane", "host");
    std::string build_id = add_build(machine, context_of(run, "kernel.release", "unknown"),
                                     context_of(run, "kernel.version", ""));
    nlohmann::json environment = {{"comment", machine + ", lane " + lane + ": " + context_of(run, "gpu.device")},
                                  {"misc", run.context}};
    for (const TestResult& result : run.results) {
      nlohmann::json test = {{"id", std::string(kOrigin) + ":" + sanitize(machine, ".") + "." + sanitize(lane) + "." +
                                        dotted(result.name)},
                             {"origin", kOrigin},
                             {"build_id", build_id},
                             {"path", "fencecheck." + sanitize(lane) + "." + dotted(result.name)},
                             {"comment", result.name},
                             {"status", result.outcome == Outcome::Pass   ? "PASS"
                                        : result.outcome == Outcome::Skip ? "SKIP"
                                        : result.outcome == Outcome::Fail ? "FAIL"
                                                                          : "ERROR"},
                             {"duration", result.seconds},
                             {"environment", environment},
                             {"misc", misc_of(properties_of(run, result.name))}};
      if (!result.message.empty()) test["log_excerpt"] = result.message.substr(0, 16384);
      if (!result.started.empty()) test["start_time"] = result.started;
      report["tests"].push_back(std::move(test));
    }
  }

  for (const BenchFile& bench : benches) {
    const BenchRun& run = bench.run;
    auto context = [&](const char* key, const char* fallback) {
      auto it = run.context.find(key);
      return it == run.context.end() ? std::string(fallback) : it->second;
    };
    std::string machine = context("host_name", "unknown");
    std::string lane = context("lane", "host");
    std::string kernel = context("kernel", "unknown");
    std::string release = kernel.substr(0, kernel.find(' '));
    std::string build_id = add_build(machine, release, kernel.substr(std::min(kernel.size(), release.size() + 1)));
    for (const BenchResult& result : run.results) {
      if (result.unsupported || result.broken) continue;
      for (const auto& [counter, value] : result.counters) {
        std::string unit = counter_unit(counter);
        nlohmann::json number = {{"value", value}};
        if (unit == "us" || unit == "ns") number["unit"] = unit;
        if (unit == "fps") number["unit"] = "1/s";
        report["tests"].push_back({{"id", std::string(kOrigin) + ":" + sanitize(machine, ".") + "." + sanitize(lane) +
                                              ".bench." + dotted(result.name) + "." + sanitize(counter)},
                                   {"origin", kOrigin},
                                   {"build_id", build_id},
                                   {"path", "fencecheck." + sanitize(lane) + ".bench." + dotted(result.name) + "." +
                                                sanitize(counter)},
                                   {"comment", result.name + " " + counter},
                                   {"status", "DONE"},
                                   {"number", number},
                                   {"environment", {{"comment", machine + ", lane " + lane}, {"misc", run.context}}}});
      }
    }
  }
  return report;
}

std::vector<std::string> validate_kcidb(const nlohmann::json& report) {
  std::vector<std::string> problems;
  const std::regex origin("^[a-z0-9_]+$");
  const std::regex origin_id("^[a-z0-9_]+:.*$");
  const std::regex path("^([a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*)?$");
  const std::set<std::string> statuses = {"FAIL", "ERROR", "MISS", "PASS", "DONE", "SKIP"};
  const std::map<std::string, std::set<std::string>> allowed = {
      {"checkouts", {"_timestamp", "id", "origin", "tree_name", "git_repository_url", "git_commit_hash",
                     "git_commit_name", "git_commit_tags", "git_commit_message", "git_repository_branch",
                     "git_repository_branch_tip", "patchset_files", "patchset_hash", "message_id", "comment",
                     "start_time", "log_url", "log_excerpt", "valid", "misc", "origin_builds_finish_time",
                     "origin_tests_finish_time"}},
      {"builds", {"_timestamp", "checkout_id", "id", "origin", "comment", "start_time", "duration", "architecture",
                  "command", "compiler", "input_files", "output_files", "config_name", "config_url", "log_url",
                  "log_excerpt", "status", "misc"}},
      {"tests", {"_timestamp", "build_id", "id", "origin", "environment", "path", "comment", "log_url",
                 "log_excerpt", "status", "number", "waived", "start_time", "duration", "output_files", "misc"}}};
  const std::map<std::string, std::vector<std::string>> required = {
      {"checkouts", {"id", "origin"}}, {"builds", {"checkout_id", "id", "origin"}}, {"tests", {"build_id", "id", "origin"}}};

  if (!report.is_object()) return {"the report is not a JSON object"};
  if (!report.contains("version") || !report["version"].is_object() || !report["version"].contains("major") ||
      report["version"]["major"] != 5) {
    problems.push_back("version.major must be 5");
  }
  for (const auto& [key, value] : report.items()) {
    if (key != "version" && !allowed.count(key) && key != "issues" && key != "incidents") {
      problems.push_back("unknown top-level property '" + key + "'");
    }
  }
  for (const auto& [kind, keys] : allowed) {
    if (!report.contains(kind)) continue;
    if (!report[kind].is_array()) {
      problems.push_back(kind + " is not an array");
      continue;
    }
    std::size_t index = 0;
    for (const auto& object : report[kind]) {
      std::string where = kind + "[" + std::to_string(index++) + "]";
      if (!object.is_object()) {
        problems.push_back(where + " is not an object");
        continue;
      }
      for (const std::string& field : required.at(kind)) {
        if (!object.contains(field)) problems.push_back(where + " lacks required '" + field + "'");
      }
      for (const auto& [field, value] : object.items()) {
        if (!keys.count(field)) problems.push_back(where + " has '" + field + "', which v5 does not allow");
        if (value.is_null()) problems.push_back(where + "." + field + " is null");
      }
      auto check = [&](const char* field, const std::regex& pattern) {
        if (object.contains(field) && (!object[field].is_string() ||
                                       !std::regex_match(object[field].get<std::string>(), pattern))) {
          problems.push_back(where + "." + field + " does not match the schema's pattern");
        }
      };
      check("origin", origin);
      check("id", origin_id);
      check("checkout_id", origin_id);
      check("build_id", origin_id);
      check("path", path);
      if (object.contains("status") && (!object["status"].is_string() || !statuses.count(object["status"]))) {
        problems.push_back(where + ".status is not one of FAIL ERROR MISS PASS DONE SKIP");
      }
      if (object.contains("number")) {
        const auto& number = object["number"];
        if (!number.is_object() || !number.contains("value") || !number["value"].is_number()) {
          problems.push_back(where + ".number needs a numeric value");
        } else {
          for (const auto& [field, value] : number.items()) {
            if (field != "value" && field != "unit" && field != "prefix") {
              problems.push_back(where + ".number has '" + field + "'");
            }
          }
        }
      }
      if (object.contains("log_excerpt") && object["log_excerpt"].is_string() &&
          object["log_excerpt"].get<std::string>().size() > 16384) {
        problems.push_back(where + ".log_excerpt is longer than 16384");
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------- LAVA

std::string lava_lines(const std::vector<ResultFile>& files, const std::vector<BenchFile>& benches) {
  std::ostringstream out;
  for (const ResultFile& file : files) {
    std::string lane = sanitize(context_of(file.run, "fencecheck.lane", "host"));
    for (const TestResult& result : file.run.results) {
      const char* verdict = result.outcome == Outcome::Pass ? "pass" : result.outcome == Outcome::Skip ? "skip" : "fail";
      out << "lava-test-case " << lane << "." << dotted(result.name) << " --result " << verdict << "\n";
    }
  }
  for (const BenchFile& bench : benches) {
    auto it = bench.run.context.find("lane");
    std::string lane = sanitize(it == bench.run.context.end() ? "host" : it->second);
    for (const BenchResult& result : bench.run.results) {
      if (result.unsupported || result.broken) {
        out << "lava-test-case " << lane << ".bench." << dotted(result.name) << " --result "
            << (result.unsupported ? "skip" : "fail") << "\n";
        continue;
      }
      for (const auto& [counter, value] : result.counters) {
        std::string unit = counter_unit(counter);
        char number[64];
        std::snprintf(number, sizeof number, "%.6g", value);
        out << "lava-test-case " << lane << ".bench." << dotted(result.name) << "." << sanitize(counter)
            << " --result pass --measurement " << number << " --units " << unit << "\n";
      }
    }
  }
  return out.str();
}

// ---------------------------------------------------------------- JUnit

std::string junit_xml(const ResultFile& file) {
  const GtestRun& run = file.run;
  int failures = 0, skipped = 0;
  double total = 0;
  for (const TestResult& r : run.results) {
    failures += r.outcome != Outcome::Pass && r.outcome != Outcome::Skip;
    skipped += r.outcome == Outcome::Skip;
    total += r.seconds;
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"fencecheck\" tests=\"" << run.results.size() << "\" failures=\"" << failures
      << "\" skipped=\"" << skipped << "\" time=\"" << total << "\">\n";
  out << "  <testsuite name=\"fencecheck." << html_escape(context_of(run, "fencecheck.lane", "host")) << "\" tests=\""
      << run.results.size() << "\" failures=\"" << failures << "\" skipped=\"" << skipped << "\" time=\"" << total
      << "\" hostname=\"" << html_escape(context_of(run, "fencecheck.machine", "unknown")) << "\" timestamp=\""
      << html_escape(context_of(run, "timestamp", "")) << "\">\n    <properties>\n";
  for (const auto& [key, value] : run.context) {
    out << "      <property name=\"" << html_escape(key) << "\" value=\"" << html_escape(value) << "\"/>\n";
  }
  out << "    </properties>\n";
  for (const TestResult& r : run.results) {
    auto dot = r.name.find('.');
    out << "    <testcase classname=\"" << html_escape(r.name.substr(0, dot)) << "\" name=\""
        << html_escape(r.name.substr(dot + 1)) << "\" time=\"" << r.seconds << "\">\n";
    auto properties = properties_of(run, r.name);
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
