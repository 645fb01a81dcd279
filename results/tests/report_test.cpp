// SPDX-License-Identifier: MIT
// The lab and people outputs: matrix, bug report, KCIDB v5, LAVA, JUnit.
#include "results/report.h"
#include "results/verdicts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <sstream>

namespace fc {
namespace {

GtestRun lane(const std::string& name, const std::string& driver, Outcome pending, const std::string& fence) {
  GtestRun run;
  run.context = {{"fencecheck.machine", "lab-7"},
                 {"fencecheck.cell", name},
                 {"kernel.release", "6.12.9-amd64"},
                 {"kernel.version", "#1 SMP Debian"},
                 {"gpu.device", driver + " 1.0.0  render /dev/dri/renderD128"},
                 {"drm.devices", driver + " 1.0.0"},
                 {"fencecheck.command", "build/fencecheck --cell=" + name},
                 {"fencecheck.reproduce", "vm/lane " + name + " --"},
                 {"timestamp", "2026-11-25T20:00:00Z"}};
  run.results.push_back(
      {"Gpu/GpuWrite.ExportRightAfterSubmitIsPending/gl",
       pending,
       pending == Outcome::Fail ? "file.cpp:37\nValue of: snapshot.pending\n  kernel returned: " + fence : "",
       0.25,
       "2026-11-25T20:00:01Z",
       {{"verdict_role", "deciding"},
        {"producer", "gl"},
        {"device.driver", driver + " 1.0.0"},
        {"fence.after_submit", fence},
        {"gl.renderer", name + " renderer <3>"},
        {"buffer.modifier", "LINEAR"}}});
  // A failure on the contradiction itself records it (fixtures' unfenced_write).
  if (pending == Outcome::Fail) run.results.back().properties.emplace_back("unfenced_write", "frame 1 (implicit)");
  run.results.push_back({"UapiAbi.Numbers", Outcome::Pass, "", 0.0, "", {}});
  run.results.push_back({"Gpu/GpuWrite.ExportRightAfterSubmitIsPending/vulkan",
                         Outcome::Skip,
                         "no dma-buf import",
                         0,
                         "",
                         {{"verdict_role", "deciding"}, {"producer", "vulkan"}}});
  return run;
}

std::vector<ResultFile> three_lanes() {
  return {{"a.json", lane("vgem", "vgem", Outcome::Pass, "1 fence: vgem/unbound active"), std::nullopt},
          {"b.json", lane("llvmpipe", "vgem", Outcome::Fail, "1 fence: stub/stub signalled"), std::nullopt},
          {"c.json", lane("virgl", "virtio_gpu", Outcome::Pass, "1 fence: virtio_gpu/controlq active"), std::nullopt}};
}

TEST(Matrix, MarkdownHasABehaviourRowAndAColumnPerFileWithProvenance) {
  std::string md = matrix_markdown(three_lanes());
  EXPECT_NE(md.find("| behaviour | vgem | llvmpipe | virgl |"), std::string::npos)
      << "one machine: columns are named by their cells\n"
      << md;
  EXPECT_NE(md.find("Machine lab-7; kernel 6.12.9-amd64"), std::string::npos) << md;
  EXPECT_NE(md.find("| `Gpu/GpuWrite.ExportRightAfterSubmitIsPending/gl` | pass · vgem/unbound active | **FAIL** · "
                    "stub/stub signalled | pass · virtio_gpu/controlq active |"),
            std::string::npos)
      << md;
}

TEST(Matrix, ColumnsNameTheirMachineWhereTheFilesComeFromMoreThanOne) {
  auto files = three_lanes();
  files[2].run.context["fencecheck.machine"] = "lab-9";
  std::string md = matrix_markdown(files);
  EXPECT_NE(md.find("| behaviour | vgem @ lab-7 | llvmpipe @ lab-7 | virgl @ lab-9 |"), std::string::npos) << md;
}

// The terminal table fits a terminal: its prose wrapped at 100 columns, a
// long behaviour's name on a line of its own.
TEST(Matrix, TextLinesAreAtMostOneHundredColumns) {
  auto files = three_lanes();
  for (ResultFile& file : files) {
    file.run.results.push_back(
        {"Vgem/BadInputTable.KernelAnswersWithItsErrnoCreatesNoFdAndChangesNoFence/"
         "Import_AUnixSocketAsTheSyncFile",
         Outcome::Fail, "a failure", 0, ""});
    file.run.results[0].properties.emplace_back(
        "gl.renderer", std::string(50, 'r') + " with words in it, " + std::string(60, 's') + " and more words");
  }
  files[1].run.results[0].message = "kernel returned: " + std::string(40, 'x') + " " + std::string(200, 'y') +
                                    " and then a long explanation of why, in many words, over many columns";
  std::string text = matrix_text(files);
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    // One word longer than a line (a test's name, here 104) stays whole: it is not cut.
    if (line.find(std::string(200, 'y')) != std::string::npos || line.find(' ') == std::string::npos) continue;
    EXPECT_LE(line.size(), 100u) << line;
  }
  EXPECT_NE(text.find("\nVgem/BadInputTable.KernelAnswersWithItsErrnoCreatesNoFdAndChangesNoFence/"
                      "Import_AUnixSocketAsTheSyncFile\n"),
            std::string::npos)
      << text;
}

// A deciding test that skipped before it recorded its device: the run's
// device names the driver, not "no device recorded" (5.10's reference lane).
TEST(Verdicts, AVerdictWithoutTheTestsDeviceTakesTheRunsDevice) {
  auto files = three_lanes();
  for (TestRecord& record : files[0].run.results) {
    record.properties.erase(std::remove_if(record.properties.begin(), record.properties.end(),
                                           [](const auto& p) { return p.first == "device.driver"; }),
                            record.properties.end());
  }
  auto verdicts = driver_verdicts(files);
  ASSERT_FALSE(verdicts.empty());
  EXPECT_EQ(verdicts[0].driver.substr(0, 4), "vgem") << verdicts[0].driver;
}

TEST(Matrix, KnownFailuresAreMarkedFromTheLanesExpectations) {
  auto files = three_lanes();
  files[1].expectations = Expectations{};
  files[1].expectations->fails["Gpu/GpuWrite.ExportRightAfterSubmitIsPending/gl"] = Outcome::Fail;
  std::string md = matrix_markdown(files);
  EXPECT_NE(md.find("| known fail · stub/stub signalled |"), std::string::npos) << md;
}

// A test the cell had to run but has no result for is MISSING in every
// format, never a pass or "not run"; a cell whose every test skipped says so.
TEST(Matrix, MissingResultsAndCellsThatJudgedNothingAreShown) {
  auto files = three_lanes();
  files[0].expected_tests = std::vector<std::string>{"Gpu/GpuWrite.ExportRightAfterSubmitIsPending/gl",
                                                     "UapiAbi.Numbers", "Vgem/Died.InThisTest"};
  for (TestRecord& record : files[2].run.results) record.outcome = Outcome::Skip;
  const std::string md = matrix_markdown(files), text = matrix_text(files), html = matrix_html(files);
  EXPECT_NE(md.find("| `Vgem/Died.InThisTest` | **MISSING** | - | - |"), std::string::npos) << md;
  EXPECT_NE(md.find("1 MISSING"), std::string::npos) << md;
  EXPECT_NE(md.find("NOTHING JUDGED: no test passed or failed"), std::string::npos) << md;
  EXPECT_NE(text.find("Vgem/Died.InThisTest"), std::string::npos) << "a missing result is not a pass:\n" << text;
  EXPECT_NE(text.find("MISS"), std::string::npos) << text;
  EXPECT_NE(text.find("NOTHING JUDGED"), std::string::npos) << text;
  EXPECT_NE(html.find("<td class=\"fail\">MISSING</td>"), std::string::npos);
  EXPECT_NE(html.find("NOTHING JUDGED"), std::string::npos);
  auto rows = driver_verdicts(files);
  EXPECT_EQ(rows[4].verdict, "not judged: no test passed or failed: the run judged nothing: 3 skipped, 0 record-only")
      << rows[4].cell;
}

TEST(Verdicts, ACellThatDiedBeforeItsDecidingTestHasAMissingVerdict) {
  auto files = three_lanes();
  files[0].expected_tests = std::vector<std::string>{"Gpu/GpuWrite.ExportRightAfterSubmitIsPending/vulkan",
                                                     "Gpu/GpuWrite.ExportRightAfterSubmitIsPending/vgem_cpu"};
  auto rows = driver_verdicts(files);
  auto died = std::find_if(rows.begin(), rows.end(), [](const DriverVerdict& v) { return v.producer == "vgem_cpu"; });
  ASSERT_NE(died, rows.end());
  EXPECT_EQ(died->kind, DriverVerdict::Kind::Bad);
  EXPECT_EQ(died->verdict, "no verdict: MISSING (no result; the run died or lost it)");
}

TEST(Matrix, HtmlIsSelfContainedEscapedAndCarriesProvenance) {
  std::string html = matrix_html(three_lanes());
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_EQ(html.find("http://"), std::string::npos) << "no network: nothing to fetch";
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("class=\"fail\""), std::string::npos);
  EXPECT_NE(html.find("fence.after_submit: 1 fence: stub/stub signalled"), std::string::npos);
  EXPECT_NE(html.find("virgl renderer &lt;3&gt;"), std::string::npos) << "escaped";
  EXPECT_EQ(html.find("renderer <3>"), std::string::npos);
  // Three columns: the header row has the behaviour column and one per file.
  std::size_t header = html.rfind("<thead>"), end = html.rfind("</thead>");  // the grid's, after the verdicts
  std::string head = html.substr(header, end - header);
  int columns = 0;
  for (std::size_t at = head.find("<th"); at != std::string::npos; at = head.find("<th", at + 1)) ++columns;
  EXPECT_EQ(columns, 1 + 1 + 3);  // <thead>'s own "<th" match, behaviour, three files
}

