// SPDX-License-Identifier: MIT
// fencecheck-bench: what waiting costs, against the syscall floor, and what
// not waiting costs. A Google Benchmark program: all its flags work
// (--benchmark_filter, --benchmark_out=FILE --benchmark_out_format=json,
// --benchmark_min_time, ...); fencecheck adds its own, below.
#include <benchmark/benchmark.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bench/bench.h"
#include "harness/device.h"
#include "harness/probe.h"
#include "harness/run_options.h"
#include "results/schema.h"

namespace fc::bench {
void register_idle_benchmarks();
void register_wake_benchmarks();
void register_race_benchmarks();
void register_curve_benchmarks();
}  // namespace fc::bench

int main(int argc, char** argv) {
  fc::bench::Options options;
  std::string cell;
  bool smoke = false;
  CLI::App app{"fencecheck-bench: what waiting on a dma-buf's implicit fence costs, and what not waiting costs",
               "fencecheck-bench"};
  app.set_help_flag();  // --help: ours, then Google Benchmark's
  app.footer("Google Benchmark's own options follow (--benchmark_filter, --benchmark_out=FILE, ...).");
  app.add_option("--device", options.device,
                 "the DRM device GPU benchmarks write with (node or driver; as fencecheck)");
  app.add_option("--cell", cell, "the cell (LANE@linux-X.Y@mesa-X.Y), recorded in the context");
  app.add_option("--race-frames", options.race_frames, "frames per Race benchmark")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--wake-samples", options.wake_samples, "wake-ups per vgem Wake benchmark (GPU: a tenth)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_flag("--short", smoke, "smoke-test sizes: 4 race frames, 20 wake-ups, three points a curve");
  bool help = false;
  for (int i = 1; i < argc; ++i) help = help || std::string_view(argv[i]) == "--help";
  if (help) std::fputs(app.help().c_str(), stdout);
  benchmark::Initialize(&argc, argv);  // takes its own flags out (and prints its help)
  if (help) return 0;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "fencecheck-bench: %s (see --help)\n", error.what());
    return 2;
  }
  if (smoke) {
    options.race_frames = 4;
    options.wake_samples = 20;
    options.short_run = true;
  }
  fc::bench::set_options(options);

  // The run's context under the same keys as the conformance results' (results/schema.h).
  auto context = [](std::string_view key, const std::string& value) {
    benchmark::AddCustomContext(std::string(key), value);
  };
  for (const auto& [key, value] : fc::shared_run_context(cell)) context(key, value);
  context(fc::schema::kCpuModel, fc::cpu_model());
  context(fc::schema::kBenchSize, smoke ? "short" : "full");
  if (const char* mesa = std::getenv("FENCECHECK_MESA")) context(fc::schema::kMesaVersion, mesa);
  auto devices = fc::discover_drm_devices();
  fc::Selection selection = fc::select_device(devices, options.device);
  if (!options.device.empty() && !selection.device) {
    // An unknown device is a mistake in the command, not a GPU whose benchmarks all skip.
    std::fprintf(stderr, "fencecheck-bench: %s (see --help)\n", selection.reason.c_str());
    return 2;
  }
  context(fc::schema::kGpuDevice, selection.device ? selection.device->describe() : selection.reason);

  fc::bench::register_idle_benchmarks();
  fc::bench::register_wake_benchmarks();
  fc::bench::register_race_benchmarks();
  fc::bench::register_curve_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  // 1: a benchmark stopped on a broken call (an unsupported one is a skip, not an error).
  return fc::bench::any_broken() ? 1 : 0;
}
