// SPDX-License-Identifier: MIT
// Cost curves on the reference lane (vgem): how a consumer's wait grows with
// the work, one benchmark per point, N the last part of the name. Each curve's
// expected shape (flat, at most linear) is results/bench_curves.h's, which
// `fencecheck-results bench --check` holds it to.
//   Curve/fences/idle_check_write/N  the recommended helper's idle check (one
//                                    poll()) on a buffer holding N signalled
//                                    write fences (DMA_BUF_IOCTL_IMPORT_SYNC_FILE)
//   Curve/fences/idle_check_read/N   the same, N signalled read fences (VGEM_FENCE_ATTACH)
//   Curve/fences/export_write/N      EXPORT_SYNC_FILE(READ) + close with N pending
//                                    write fences: the kernel merges them into a fence array
//   Curve/fences/export_read/N       EXPORT_SYNC_FILE(WRITE) + close with N pending read fences
//   Curve/epoll/per_ready_buffer/N   one epoll_wait over N ready dma-bufs: ns per ready buffer
//   Curve/epoll/wake_last/N          N buffers signalled one after another: the wake-up
//                                    of the last one, as a compositor with N clients sees it
//   Curve/waiters/threads/N          N threads poll() one buffer: the first and the last wake-up
//   Curve/waiters/processes/N        the same with N processes
// Wake-ups are timed from the fence's own signal timestamp (SYNC_IOC_FILE_INFO).
#include <linux/futex.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <optional>
#include <thread>

#include "bench/bench.h"
#include "harness/consumer.h"
#include "harness/device.h"
#include "harness/probe.h"
#include "harness/process.h"
#include "harness/timeouts.h"
#include "harness/vgem.h"

namespace fc::bench {
namespace {

using namespace std::chrono_literals;

constexpr int kMaxWaiters = 64;

std::vector<std::int64_t> points(std::initializer_list<std::int64_t> full,
                                 std::initializer_list<std::int64_t> short_run) {
  return options().short_run ? std::vector<std::int64_t>(short_run) : std::vector<std::int64_t>(full);
}

// ---- fences on one buffer ----

// A vgem buffer holding N read fences (reader) and one holding the same N as
// write fences (writer: imported from the reader's export, which the kernel
// unwraps), all pending until signal_all(). vgem lets one buffer hold many
// pending readers but only one writer at a time; the import is how a buffer
// gets many writers, as one shared by several producers does.
struct FencedBuffers {
  std::optional<VgemDevice> vgem;
  std::optional<VgemBuffer> reader;
  std::optional<VgemBuffer> writer;
  std::vector<VgemFence> fences;