TEST(Verdicts, OneRowPerCellAndApiWithTheAnswerAndItsEvidence) {
  auto rows = driver_verdicts(three_lanes());
  ASSERT_EQ(rows.size(), 6u);  // three cells x (gl, vulkan)
  EXPECT_EQ(rows[0].cell, "vgem");
  EXPECT_EQ(rows[0].producer, "gl");
  EXPECT_EQ(rows[0].verdict, "fences GPU writes");
  EXPECT_EQ(rows[0].kind, DriverVerdict::Kind::Good);
  EXPECT_EQ(rows[2].verdict, "attaches no fence (reads race)");
  EXPECT_EQ(rows[2].evidence, "kernel returned: 1 fence: stub/stub signalled")
      << "the failure's own words, not its file:line or gtest's operands";
  EXPECT_EQ(rows[2].driver, "vgem · llvmpipe renderer <3>");
  EXPECT_EQ(rows[1].producer, "vulkan");
  EXPECT_EQ(rows[1].kind, DriverVerdict::Kind::NotJudged);
  EXPECT_EQ(rows[1].evidence, "no dma-buf import");
  EXPECT_EQ(rows[1].bridge, "not run");
}

// "attaches no fence" only where the result carries the contradiction; any
// other failure (an EGL error, a timeout) says what it was. A pass whose
// content check could not fail says "fence only".
TEST(Verdicts, OnlyTheContradictionReadsAsAMissingFence) {
  auto files = three_lanes();
  TestRecord& deciding = files[1].run.results[0];
  std::erase_if(deciding.properties, [](const auto& p) { return p.first == "unfenced_write"; });
  deciding.message = "gl_producer.cpp:80\neglInitialize failed: EGL_NOT_INITIALIZED";
  auto rows = driver_verdicts(files);
  EXPECT_EQ(rows[2].verdict, "no verdict: failed: eglInitialize failed: EGL_NOT_INITIALIZED");
  EXPECT_EQ(rows[2].kind, DriverVerdict::Kind::Bad);
  files[2].run.results[0].properties.emplace_back("judges", "fence only");
  rows = driver_verdicts(files);
  EXPECT_EQ(rows[4].verdict, "fences GPU writes (fence only)");
  EXPECT_NE(matrix_text(files).find(" fo "), std::string::npos) << matrix_text(files);
  EXPECT_NE(matrix_markdown(files).find("pass (fence only)"), std::string::npos);
}

