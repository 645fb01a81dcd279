// fencecheck-bench: what waiting costs, against the syscall floor, and what
// not waiting costs. A Google Benchmark program: all its flags work
// (--benchmark_filter, --benchmark_out=FILE --benchmark_out_format=json,
// --benchmark_min_time, ...); fencecheck adds its own, below.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "bench/bench.h"
#include "harness/device.h"
#include "harness/probe.h"
#include "results/schema.h"

namespace fc::bench {
void register_idle_benchmarks();
void register_wake_benchmarks();
void register_race_benchmarks();
}  // namespace fc::bench

namespace {

constexpr const char* kUsage =
    "fencecheck-bench options (Google Benchmark's own follow):\n"
    "  --device=SPEC       the DRM device GPU benchmarks write with (node or driver; as fencecheck)\n"
    "  --cell=NAME         the cell (LANE@linux-X.Y@mesa-X.Y), recorded in the context\n"
    "  --race-frames=N     frames per Race benchmark (default 24)\n"
    "  --wake-samples=N    wake-ups per vgem Wake benchmark (default 200; GPU: a tenth)\n"
    "  --short             smoke-test sizes: 4 race frames, 20 wake-ups\n"
    "\n";

bool parse_count(std::string_view text, std::uint32_t& out) {
  char* end = nullptr;
  std::string copy(text);
  unsigned long value = std::strtoul(copy.c_str(), &end, 10);
  if (copy.empty() || *end != '\0' || value == 0 || value > 100000) return false;
  out = static_cast<std::uint32_t>(value);
  return true;
}

// "QEMU TCG CPU ..." in an emulated lane: the numbers are then ratios only.
std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help") std::fputs(kUsage, stdout);
  }
  benchmark::Initialize(&argc, argv);

  fc::bench::Options options;
  std::string cell;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--device=")) {
      options.device = arg.substr(9);
    } else if (arg.starts_with("--cell=")) {
      cell = arg.substr(7);
    } else if (arg.starts_with("--race-frames=")) {
      if (!parse_count(arg.substr(14), options.race_frames)) {
        std::fprintf(stderr, "fencecheck-bench: bad --race-frames '%s'\n", argv[i]);
        return 2;
      }
    } else if (arg.starts_with("--wake-samples=")) {
      if (!parse_count(arg.substr(15), options.wake_samples)) {
        std::fprintf(stderr, "fencecheck-bench: bad --wake-samples '%s'\n", argv[i]);
        return 2;
      }
    } else if (arg == "--short") {
      options.race_frames = 4;
      options.wake_samples = 20;
    } else {
      std::fprintf(stderr, "fencecheck-bench: unknown option '%s' (see --help)\n", argv[i]);
      return 2;
    }
  }
  fc::bench::set_options(options);

  // The run's context under the same keys as the conformance results' (results/schema.h).
  auto context = [](std::string_view key, const std::string& value) { benchmark::AddCustomContext(std::string(key), value); };
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  context(fc::schema::kMachine, host);
  context(fc::schema::kCell, cell.empty() ? "host" : cell);
  context(fc::schema::kKernelRelease, fc::kernel_release());
  context(fc::schema::kKernelVersion, fc::kernel_version());
  context(fc::schema::kCpuModel, cpu_model());
  if (const char* mesa = std::getenv("FENCECHECK_MESA")) context(fc::schema::kMesaVersion, mesa);
  auto devices = fc::discover_drm_devices();
  fc::Selection selection = fc::select_device(devices, options.device);
  context(fc::schema::kGpuDevice, selection.device ? selection.device->describe() : selection.reason);

  fc::bench::register_idle_benchmarks();
  fc::bench::register_wake_benchmarks();
  fc::bench::register_race_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
