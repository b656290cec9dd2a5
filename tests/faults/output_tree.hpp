// What the crash and concurrency tests of commands that write a tree of
// files (modules refresh, container build-defs, ci generate) compare: a
// folder's content, and what a run may have left beside it.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>

#include <spackext_testing/testing.hpp>

#include "buildcache/campaign.hpp"

namespace spackext::faults {

namespace fs = std::filesystem;

// Relative path -> content of every file below `dir` (a symlink as
// "-> target"); `keep` filters relative paths.
using Tree = std::map<std::string, std::string>;
inline Tree tree_of(const fs::path& dir, const std::function<bool(const std::string&)>& keep = {}) {
  Tree out;
  if (!fs::exists(dir)) return out;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    const auto rel = e.path().lexically_relative(dir).generic_string();
    if (keep && !keep(rel)) continue;
    if (e.is_symlink()) out[rel] = "-> " + fs::read_symlink(e.path()).string();
    else if (e.is_regular_file()) out[rel] = spackext::testing::read_file(e.path());
  }
  return out;
}

// Names in `dir` starting with `prefix` (temp files, staging folders).
inline std::vector<std::string> entries_starting(const fs::path& dir, const std::string& prefix) {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path().filename().string());
  return out;
}

// Replaces `live` with a copy of `pristine`.
inline void reset_to(const fs::path& pristine, const fs::path& live) {
  fs::remove_all(live);
  fs::copy(pristine, live, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

// Runs the host once per argument list, all at the same time.
inline std::vector<spackext::testing::RunResult> run_concurrently(const std::vector<std::vector<std::string>>& runs,
                                                                  const fs::path& home,
                                                                  const spackext::testing::RunOptions& options = {}) {
  std::vector<spackext::testing::RunResult> results(runs.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < runs.size(); ++i)
    threads.emplace_back([&, i] { results[i] = spackext::testing::run_host(runs[i], home, options); });
  for (auto& t : threads) t.join();
  return results;
}

// The kill campaign of one writing command: counts its renames and unlinks
// on paths containing `match`, then for (a spread of) each moment k resets
// the state, runs `command` killed right before moment k, calls
// `after_kill(trial)`, reruns it unkilled and calls `after_rerun(trial)`.
inline void kill_before_each_moment(const std::vector<std::string>& command, const fs::path& home,
                                    const fs::path& match, const std::function<void()>& reset,
                                    const std::function<void(const std::string&)>& after_kill,
                                    const std::function<void(const std::string&)>& after_rerun, int ci_trials = 8) {
  reset();
  const auto count = home / "kill-moments";
  fs::remove(count);
  ASSERT_EQ(run(command, home, {}, match.string(), count).exit_code, 0);
  const long total = moments(count);
  ASSERT_GT(total, 0);
  for (long k : spread(total, trials(ci_trials))) {
    const auto trial = "kill before moment " + std::to_string(k) + "/" + std::to_string(total);
    reset();
    auto killed = run(command, home, "any:" + std::to_string(k), match.string());
    EXPECT_EQ(killed.signal, SIGKILL) << trial << ": " << killed.err;
    after_kill(trial);
    auto again = run(command, home);
    ASSERT_EQ(again.exit_code, 0) << trial << ": " << again.err;
    after_rerun(trial);
  }
}

}  // namespace spackext::faults