TEST(Verdicts, VulkanIsJudgedOnTheExplicitBridgeAndItsPlainSubmitIsOnlyRecorded) {
  auto files = three_lanes();
  GtestRun& run = files[2].run;
  for (TestRecord& record : run.results) {
    if (record.name == "Gpu/GpuWrite.ExportRightAfterSubmitIsPending/vulkan") {
      record.outcome = Outcome::Pass;
      record.message.clear();
      record.properties = {{"verdict_role", "deciding"}, {"producer", "vulkan"}, {"sync", "bridge"}, {"gate", "gpu"}};
    }
  }
  run.results.push_back({"Gpu/GpuBridge.ImportedSubmitFenceIsPendingUntilTheWriteLandsThenReadsNew/vulkan",
                         Outcome::Pass,
                         "",
                         0,
                         "",
                         {{"verdict_role", "bridge"}, {"producer", "vulkan"}}});
  run.results.push_back(
      {"Gpu/GpuPlainSubmit.ImplicitFenceIsRecordedNotRequired/vulkan",
       Outcome::Pass,
       "",
       0,
       "",
       {{"verdict_role", "plain_submit"}, {"producer", "vulkan"}, {"vulkan.implicit_fence", "no (0 of 4 frames)"}}});
  auto rows = driver_verdicts(files);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[5].verdict, "explicit bridge works");
  EXPECT_EQ(rows[5].bridge, "works");
  EXPECT_EQ(rows[5].implicit, "no (0 of 4 frames)");
  EXPECT_EQ(rows[5].gate, "gpu");
}