  // Signals every fence; ETIMEDOUT if vgem's own 10 s timer fired first (the
  // measurement ran on signalled fences, not pending ones).
  [[nodiscard]] Status signal_all() {
    Status status;
    for (VgemFence& fence : fences) {
      if (Status signalled = fence.signal(); !signalled && status) status = signalled;
    }
    return status;
  }
};

std::optional<FencedBuffers> make_fenced(benchmark::State& state, std::int64_t n) {
  FencedBuffers made;
  made.vgem = open_vgem(state);
  if (!made.vgem) return std::nullopt;
  for (auto* slot : {&made.reader, &made.writer}) {
    auto buffer = VgemBuffer::create(*made.vgem);
    if (!buffer) {
      skip_broken(state, "creating a vgem buffer", buffer.err());
      return std::nullopt;
    }
    slot->emplace(std::move(*buffer));
  }
  if (Probe p = probe_export_sync_file(made.reader->dmabuf()); !p.is_supported()) {
    skip_unsupported(state, p.reason());
    return std::nullopt;
  }
  if (Probe p = probe_import_sync_file(made.writer->dmabuf()); !p.is_supported()) {
    skip_unsupported(state, p.reason());
    return std::nullopt;
  }
  for (std::int64_t i = 0; i < n; ++i) {
    auto fence = made.reader->attach_fence(FenceUsage::Read);
    if (!fence) {
      skip_broken(state, "VGEM_FENCE_ATTACH(read) #" + std::to_string(i + 1), fence.err());
      return std::nullopt;
    }
    made.fences.push_back(std::move(*fence));
  }
  auto all = uapi::export_sync_file(made.reader->dmabuf(), Access::Write);
  if (!all) {
    skip_broken(state, "EXPORT_SYNC_FILE(WRITE) of the reader's fences", all.err());
    return std::nullopt;
  }
  if (Status imported = uapi::import_sync_file(made.writer->dmabuf(), Access::Write, all->borrow()); !imported) {
    skip_broken(state, "IMPORT_SYNC_FILE(WRITE)", imported.err());
    return std::nullopt;
  }
  return made;
}

// The recommended helper's idle check, with N signalled fences on the buffer
// (the writer's or the reader's).
void fences_idle_check(benchmark::State& state, FenceUsage usage) {
  auto fenced = make_fenced(state, state.range(0));
  if (!fenced) return;
  if (Status signalled = fenced->signal_all(); !signalled)
    return skip_broken(state, "VGEM_FENCE_SIGNAL", signalled.err());
  BorrowedFd dmabuf = (usage == FenceUsage::Write ? fenced->writer : fenced->reader)->dmabuf();
  auto first = wait_for_writers(dmabuf, Deadline::now());
  if (!first || first->had_writers) {
    return skip_broken(state, first ? "the signalled buffer had a writer" : "the first check",
                       first ? Errno{EBUSY} : first.err());
  }
  const double ns =
      timed_ns_per_op(state, [&] { benchmark::DoNotOptimize(wait_for_writers(dmabuf, Deadline::now())); });
  set_counter(state, schema::kNsPerOp, ns);
}

// EXPORT_SYNC_FILE and close with N pending fences: for the writer's, a
// reader's export (READ); for the reader's, a writer's (WRITE).
void fences_export(benchmark::State& state, FenceUsage usage) {
  auto fenced = make_fenced(state, state.range(0));
  if (!fenced) return;
  const bool writers = usage == FenceUsage::Write;
  BorrowedFd dmabuf = (writers ? fenced->writer : fenced->reader)->dmabuf();
  const Access access = writers ? Access::Read : Access::Write;
  Errno failed{0};
  const double ns = timed_ns_per_op(state, [&] {
    auto sync_file = uapi::export_sync_file(dmabuf, access);
    if (!sync_file) failed = sync_file.err();
  });
  if (failed.value != 0) return skip_broken(state, "EXPORT_SYNC_FILE", failed);
  if (Status signalled = fenced->signal_all(); !signalled) {
    return skip_broken(state, "VGEM_FENCE_SIGNAL after the measurement (a fence vgem had signalled by itself)",
                       signalled.err());
  }
  set_counter(state, schema::kNsPerOp, ns);
}

// ---- many buffers in one epoll set ----

struct BufferSet {
  std::optional<VgemDevice> vgem;
  std::vector<VgemBuffer> buffers;
  UniqueFd epoll;
};

std::optional<BufferSet> make_buffer_set(benchmark::State& state, std::int64_t n, std::uint32_t events) {
  BufferSet set;
  set.vgem = open_vgem(state);
  if (!set.vgem) return std::nullopt;
  auto epoll = uapi::epoll_create();
  if (!epoll) {
    skip_broken(state, "epoll_create1", epoll.err());
    return std::nullopt;
  }
  set.epoll = std::move(*epoll);
  set.buffers.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    auto buffer = VgemBuffer::create(*set.vgem);
    if (!buffer) {
      skip_broken(state, "creating vgem buffer #" + std::to_string(i + 1), buffer.err());
      return std::nullopt;
    }
    set.buffers.push_back(std::move(*buffer));
    if (Status added = uapi::epoll_add(set.epoll.borrow(), set.buffers.back().dmabuf(), events); !added) {
      skip_broken(state, "EPOLL_CTL_ADD", added.err());
      return std::nullopt;
    }
  }
  if (Probe p = probe_export_sync_file(set.buffers.front().dmabuf()); !p.is_supported()) {
    skip_unsupported(state, p.reason());
    return std::nullopt;
  }
  return set;
}

// One epoll_wait(0) over N buffers whose writes have landed (a signalled
// write fence on each): all N are reported ready every call.
void epoll_per_ready_buffer(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  auto set = make_buffer_set(state, n, EPOLLIN);
  if (!set) return;
  for (const VgemBuffer& buffer : set->buffers) {
    auto fence = buffer.attach_fence(FenceUsage::Write);
    if (!fence) return skip_broken(state, "VGEM_FENCE_ATTACH", fence.err());
    if (Status signalled = fence->signal(); !signalled) return skip_broken(state, "VGEM_FENCE_SIGNAL", signalled.err());
  }
  std::vector<epoll_event> events(static_cast<std::size_t>(n));
  const int max_events = static_cast<int>(n);
  if (int ready = ::epoll_wait(set->epoll.get(), events.data(), max_events, 0); ready != max_events) {
    return skip_broken(state, "epoll_wait found " + std::to_string(ready) + " of " + std::to_string(n) + " ready",
                       ready < 0 ? last_errno() : Errno{EPROTO});
  }
  const double ns = timed_ns_per_op(
      state, [&] { benchmark::DoNotOptimize(::epoll_wait(set->epoll.get(), events.data(), max_events, 0)); });
  set_counter(state, schema::kNsPerOp, ns);
  set_counter(state, schema::kNsPerBuffer, ns / static_cast<double>(n));
}

// N buffers with a pending write fence each, in one epoll set (one-shot, re-armed
// each sample); another thread signals them in turn; the consumer collects
// them. Sampled: the time from the last fence's signal to the consumer having
// all N.
void epoll_wake_last(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  auto set = make_buffer_set(state, n, EPOLLIN | EPOLLONESHOT);
  if (!set) return;
  Wakes last;
  for (auto _ : state) {
    std::vector<VgemFence> fences;
    for (const VgemBuffer& buffer : set->buffers) {
      auto fence = buffer.attach_fence(FenceUsage::Write);
      if (!fence) return skip_broken(state, "VGEM_FENCE_ATTACH", fence.err());
      fences.push_back(std::move(*fence));
      epoll_event rearm{EPOLLIN | EPOLLONESHOT, {}};
      rearm.data.fd = buffer.dmabuf().get();
      if (::epoll_ctl(set->epoll.get(), EPOLL_CTL_MOD, buffer.dmabuf().get(), &rearm) != 0) {
        return skip_broken(state, "EPOLL_CTL_MOD", last_errno());
      }
    }
    auto witness = uapi::export_sync_file(set->buffers.back().dmabuf(), Access::Read);
    if (!witness) return skip_broken(state, "EXPORT_SYNC_FILE", witness.err());
    Status signalled;
    std::thread signaller([&] {
      std::this_thread::sleep_for(kSignalDelay);
      for (VgemFence& fence : fences) {
        if (Status s = fence.signal(); !s && signalled) signalled = s;
      }
    });
    const Deadline deadline = Deadline::after(timeouts::kFenceSignal);
    std::int64_t seen = 0;
    Errno failed{0};
    while (seen < n && failed.value == 0) {
      auto ready = uapi::epoll_wait(set->epoll.borrow(), static_cast<int>(n), deadline);
      if (!ready)
        failed = ready.err();
      else if (ready->empty())
        failed = Errno{ETIMEDOUT};
      else
        seen += static_cast<std::int64_t>(ready->size());
    }
    const auto woke_at = Clock::now();
    signaller.join();
    if (!signalled) return skip_broken(state, "VGEM_FENCE_SIGNAL", signalled.err());
    if (failed.value != 0) return skip_broken(state, "epoll_wait for all " + std::to_string(n) + " buffers", failed);
    auto signalled_ns = signal_timestamp(witness->borrow());
    if (!signalled_ns) return skip_broken(state, "SYNC_IOC_FILE_INFO", signalled_ns.err());
    const double seconds = seconds_since(*signalled_ns, woke_at);
    state.SetIterationTime(std::max(seconds, 0.0));
    last.add(seconds);
  }
  report_wakes(state, last);
}

// ---- many waiters on one fence ----

// Where N waiters meet the benchmark, in shared memory: the same for threads
// and for processes. Each round the waiters enter poll(POLLIN) on the buffer
// and write down when they woke.
struct WaitBoard {
  std::atomic<std::uint32_t> round{0};  // a futex word: the waiters sleep on it between rounds
  std::atomic<std::uint32_t> entered{0};
  std::atomic<std::uint32_t> done{0};
  std::atomic<std::uint32_t> quit{0};
  Clock::time_point woke_at[kMaxWaiters];
  std::int32_t err[kMaxWaiters];
};
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t seen) {
  timespec bound{0, 100'000'000};  // looks at quit and its own deadline at least this often
  (void)::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT, seen, &bound, nullptr, 0);
}
void futex_wake_all(std::atomic<std::uint32_t>& word) {
  (void)::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

// A waiter's life: each round, one bounded poll() on the buffer. Gives up when
// no round comes for kChildProcess (the benchmark died).
int waiter(WaitBoard& board, int index, BorrowedFd dmabuf) {
  std::uint32_t seen = 0;
  Deadline idle = Deadline::after(timeouts::kChildProcess);
  while (board.quit.load() == 0) {
    const std::uint32_t round = board.round.load();
    if (round == seen) {
      if (idle.expired()) return 1;
      futex_wait(board.round, round);
      continue;
    }
    seen = round;
    board.entered.fetch_add(1);
    auto woke = uapi::poll_fd(dmabuf, POLLIN, Deadline::after(timeouts::kFenceSignal));
    board.woke_at[index] = Clock::now();
    board.err[index] = !woke ? woke.err().value : *woke == WaitResult::Ready ? 0 : ETIMEDOUT;
    board.done.fetch_add(1);
    idle = Deadline::after(timeouts::kChildProcess);
  }
  return 0;
}

// Waits, bounded, until counter reaches n.
bool wait_count(const std::atomic<std::uint32_t>& counter, std::uint32_t n, Deadline deadline) {
  while (counter.load() < n) {
    if (deadline.expired()) return false;
    std::this_thread::sleep_for(50us);
  }
  return true;
}

enum class Waiters { Threads, Processes };

void waiters_wake(benchmark::State& state, Waiters kind) {
  const auto n = static_cast<int>(state.range(0));
  if (n > kMaxWaiters) return skip_broken(state, "more waiters than the board has room for", Errno{EINVAL});
  std::optional<VgemDevice> vgem;
  std::optional<VgemBuffer> buffer = open_vgem_buffer(state, vgem);
  if (!buffer) return;

  void* memory = ::mmap(nullptr, sizeof(WaitBoard), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return skip_broken(state, "mmap(MAP_SHARED) for the waiters' board", last_errno());
  auto* board = new (memory) WaitBoard;
  std::vector<std::thread> threads;
  std::vector<ChildProcess> children;
  // Ends the waiters however the benchmark leaves: they look at quit at least every 100 ms.
  auto stop = [&] {
    board->quit = 1;
    futex_wake_all(board->round);
    for (std::thread& thread : threads) thread.join();
    for (ChildProcess& child : children) (void)child.wait(Deadline::after(timeouts::kChildProcess));
    children.clear();  // one still running is killed
    board->~WaitBoard();
    ::munmap(memory, sizeof(WaitBoard));
  };
  const BorrowedFd dmabuf = buffer->dmabuf();
  for (int i = 0; i < n; ++i) {
    if (kind == Waiters::Threads) {
      threads.emplace_back([board, i, dmabuf] { (void)waiter(*board, i, dmabuf); });
    } else {
      auto child = ChildProcess::fork([board, i, dmabuf] { return waiter(*board, i, dmabuf); });
      if (!child) {
        stop();
        return skip_broken(state, "fork", child.err());
      }
      children.push_back(std::move(*child));
    }
  }

  Wakes first, last;
  std::string failed;
  Errno failed_err{0};
  for (auto _ : state) {
    auto fence = buffer->attach_fence(FenceUsage::Write);
    if (!fence) {
      failed = "VGEM_FENCE_ATTACH", failed_err = fence.err();
      break;
    }
    auto witness = uapi::export_sync_file(dmabuf, Access::Read);
    if (!witness) {
      failed = "EXPORT_SYNC_FILE", failed_err = witness.err();
      break;
    }
    board->entered = 0;
    board->done = 0;
    board->round.fetch_add(1);
    futex_wake_all(board->round);
    if (!wait_count(board->entered, n, Deadline::after(timeouts::kEnterWait))) {
      failed = "the waiters entering their poll()", failed_err = Errno{ETIMEDOUT};
      break;
    }
    std::this_thread::sleep_for(kSignalDelay);
    if (Status signalled = fence->signal(); !signalled) {
      failed = "VGEM_FENCE_SIGNAL", failed_err = signalled.err();
      break;
    }
    if (!wait_count(board->done, n, Deadline::after(timeouts::kFenceSignal))) {
      failed = "the waiters' wake-ups", failed_err = Errno{ETIMEDOUT};
      break;
    }
    if (auto error = std::find_if(board->err, board->err + n, [](std::int32_t e) { return e != 0; });
        error != board->err + n) {
      failed = "a waiter's poll()", failed_err = Errno{*error};
      break;
    }
    auto signalled_ns = signal_timestamp(witness->borrow());
    if (!signalled_ns) {
      failed = "SYNC_IOC_FILE_INFO", failed_err = signalled_ns.err();
      break;
    }
    auto [earliest, latest] = std::minmax_element(board->woke_at, board->woke_at + n);
    state.SetIterationTime(std::max(seconds_since(*signalled_ns, *latest), 0.0));
    first.add(seconds_since(*signalled_ns, *earliest));
    last.add(seconds_since(*signalled_ns, *latest));
  }
  stop();
  if (!failed.empty()) return skip_broken(state, failed, failed_err);
  report_wakes(state, last);
  set_counter(state, schema::kFirstP50Us, percentile(first.samples_us, 50));
  set_counter(state, schema::kEarlyWakes, first.early + last.early);
}

}  // namespace

void register_curve_benchmarks() {
  const std::string curve(schema::kBenchCurve);
  const auto wake_samples = static_cast<benchmark::IterationCount>(options().wake_samples);
  auto each = [](benchmark::internal::Benchmark* benchmark, const std::vector<std::int64_t>& ns) {
    for (std::int64_t n : ns) benchmark->Arg(n);
    return benchmark;
  };
  const auto fence_points = points({1, 2, 4, 8, 16, 32, 64}, {1, 8, 64});
  each(benchmark::RegisterBenchmark((curve + "fences/idle_check_write").c_str(), fences_idle_check, FenceUsage::Write),
       fence_points);
  each(benchmark::RegisterBenchmark((curve + "fences/idle_check_read").c_str(), fences_idle_check, FenceUsage::Read),
       fence_points);
  each(benchmark::RegisterBenchmark((curve + "fences/export_write").c_str(), fences_export, FenceUsage::Write),
       fence_points);
  each(benchmark::RegisterBenchmark((curve + "fences/export_read").c_str(), fences_export, FenceUsage::Read),
       fence_points);
  const auto buffer_points = points({1, 4, 16, 64, 256}, {1, 16, 256});
  each(benchmark::RegisterBenchmark((curve + "epoll/per_ready_buffer").c_str(), epoll_per_ready_buffer), buffer_points);
  each(benchmark::RegisterBenchmark((curve + "epoll/wake_last").c_str(), epoll_wake_last), buffer_points)
      ->UseManualTime()
      ->Iterations(wake_samples);
  const auto waiter_points = points({1, 2, 4, 8, 16, 32}, {1, 4, 16});
  each(benchmark::RegisterBenchmark((curve + "waiters/threads").c_str(), waiters_wake, Waiters::Threads), waiter_points)
      ->UseManualTime()
      ->Iterations(wake_samples);
  each(benchmark::RegisterBenchmark((curve + "waiters/processes").c_str(), waiters_wake, Waiters::Processes),
       waiter_points)
      ->UseManualTime()
      ->Iterations(wake_samples);
}

}  // namespace fc::bench
