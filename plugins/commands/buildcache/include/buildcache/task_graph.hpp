// Runs tasks on `jobs` threads, each once all of its prerequisites are done.
// sync uses it so a spec's metadata is published as soon as that spec's own
// blobs are in, while other blobs are still uploading, instead of waiting at
// a barrier for every blob of the mirror.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace spackext::buildcache {

class TaskGraph {
 public:
  explicit TaskGraph(std::size_t tasks) : nodes_(tasks) {}
  // `task` runs only after `prerequisite` finished.
  void depend(std::size_t task, std::size_t prerequisite) {
    nodes_[prerequisite].dependents.push_back(task);
    ++nodes_[task].waiting;
  }
  // Runs body(i) for every task; ready tasks start in index order, except
  // that tasks released by a finished one go first (they are what the
  // finished work was for). The first exception stops new starts and is
  // rethrown once running tasks have ended.
  template <class Body>
  void run(unsigned jobs, Body&& body) {
    std::deque<std::size_t> ready;
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i].waiting == 0) ready.push_back(i);
    std::size_t unfinished = nodes_.size();
    std::mutex m;
    std::condition_variable cv;
    std::exception_ptr error;
    auto worker = [&] {
      std::unique_lock lock(m);
      for (;;) {
        cv.wait(lock, [&] { return !ready.empty() || unfinished == 0 || error; });
        if (error || ready.empty()) return;  // failed, or everything done
        const auto i = ready.front();
        ready.pop_front();
        lock.unlock();
        std::exception_ptr failed;
        try {
          body(i);
        } catch (...) {
          failed = std::current_exception();
        }
        lock.lock();
        if (failed) {
          if (!error) error = failed;
        } else {
          --unfinished;
          for (auto d : nodes_[i].dependents)
            if (--nodes_[d].waiting == 0) ready.push_front(d);
        }
        cv.notify_all();
      }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < std::max(1u, jobs); ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
  }

 private:
  struct Node {
    std::vector<std::size_t> dependents;
    std::size_t waiting = 0;
  };
  std::vector<Node> nodes_;
};

}  // namespace spackext::buildcache