// The rows come from what each result says it decides, not from its ID: a
// deciding test under another name is still a row, and one without the role is not.
TEST(Verdicts, ARowIsATestThatSaysItDecides) {
  auto files = three_lanes();
  files[0].run.results[0].name = "Gpu/Renamed.Deciding/gl";
  std::erase_if(files[1].run.results[0].properties, [](const auto& p) { return p.first == "verdict_role"; });
  auto rows = driver_verdicts(files);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].test, "Gpu/Renamed.Deciding/gl");
  EXPECT_EQ(rows[0].verdict, "fences GPU writes");
  EXPECT_EQ(rows[2].cell, "llvmpipe");
  EXPECT_EQ(rows[2].producer, "vulkan");
}

TEST(Verdicts, ATestThatCrashedOrFlakedSaysNothingAboutFencing) {
  for (Outcome ended : {Outcome::Crash, Outcome::Timeout, Outcome::Flake}) {
    auto files = three_lanes();
    files[0].run.results[0].outcome = ended;
    auto rows = driver_verdicts(files);
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0].kind, DriverVerdict::Kind::Bad) << to_string(ended);
    EXPECT_EQ(rows[0].verdict, "no verdict: the test ended as " + std::string(to_string(ended)));
  }
}

TEST(Verdicts, EveryMatrixFormatOpensWithThem) {
  const auto files = three_lanes();
  std::string md = matrix_markdown(files);
  ASSERT_NE(md.find("## Verdicts"), std::string::npos) << md;
  EXPECT_LT(md.find("## Verdicts"), md.find("| behaviour |"));
  EXPECT_NE(md.find("| llvmpipe | vgem · llvmpipe renderer <3> | gl | **attaches no fence (reads race)** |"),
            std::string::npos)
      << md;
  std::string text = matrix_text(files);
  EXPECT_EQ(text.rfind("verdicts", 0), 0u) << text;
  EXPECT_NE(text.find("virgl: virtio_gpu · virgl renderer <3>, gl: fences GPU writes"), std::string::npos) << text;
  std::string html = matrix_html(files);
  EXPECT_LT(html.find("<h2>Verdicts</h2>"), html.find("<h2>Every behaviour</h2>"));
}

