// SPDX-License-Identifier: MIT
// The result schema: every key fencecheck records, named once. A result file
// (gtest JSON, JUnit, the benchmarks' JSON) carries the run's context at its
// top level (the benchmarks: in "context") and, per test, properties under
// the keys below. Reports read only these names.
#pragma once

#include <string_view>

namespace fc::schema {

// ---- the run's context: the same keys in conformance and benchmark results ----
inline constexpr std::string_view kMachine = "fencecheck.machine";  // host name
// What the machine is: "QEMU TCG guest, 2 CPUs (...); host: ..." or "16 CPUs (AMD ...)".
inline constexpr std::string_view kMachineKind = "fencecheck.machine_kind";
inline constexpr std::string_view kCell = "fencecheck.cell";            // LANE@linux-X.Y@mesa-X.Y[@BUILD], or "host"
inline constexpr std::string_view kCommand = "fencecheck.command";      // the run's own command line
inline constexpr std::string_view kVersion = "fencecheck.version";      // results/version.h: "0.1.0"
inline constexpr std::string_view kCommit = "fencecheck.commit";        // the build tree's commit, or "unknown"
inline constexpr std::string_view kReproduce = "fencecheck.reproduce";  // how to rerun one test (VM cells)
// The userspace a VM cell booted in, where it is not the host's (vm/root: package versions).
inline constexpr std::string_view kUserspace = "fencecheck.userspace";
inline constexpr std::string_view kKernelRelease = "kernel.release";  // uname -r
inline constexpr std::string_view kKernelVersion = "kernel.version";  // uname -v
inline constexpr std::string_view kDrmDevices = "drm.devices";        // every DRM device found
// Per device, what a consumer decides on (harness/capabilities.h): "DRIVER (NODE): EXPORT_SYNC_FILE yes, ...; ..."
inline constexpr std::string_view kDrmCapabilities = "drm.capabilities";
inline constexpr std::string_view kGpuDevice = "gpu.device";      // the device the GPU tests used
inline constexpr std::string_view kMesaVersion = "mesa.version";  // the Mesa the producers loaded (else the package)
inline constexpr std::string_view kMesaPackage = "mesa.package";  // the Mesa package the run was meant to use
inline constexpr std::string_view kCpuModel = "cpu.model";        // benchmarks: "QEMU ... CPU" is emulated
inline constexpr std::string_view kBenchSize = "bench.size";      // benchmarks: "short" (a smoke test) or "full"
inline constexpr std::string_view kTimestamp = "timestamp";       // gtest's own: when the run started

// ---- per test ----
// Why a test skipped: gtest's JSON keeps no skip message, so the runner records it.
inline constexpr std::string_view kSkipReason = "skip_reason";
// What the test checks, in words (harness/description.h FC_DESCRIBE).
inline constexpr std::string_view kDescription = "description";
// The test's ioctl trace (harness/trace.h to_json): a failed test's always, every test's with --trace.
inline constexpr std::string_view kTrace = "trace";
// What a test's pass judged, where not all it names: "no" on a record-only
// test (it records what it saw and asserts nothing, so its pass judges
// nothing: a cell of record-only passes is NOTHING JUDGED); "fence only"
// where its content check could not fail here (the only read path waits for
// the write by itself), shown as "pass (fence only)" in every report.
inline constexpr std::string_view kJudges = "judges";
inline constexpr std::string_view kJudgesNothing = "no";
inline constexpr std::string_view kJudgesFenceOnly = "fence only";
// How many runs ended while this test ran (fencecheck --resume): each accounts
// for one exit status other than 0/1 before the last (compare --exit-status).
inline constexpr std::string_view kRunsEnded = "run.ended_while_running";
// Where a test could check a fence through fewer interfaces than it names
// (a kernel without EXPORT_SYNC_FILE): which ones, and why.
inline constexpr std::string_view kCheckedThrough = "checked_through";
// "fence.<label>": what SYNC_IOC_FILE_INFO said of one export ("1 fence: vgem/unbound active").
inline constexpr std::string_view kFencePrefix = "fence.";
// The producer that wrote the buffer (a ProducerKind's name), and its own words.
inline constexpr std::string_view kProducer = "producer";
inline constexpr std::string_view kProducerDriver = "producer.driver";
inline constexpr std::string_view kProducerNode = "producer.node";
inline constexpr std::string_view kProducerWriteLatency = "producer.write_latency_ms";
// The DRM device and the buffer it allocated.
inline constexpr std::string_view kDevicePrefix = "device.";
inline constexpr std::string_view kDeviceDriver = "device.driver";
inline constexpr std::string_view kDeviceNode = "device.node";
inline constexpr std::string_view kGbmBackend = "gbm.backend";
inline constexpr std::string_view kBufferPrefix = "buffer.";
inline constexpr std::string_view kBufferFormat = "buffer.format";
inline constexpr std::string_view kBufferModifier = "buffer.modifier";
inline constexpr std::string_view kBufferExporter = "buffer.exporter";  // who allocated and exported it
inline constexpr std::string_view kReadbackPath = "readback.path";
// How frames were made visible: "implicit" (a plain submit) or "bridge" (the
// submit's own fence imported into the dma-buf as its writer).
inline constexpr std::string_view kSync = "sync";
// "yes", or why frames cannot be gated here; "gate" says how the gates of the
// frames a test observed behaved: gpu, cpu or none, with counts when mixed.
inline constexpr std::string_view kGateAvailable = "gate.available";
inline constexpr std::string_view kGate = "gate";
// --validate: "clean" or what the producer's API checker reported (Vulkan validation, KHR_debug).
inline constexpr std::string_view kValidation = "validation";
// A plain submit's side effect where the API promises no implicit sync: did
// the kernel attach a fence anyway? "<API>.implicit_fence" (a ProducerKind's
// implicit_property: kVulkanImplicitFence), and the first contradiction seen
// as "<API>.implicit_fence.evidence".
inline constexpr std::string_view kImplicitFenceSuffix = ".implicit_fence";
inline constexpr std::string_view kVulkanImplicitFence = "vulkan.implicit_fence";
inline constexpr std::string_view kEvidenceSuffix = ".evidence";
// The tests the driver matrix's verdict rows read, by what they decide: the
// deciding test (is the write fenced?), the explicit bridge, the plain submit
// (implicit fence where none is promised). Recorded before anything can skip
// them, so a skipped one still has its row.
inline constexpr std::string_view kVerdictRole = "verdict_role";
inline constexpr std::string_view kRoleDeciding = "deciding";
inline constexpr std::string_view kRoleBridge = "bridge";
inline constexpr std::string_view kRolePlainSubmit = "plain_submit";
// GL through EGL.
inline constexpr std::string_view kGlVendor = "gl.vendor";
inline constexpr std::string_view kGlRenderer = "gl.renderer";
inline constexpr std::string_view kGlVersion = "gl.version";
inline constexpr std::string_view kEglVendor = "egl.vendor";
inline constexpr std::string_view kEglVersion = "egl.version";
inline constexpr std::string_view kGlWorkload = "gl.workload_iterations";
// Vulkan.
inline constexpr std::string_view kVulkanDevice = "vulkan.device";
inline constexpr std::string_view kVulkanDriver = "vulkan.driver";
inline constexpr std::string_view kVulkanApiVersion = "vulkan.api_version";
inline constexpr std::string_view kVulkanConformance = "vulkan.conformance";
inline constexpr std::string_view kVulkanDeviceMatch = "vulkan.device_match";
inline constexpr std::string_view kVulkanImport = "vulkan.import";
// The fence the explicit bridge imports: the VkFence or VkSemaphore exported as SYNC_FD.
inline constexpr std::string_view kVulkanBridgeFence = "vulkan.bridge_fence";
inline constexpr std::string_view kVulkanWorkload = "vulkan.workload_iterations";
// The contradiction a GPU test failed on, where it did: a write in flight
// whose export was already signalled (its frame and sync). Only a failure
// carrying it reads as "attaches no fence" in the verdict rows.
inline constexpr std::string_view kUnfencedWrite = "unfenced_write";
// What a GPU test observed.
inline constexpr std::string_view kSubmits = "submits";    // how many observed frames were fenced at submit
inline constexpr std::string_view kReadback = "readback";  // what the consumer read after the wait
inline constexpr std::string_view kRace = "race";          // new/stale/torn counts of the fenceless race
inline constexpr std::string_view kChild = "child";        // what the receiving process saw
// The reference lane's racing threads: vgem fences attached to the shared
// buffer, and attaches vgem refused (EBUSY) for a conflicting pending fence.
inline constexpr std::string_view kAttachRace = "attach_race";

// ---- fencecheck-bench: benchmark names and counters, as bench/ reports them ----
// Families, by name prefix: the syscall floor, the idle check, the wake-up, the
// zero-copy race.
inline constexpr std::string_view kBenchFloor = "Floor/";
inline constexpr std::string_view kBenchIdle = "Idle/";
inline constexpr std::string_view kBenchWake = "Wake/";
inline constexpr std::string_view kBenchRace = "Race/";
// Cost curves: Curve/<what>/<N>, one benchmark per point, N the last part of
// the name (fences on the buffer, buffers in the epoll set, waiters); the
// curve is the name without it (results/bench_curves.h says what each one's
// y counter is and the shape it must keep).
inline constexpr std::string_view kBenchCurve = "Curve/";
// The benchmarks the checks and the summary single out.
inline constexpr std::string_view kBenchGetppid = "Floor/getppid";                      // the idle checks' floor
inline constexpr std::string_view kBenchEventfdWake = "Floor/eventfd_wake";             // the wake-ups' floor
inline constexpr std::string_view kBenchRecipe = "Idle/export_poll_close";              // the capture recipe
inline constexpr std::string_view kBenchRecipeBareC = "Idle/export_poll_close_bare_c";  // the same in plain C
inline constexpr std::string_view kBenchHelperVsPoll = "Idle/consumer_wait_vs_poll";    // the helper against poll()
inline constexpr std::string_view kBenchTraced = "Idle/trace_cost";                     // the ioctl trace's cost
inline constexpr std::string_view kBenchReferenceRace = "Race/vgem_cpu/";  // the reference producer's races
inline constexpr std::string_view kBenchWakeVsPoll = "Wake/vgem/consumer_wait_vs_poll";  // interleaved wake-ups
// A wait strategy's name, the last part of a Wake/ or Race/ benchmark's name.
inline constexpr std::string_view kStrategyNoWait = "no_wait";
// Counters. Idle: the cost per check, the floor, and their ratio (the helper's
// also against poll()).
inline constexpr std::string_view kNsPerOp = "ns_per_op";
inline constexpr std::string_view kFloorNs = "floor_ns";
inline constexpr std::string_view kXFloor = "x_floor";
inline constexpr std::string_view kPollNs = "poll_ns";
inline constexpr std::string_view kXPoll = "x_poll";
// Idle/trace_cost: the uapi layer's poll() (trace off) against a bare poll()
// and against itself while a trace records.
inline constexpr std::string_view kBareNs = "bare_ns";
inline constexpr std::string_view kXBare = "x_bare";
inline constexpr std::string_view kTracedNs = "traced_ns";
inline constexpr std::string_view kXTraced = "x_traced";
// Wake: the latency's percentiles, how many samples, and wake-ups before the signal.
inline constexpr std::string_view kSamples = "samples";
inline constexpr std::string_view kP50Us = "p50_us";
inline constexpr std::string_view kP99Us = "p99_us";
inline constexpr std::string_view kEarlyWakes = "early_wakes";
inline constexpr std::string_view kUnfencedFrames = "unfenced_frames";  // GPU wake-ups with nothing to wait for
// Wake/vgem/consumer_wait_vs_poll: the helper's and poll()'s wake-ups in
// interleaved pairs; x_poll is the ratio of their p50s, x_poll_lo and
// x_poll_hi its 95% confidence interval (bootstrap, bench/bench.h).
inline constexpr std::string_view kPollP50Us = "poll_p50_us";
inline constexpr std::string_view kXPollLo = "x_poll_lo";
inline constexpr std::string_view kXPollHi = "x_poll_hi";
// Curves: the cost per ready buffer (epoll), and the first and the last of N
// waiters to wake (p50 over the samples; the last's is the curve's p50_us).
inline constexpr std::string_view kNsPerBuffer = "ns_per_buffer";
inline constexpr std::string_view kFirstP50Us = "first_p50_us";
// Race: what the consumer read, how long it waited, and the frame rate.
inline constexpr std::string_view kFrames = "frames";
inline constexpr std::string_view kStaleRatio = "stale_ratio";
inline constexpr std::string_view kTornRatio = "torn_ratio";
inline constexpr std::string_view kWaitP50Us = "wait_p50_us";
inline constexpr std::string_view kWaitP99Us = "wait_p99_us";
inline constexpr std::string_view kFps = "fps";
inline constexpr std::string_view kUnfencedRatio = "unfenced_ratio";  // no_wait only: frames in flight with no fence

}  // namespace fc::schema
