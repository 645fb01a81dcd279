// SPDX-License-Identifier: MIT
// What checking an idle buffer costs, per consumer strategy, against the
// syscall floor (getppid) measured in the same run: the price every frame
// pays when the producer's write is already done. On vgem's reference buffer.
//
// Counters: ns_per_op (this strategy), floor_ns (getppid, measured just
// before), x_floor (their ratio: the number that reads the same on any machine);
// Idle/consumer_wait_vs_poll adds poll_ns and x_poll (the helper against a bare
// poll() on the dma-buf, interleaved).
#include <poll.h>

#include <algorithm>
#include <limits>
#include <optional>

#include "bench/bare_recipe.h"
#include "bench/bench.h"
#include "harness/consumer.h"
#include "harness/device.h"
#include "harness/exporter.h"
#include "harness/probe.h"
#include "harness/trace.h"
#include "harness/vgem.h"

namespace fc::bench {
namespace {

// An idle vgem buffer, or why there is none (probe: unsupported or broken).
struct IdleBuffer {
  std::optional<VgemDevice> vgem;
  std::optional<VgemBuffer> buffer;
  Probe probe = Probe::supported();
};

IdleBuffer make_idle_buffer() {
  IdleBuffer idle;
  OpenedVgem opened = VgemDevice::open_first(discover_drm_devices());
  if (!opened.device) return {std::nullopt, std::nullopt, opened.probe};
  idle.vgem = std::move(opened.device);
  auto buffer = VgemBuffer::create(*idle.vgem);
  if (!buffer) return {std::nullopt, std::nullopt, Probe::broken("creating a vgem buffer", buffer.err())};
  idle.buffer.emplace(std::move(*buffer));
  idle.probe = probe_export_sync_file(idle.buffer->dmabuf());
  return idle;
}

// Runs one idle check of dmabuf per iteration; check() returns the errno-carrying status.
template <class Check>
void measure_idle(benchmark::State& state, BorrowedFd dmabuf, Check&& check) {
  if (Status first = check(dmabuf); !first) return skip_broken(state, "the first check", first.err());
  const double floor = syscall_floor_ns();
  const double ns = timed_ns_per_op(state, [&] { benchmark::DoNotOptimize(check(dmabuf)); });
  set_counter(state, schema::kNsPerOp, ns);
  set_counter(state, schema::kFloorNs, floor);
  set_counter(state, schema::kXFloor, ns / floor);
}

// The same on vgem's idle reference buffer.
template <class Check>
void run_idle(benchmark::State& state, Check&& check) {
  IdleBuffer idle = make_idle_buffer();
  if (idle.probe.outcome() == Probe::Outcome::Unsupported) return skip_unsupported(state, idle.probe.reason());
  if (idle.probe.outcome() == Probe::Outcome::Broken) return skip_broken(state, idle.probe.reason(), idle.probe.err());
  measure_idle(state, idle.buffer->dmabuf(), std::forward<Check>(check));
}

Status ok_if(bool ok, int err = EIO) { return ok ? Status{} : Status{Errno{err}}; }

void floor_getppid(benchmark::State& state) {
  const double floor = syscall_floor_ns();
  const double ns = timed_ns_per_op(state, [] { benchmark::DoNotOptimize(::getppid()); });
  set_counter(state, schema::kNsPerOp, ns);
  set_counter(state, schema::kFloorNs, floor);
  set_counter(state, schema::kXFloor, ns / floor);
}

// (1) The common consumer recipe, through the harness: export, poll(0), close.
void export_poll_close(benchmark::State& state) {
  run_idle(state, [](BorrowedFd dmabuf) -> Status {
    auto sync_file = uapi::export_sync_file(dmabuf, Access::Read);
    if (!sync_file) return sync_file.err();
    auto busy = uapi::is_busy(sync_file->borrow(), POLLIN);
    return busy ? ok_if(!*busy) : Status{busy.err()};
  });
}

// The same three system calls as a bare C loop: the harness's own overhead.
void export_poll_close_bare(benchmark::State& state) {
  run_idle(state, [](BorrowedFd dmabuf) -> Status {
    int ready = fc_bare_recipe(dmabuf.get());
    return ready < 0 ? Status{Errno{-ready}} : ok_if(ready == 1);
  });
}

// (2) poll() on the dma-buf itself.
void poll_dmabuf(benchmark::State& state) {
  run_idle(state, [](BorrowedFd dmabuf) -> Status {
    auto busy = uapi::is_busy(dmabuf, POLLIN);
    return busy ? ok_if(!*busy) : Status{busy.err()};
  });
}

// (3) DMA_BUF_IOCTL_SYNC START + END (START returns at once on an idle buffer).
void sync_start_end(benchmark::State& state) {
  run_idle(state, [](BorrowedFd dmabuf) -> Status {
    if (Status started = uapi::dma_buf_sync(dmabuf, abi::kSyncRead | abi::kSyncStart); !started) return started;
    return uapi::dma_buf_sync(dmabuf, abi::kSyncRead | abi::kSyncEnd);
  });
}

// (4) Export plus FILE_INFO: what a consumer pays to also know whose fence it was.
void export_file_info(benchmark::State& state) {
  run_idle(state, [](BorrowedFd dmabuf) -> Status {
    auto sync_file = uapi::export_sync_file(dmabuf, Access::Read);
    if (!sync_file) return sync_file.err();
    auto info = uapi::sync_file_info(sync_file->borrow());
    return info ? ok_if(info->status == 1) : Status{info.err()};
  });
}

// The recommended helper, harness/consumer.h.
Status helper_finds_idle(BorrowedFd dmabuf) {
  auto waited = wait_for_writers(dmabuf, Deadline::now());
  return waited ? ok_if(!waited->had_writers) : Status{waited.err()};
}
void consumer_wait(benchmark::State& state) { run_idle(state, helper_finds_idle); }

// The same on a dma-buf no DRM driver exported (udmabuf, the system
// dma-heap), where the kernel has no fence to look at: what the check costs
// with the driver out of the way.
void exporter_consumer_wait(benchmark::State& state, ExporterKind kind) {
  if (Probe present = probe_exporter(kind); !present.is_supported()) {
    if (present.outcome() == Probe::Outcome::Unsupported) return skip_unsupported(state, present.reason());
    return skip_broken(state, present.reason(), present.err());
  }
  auto buffer = make_exporter_buffer(kind, 64 * 1024);
  if (!buffer) return skip_broken(state, "a " + std::string(to_string(kind)) + " buffer", buffer.err());
  measure_idle(state, buffer->borrow(), helper_finds_idle);
}

// Whether the recommended helper finds idle's buffer idle; else the benchmark
// is skipped, saying why (no vgem, a broken export, a writer on the buffer).
bool helper_sees_it_idle(benchmark::State& state, const IdleBuffer& idle) {
  if (idle.probe.outcome() == Probe::Outcome::Unsupported) {
    skip_unsupported(state, idle.probe.reason());
    return false;
  }
  if (idle.probe.outcome() == Probe::Outcome::Broken) {
    skip_broken(state, idle.probe.reason(), idle.probe.err());
    return false;
  }
  auto waited = wait_for_writers(idle.buffer->dmabuf(), Deadline::now());
  if (!waited || waited->had_writers) {
    skip_broken(state, waited ? "the idle buffer had a writer" : "the first check",
                waited ? Errno{EBUSY} : waited.err());
    return false;
  }
  return true;
}

// The recommended helper against the one system call it makes, a bare
// poll(POLLIN, 0) on the dma-buf, in interleaved batches (each batch's order
// alternating) so that drift and noise reach both alike; the best batch of
// each is kept. x_poll, the helper's cost as a multiple of the bare poll(),
// is what the helper promises: no clock read and nothing but that call on an
// idle buffer (about 1.0).
void consumer_wait_vs_poll(benchmark::State& state) {
  IdleBuffer idle = make_idle_buffer();
  if (!helper_sees_it_idle(state, idle)) return;
  BorrowedFd dmabuf = idle.buffer->dmabuf();

  constexpr int kBatch = 100;
  auto bare_polls = [&] {
    for (int i = 0; i < kBatch; ++i) {
      pollfd entry{dmabuf.get(), POLLIN, 0};
      benchmark::DoNotOptimize(::poll(&entry, 1, 0));
    }
  };
  auto helper_waits = [&] {
    for (int i = 0; i < kBatch; ++i) benchmark::DoNotOptimize(wait_for_writers(dmabuf, Deadline::now()));
  };
  auto batch_ns = [](auto&& batch) {
    auto start = Clock::now();
    batch();
    return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / kBatch;
  };
  const double floor = syscall_floor_ns();
  double best_poll = std::numeric_limits<double>::infinity(), best_helper = best_poll;
  bool poll_first = true;
  for (auto _ : state) {
    double poll_ns = 0, helper_ns = 0;
    if (poll_first) {
      poll_ns = batch_ns(bare_polls);
      helper_ns = batch_ns(helper_waits);
    } else {
      helper_ns = batch_ns(helper_waits);
      poll_ns = batch_ns(bare_polls);
    }
    poll_first = !poll_first;
    best_poll = std::min(best_poll, poll_ns);
    best_helper = std::min(best_helper, helper_ns);
  }
  set_counter(state, schema::kNsPerOp, best_helper);
  set_counter(state, schema::kPollNs, best_poll);
  set_counter(state, schema::kFloorNs, floor);
  set_counter(state, schema::kXFloor, best_helper / floor);
  set_counter(state, schema::kXPoll, best_helper / best_poll);
}

// The ioctl trace's cost (harness/trace.h) on the idle check a consumer
// makes, the recommended helper (wait_for_writers: one poll(POLLIN, 0) on an
// idle buffer, traced as the uapi layer's calls are), three ways in
// interleaved batches (the order rotating, the best batch of each kept): a
// bare poll(); the helper with the trace off, as outside a test (a benchmark,
// a consumer using the harness: ns_per_op, x_bare, target 1.02); and the
// helper while a trace records, as in every test (traced_ns, x_traced:
// reported). Each recorded batch starts a fresh trace, its descriptor's kind
// looked up before the batch as it is once per descriptor in a test, so none
// reaches the cap.
void trace_cost(benchmark::State& state) {
  IdleBuffer idle = make_idle_buffer();
  if (!helper_sees_it_idle(state, idle)) return;
  BorrowedFd dmabuf = idle.buffer->dmabuf();

  constexpr int kBatch = 100;
  enum Way { kBare, kHookOff, kRecording, kWays };
  auto batch_ns = [&](int way) {
    if (way == kRecording) {
      trace::start();
      trace::note_kind(dmabuf.get());
    }
    auto start = Clock::now();
    for (int i = 0; i < kBatch; ++i) {
      if (way == kBare) {
        pollfd entry{dmabuf.get(), POLLIN, 0};
        benchmark::DoNotOptimize(::poll(&entry, 1, 0));
      } else {
        benchmark::DoNotOptimize(wait_for_writers(dmabuf, Deadline::now()));
      }
    }
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count() / kBatch;
    if (way == kRecording) (void)trace::stop();
    return ns;
  };
  const double floor = syscall_floor_ns();
  double best[kWays];
  std::fill(std::begin(best), std::end(best), std::numeric_limits<double>::infinity());
  int first = 0;
  for (auto _ : state) {
    for (int k = 0; k < kWays; ++k) {
      const int way = (first + k) % kWays;
      best[way] = std::min(best[way], batch_ns(way));
    }
    first = (first + 1) % kWays;
  }
  set_counter(state, schema::kNsPerOp, best[kHookOff]);
  set_counter(state, schema::kFloorNs, floor);
  set_counter(state, schema::kXFloor, best[kHookOff] / floor);
  set_counter(state, schema::kBareNs, best[kBare]);
  set_counter(state, schema::kXBare, best[kHookOff] / best[kBare]);
  set_counter(state, schema::kTracedNs, best[kRecording]);
  set_counter(state, schema::kXTraced, best[kRecording] / best[kHookOff]);
}

}  // namespace

void register_idle_benchmarks() {
  benchmark::RegisterBenchmark(std::string(schema::kBenchGetppid).c_str(), floor_getppid);
  benchmark::RegisterBenchmark(std::string(schema::kBenchRecipe).c_str(), export_poll_close);
  benchmark::RegisterBenchmark(std::string(schema::kBenchRecipeBareC).c_str(), export_poll_close_bare);
  benchmark::RegisterBenchmark("Idle/poll_dmabuf", poll_dmabuf);
  benchmark::RegisterBenchmark("Idle/sync_start_end", sync_start_end);
  benchmark::RegisterBenchmark("Idle/export_file_info", export_file_info);
  benchmark::RegisterBenchmark("Idle/consumer_wait", consumer_wait);
  benchmark::RegisterBenchmark("Idle/udmabuf/consumer_wait", exporter_consumer_wait, ExporterKind::Udmabuf);
  benchmark::RegisterBenchmark("Idle/system_heap/consumer_wait", exporter_consumer_wait, ExporterKind::SystemHeap);
  benchmark::RegisterBenchmark(std::string(schema::kBenchHelperVsPoll).c_str(), consumer_wait_vs_poll);
  benchmark::RegisterBenchmark(std::string(schema::kBenchTraced).c_str(), trace_cost);
}

}  // namespace fc::bench