TEST(BugReport, NamesTheFenceTheKernelReturnedTheKernelAndTheCommand) {
  auto report = bug_report(three_lanes(), "Gpu/GpuWrite.ExportRightAfterSubmitIsPending/gl");
  ASSERT_TRUE(report);
  EXPECT_NE(report->find("— Fail"), std::string::npos) << "the failing file is chosen over passing ones";
  EXPECT_NE(report->find("after submit: 1 fence: stub/stub signalled"), std::string::npos) << *report;
  EXPECT_NE(report->find("kernel: 6.12.9-amd64"), std::string::npos);
  EXPECT_NE(report->find("vm/lane llvmpipe -- --gtest_filter='Gpu/GpuWrite.ExportRightAfterSubmitIsPending/gl'"),
            std::string::npos)
      << *report;
  EXPECT_EQ(report->find("file.cpp:37"), std::string::npos) << "gtest's location line is dropped";
  EXPECT_NE(report->find("Evidence: the kernel's fence state"), std::string::npos)
      << "a GPU verdict says what it rests on, not on fence names:\n"
      << *report;
  EXPECT_FALSE(bug_report(three_lanes(), "No.SuchTest"));
}

// The report says what the test is for in its own words (its recorded
// description), not a paragraph about GPU writes that fits no uAPI test.
TEST(BugReport, SaysWhatTheTestIsForFromItsDescription) {
  auto files = three_lanes();
  files[1].run.results[0].properties.emplace_back("description",
                                                  "A GPU write in flight is visible as a pending fence.");
  auto report = bug_report(files, "Gpu/GpuWrite.ExportRightAfterSubmitIsPending/gl");
  ASSERT_TRUE(report);
  EXPECT_NE(report->find("Expected: A GPU write in flight is visible as a pending fence.\n"), std::string::npos)
      << *report;
  EXPECT_EQ(report->find("carries an implicit"), std::string::npos) << *report;
  auto older = bug_report(three_lanes(), "Gpu/GpuWrite.ExportRightAfterSubmitIsPending/gl");
  ASSERT_TRUE(older);
  EXPECT_NE(older->find("records no description of it: fencecheck --describe="), std::string::npos) << *older;
}

// The report opens with a subject a maintainer's list expects, says what the
// check said without gtest's operands, and names the kernels it fails and
// passes on among the files given.
TEST(BugReport, OpensWithASubjectAndNamesTheKernelsItFailsAndPassesOn) {
  auto files = three_lanes();
  files[1].run.results[0].message =
      "suites/x.cpp:12: Failure\nExpected equality of these values:\n  got.value\n    Which is: 12\n  row.expected\n"
      "    Which is: 22\nUDMABUF_CREATE over the limit: the kernel answered ENOMEM, not EINVAL";
  files[1].run.context["kernel.release"] = "7.3-amd64";
  files[2].run.context["kernel.release"] = "7.2.13+deb14-amd64";
  files[0].run.context["kernel.release"] = "6.12.9-amd64";
  auto report = bug_report(files, "Gpu/GpuWrite.ExportRightAfterSubmitIsPending/gl");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->substr(0, report->find('\n')),
            "drm/vgem: UDMABUF_CREATE over the limit: the kernel answered... (Linux 7.3)");
  EXPECT_EQ(report->find("Which is"), std::string::npos) << *report;
  EXPECT_NE(report->find("    fails on: 7.3-amd64\n    passes on: 6.12.9-amd64, 7.2.13+deb14-amd64 (newest: "
                         "7.2.13+deb14-amd64)"),
            std::string::npos)
      << *report;
}

