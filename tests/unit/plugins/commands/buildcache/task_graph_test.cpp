// TaskGraph: prerequisites finish before their dependents start, released
// tasks go first, and a failure stops new starts and is rethrown.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <stdexcept>

#include "buildcache/task_graph.hpp"

namespace spackext::buildcache {
namespace {

TEST(TaskGraph, DependentsStartOnlyAfterTheirPrerequisites) {
  // 0..19 are "blobs", 20..29 "manifests" each needing blobs 2k and 2k+1,
  // and 30 needs everything (a barrier).
  TaskGraph g(31);
  for (std::size_t m = 20; m < 30; ++m) {
    g.depend(m, 2 * (m - 20));
    g.depend(m, 2 * (m - 20) + 1);
  }
  for (std::size_t b = 0; b < 30; ++b) g.depend(30, b);
  std::mutex mutex;
  std::vector<bool> done(31, false);
  std::vector<std::size_t> order;
  g.run(4, [&](std::size_t i) {
    {
      std::lock_guard lock(mutex);
      if (i >= 20 && i < 30) {
        EXPECT_TRUE(done[2 * (i - 20)] && done[2 * (i - 20) + 1]) << "manifest " << i << " started early";
      }
      if (i == 30)
        for (std::size_t b = 0; b < 30; ++b) EXPECT_TRUE(done[b]) << b;
    }
    std::lock_guard lock(mutex);
    done[i] = true;
    order.push_back(i);
  });
  EXPECT_EQ(order.size(), 31u);
  EXPECT_EQ(order.back(), 30u);
}

TEST(TaskGraph, ReleasedTasksRunBeforeOtherReadyOnes) {
  // One worker: after task 0 finishes, its dependent 3 runs before 1 and 2.
  TaskGraph g(4);
  g.depend(3, 0);
  std::vector<std::size_t> order;
  g.run(1, [&](std::size_t i) { order.push_back(i); });
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 3, 1, 2}));
}

TEST(TaskGraph, AFailureStopsNewStartsAndIsRethrown) {
  TaskGraph g(50);
  for (std::size_t i = 1; i < 50; ++i) g.depend(i, i - 1);  // a chain
  std::atomic<int> ran{0};
  EXPECT_THROW(g.run(4,
                     [&](std::size_t i) {
                       ++ran;
                       if (i == 10) throw std::runtime_error("boom");
                     }),
               std::runtime_error);
  EXPECT_EQ(ran.load(), 11);  // nothing after the failed link
}

}  // namespace
}  // namespace spackext::buildcache