// The subject keeps to 75 characters: FC_EXPECT_ERRNO's long message becomes
// the call and its errno, without the arguments or descriptor numbers.
TEST(BugReport, TheSubjectIsTheCallAndItsErrnoInSeventyFiveCharacters) {
  auto files = three_lanes();
  files[1].run.results[0].message =
      "suites/exporter_test.cpp:208: Failure\nFailed\nUDMABUF_CREATE(memfd=5 (memfd), flags=1, offset=0, "
      "size=1099511627776) on fd 4 (/dev/udmabuf) failed with ENOMEM (Cannot allocate memory); expected EINVAL "
      "(Invalid argument): a 1 TiB size, far over udmabuf's size_limit_mb, must be refused";
  files[1].run.context["kernel.release"] = "7.3-amd64";
  auto report = bug_report(files, "Gpu/GpuWrite.ExportRightAfterSubmitIsPending/gl");
  ASSERT_TRUE(report);
  const std::string subject = report->substr(0, report->find('\n'));
  EXPECT_EQ(subject, "drm/vgem: UDMABUF_CREATE returns ENOMEM, not EINVAL (Linux 7.3)");
  EXPECT_LE(subject.size(), 75u);
  EXPECT_EQ(report->find("    Failed\n"), std::string::npos) << "gtest's own 'Failed' line is not the check's";
}

// Its validity against kernelci's own KCIDB schema: tools/tests/outputs_test.sh.
TEST(Kcidb, AReportHasACheckoutABuildAndATestPerResultAndCounter) {
  BenchFile bench{"b.json", {}};
  bench.run.context = {{"fencecheck.machine", "lab-7"},
                       {"fencecheck.cell", "vgem"},
                       {"kernel.release", "6.12.9-amd64"},
                       {"kernel.version", "#1 SMP"}};
  bench.run.results.push_back({"Idle/poll_dmabuf", false, false, "", {{"ns_per_op", 1200}, {"x_floor", 3.1}}});
  bench.run.results.push_back({"Race/vulkan/no_wait", true, false, "unsupported: no import", {}});
  nlohmann::json report = kcidb_report(three_lanes(), {bench});
  EXPECT_EQ(report["version"]["major"], 5);
  EXPECT_EQ(report["checkouts"].size(), 1u);
  EXPECT_EQ(report["builds"].size(), 1u);
  EXPECT_EQ(report["tests"].size(), 9u + 2u);  // 3 results x 3 files, 2 counters
  const auto& done = report["tests"].back();
  EXPECT_EQ(done["status"], "DONE");
  EXPECT_EQ(done["number"]["value"], 3.1);
  EXPECT_EQ(done["path"], "fencecheck.vgem.bench.Idle.poll_dmabuf.x_floor");
  EXPECT_EQ(report["tests"][0]["path"], "fencecheck.vgem.Gpu.GpuWrite.ExportRightAfterSubmitIsPending.gl");
}

// A failure the cell's expectations list (with a reason that explains it)
// is no JUnit <failure>, and in KCIDB a FAIL with an incident of an issue
// carrying the reason; one whose message the reason does not explain stays
// a failure in JUnit and has no incident.
TEST(KnownFailures, AreSkippedInJunitAndKnownIssuesInKcidbOnlyWhenTheReasonExplainsThem) {
  auto files = three_lanes();
  const std::string name = "Gpu/GpuWrite.ExportRightAfterSubmitIsPending/gl";
  files[1].expectations = Expectations{};
  files[1].expectations->fails[name] = Outcome::Fail;
  files[1].expectations->fail_reasons[name] = Reason{"stub/stub", std::regex("stub/stub")};
  std::string xml = junit_xml(files[1]);
  EXPECT_NE(xml.find("tests=\"3\" failures=\"0\" skipped=\"2\""), std::string::npos) << xml;
  EXPECT_EQ(xml.find("<failure"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<skipped message=\"KNOWN FAILURE (the cell's expectations list it): kernel returned"),
            std::string::npos)
      << xml;
  nlohmann::json report = kcidb_report(files, {});
  ASSERT_EQ(report["issues"].size(), 1u) << report.dump(2);
  ASSERT_EQ(report["incidents"].size(), 1u);
  EXPECT_EQ(report["issues"][0]["report_subject"], name + ": stub/stub");
  EXPECT_EQ(report["incidents"][0]["issue_id"], report["issues"][0]["id"]);
  EXPECT_EQ(report["incidents"][0]["test_id"],
            "fencecheck:lab-7.llvmpipe.Gpu.GpuWrite.ExportRightAfterSubmitIsPending.gl");
  for (const auto& test : report["tests"]) {
    if (test["id"] == report["incidents"][0]["test_id"]) {
      EXPECT_EQ(test["status"], "FAIL");
    }
  }

  files[1].expectations->fail_reasons[name] = Reason{"something else", std::regex("something else")};
  EXPECT_NE(junit_xml(files[1]).find("<failure"), std::string::npos) << "a reason that does not explain it";
  EXPECT_TRUE(kcidb_report(files, {})["incidents"].empty());
}

// A cell's kernel-log complaints reach every shared output, not only compare's stdout.
TEST(KernelLog, ComplaintsReachKcidbLavaAndTheMatrix) {
  auto files = three_lanes();
  files[0].kernel_log = KernelLogCheck{{"[   12.3] WARNING: CPU: 0 PID: 9 at mm/util.c:612 __kvmalloc_node"}, {}, {}};
  files[2].kernel_log = KernelLogCheck{};  // a clean log
  nlohmann::json report = kcidb_report(files, {});
  int logs = 0;
  for (const auto& test : report["tests"]) {
    if (!test["path"].get<std::string>().ends_with(".kernel_log")) continue;
    ++logs;
    if (test["path"] == "fencecheck.vgem.kernel_log") {
      EXPECT_EQ(test["status"], "FAIL");
      EXPECT_NE(test["log_excerpt"].get<std::string>().find("__kvmalloc_node"), std::string::npos);
    } else {
      EXPECT_EQ(test["status"], "PASS") << test.dump();
    }
  }
  EXPECT_EQ(logs, 2) << "one per cell whose log was kept";
  std::string lines = lava_lines(files, {});
  EXPECT_NE(lines.find("lava-test-case kernel_log --result fail\nlava-test-set stop"), std::string::npos) << lines;
  EXPECT_NE(lines.find("lava-test-case kernel_log --result pass"), std::string::npos) << lines;
  std::string md = matrix_markdown(files);
  EXPECT_NE(md.find("kernel log 1 complaint(s) (0 known): [   12.3] WARNING: CPU: 0 PID: 9 at mm/util.c:612"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("kernel log clean"), std::string::npos);
}

TEST(Lava, OneSetPerCellNamesWithinTheLimitAndMeasurementsWithUnits) {
  auto files = three_lanes();
  files[0].run.results.push_back({"Odd Suite.name with spaces/and:colons", Outcome::Pass, "", 0, ""});
  const std::string long_name =
      "Vgem/BadInputTable.KernelAnswersWithItsErrnoCreatesNoFdAndChangesNoFence/"
      "Import_AUnixSocketAsTheSyncFileAndThenSomeMoreWords";
  files[0].run.results.push_back({long_name, Outcome::Pass, "", 0, ""});
  BenchFile bench{"b.json", {}};
  bench.run.context = {{"fencecheck.cell", "virgl"}};
  bench.run.results.push_back({"Wake/gl/poll_dmabuf", false, false, "", {{"p50_us", 199.5}, {"samples", 20}}});
  std::string lines = lava_lines(files, {bench});
  const std::regex line_format(
      "lava-test-case [A-Za-z0-9_.-]{1,100} --result (pass|fail|skip)( --measurement [0-9.e+-]+ --units [a-z]+)?|"
      "lava-test-set start [A-Za-z0-9_.-]{1,100}|lava-test-set stop|# [A-Za-z0-9_.-]{1,100} is .*");
  std::istringstream in(lines);
  int cases = 0, sets = 0;
  for (std::string line; std::getline(in, line);) {
    EXPECT_TRUE(std::regex_match(line, line_format)) << line;
    cases += line.starts_with("lava-test-case ");
    sets += line.starts_with("lava-test-set start ");
  }
  EXPECT_EQ(cases, 11 + 2);
  EXPECT_EQ(sets, 3 + 1);
  EXPECT_NE(lines.find("lava-test-set start llvmpipe\nlava-test-case Gpu.GpuWrite.ExportRightAfterSubmitIsPending.gl "
                       "--result fail"),
            std::string::npos)
      << lines;
  EXPECT_NE(lines.find("lava-test-set start virgl.bench\nlava-test-case Wake.gl.poll_dmabuf.p50_us --result pass "
                       "--measurement 199.5 --units us"),
            std::string::npos)
      << lines;
  EXPECT_NE(lines.find("--measurement 20 --units count"), std::string::npos);
  // The long one: cut to 100 with a stable hash, and named in full just before.
  std::smatch cut;
  ASSERT_TRUE(std::regex_search(lines, cut,
                                std::regex("# (\\S+) is " + std::regex_replace(long_name, std::regex("/"), "/") +
                                           " \\(--gtest_filter='[^']+'\\)\nlava-test-case (\\S+) ")))
      << lines;
  EXPECT_EQ(cut[1], cut[2]);
  EXPECT_EQ(cut[1].str().size(), 100u);
  EXPECT_EQ(lava_lines(files, {bench}), lines) << "the same names every time";
}

TEST(Junit, CarriesFailuresSkipsPropertiesAndTheRunsContext) {
  std::string xml = junit_xml(three_lanes()[1]);
  EXPECT_NE(xml.find("<testsuites name=\"fencecheck\" tests=\"3\" failures=\"1\" skipped=\"1\""), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<failure message=\"kernel returned: 1 fence: stub/stub signalled\" type=\"Fail\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<skipped message=\"no dma-buf import\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<property name=\"kernel.release\" value=\"6.12.9-amd64\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<property name=\"fence.after_submit\" value=\"1 fence: stub/stub signalled\"/>"),
            std::string::npos);
}

}  // namespace
}  // namespace fc

namespace fc {
namespace {

// A failed test's ioctl trace (its calls, for the reproducer) stays in the
// result file: JUnit and KCIDB carry every other property, not that one.
TEST(SharedOutputs, LeaveTheIoctlTraceInTheResultFile) {
  auto files = three_lanes();
  files[1].run.results[0].properties.emplace_back("trace", R"({"dropped":0,"calls":[{"call":"poll"}]})");
  const std::string xml = junit_xml(files[1]);
  EXPECT_EQ(xml.find("\"trace\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("device.driver"), std::string::npos) << "the other properties stay";
  const std::string kcidb = kcidb_report(files, {}).dump();
  EXPECT_EQ(kcidb.find("\"trace\""), std::string::npos);
  EXPECT_NE(kcidb.find("device.driver"), std::string::npos);
}

}  // namespace
}  // namespace fc
