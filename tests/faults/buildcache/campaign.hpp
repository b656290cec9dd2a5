// What the buildcache fault campaigns share: a mirror to work on (a writable
// copy of a Spack fixture), running the host (optionally under the kill
// hook), and the checks every trial ends with.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <spackext_testing/testing.hpp>

namespace spackext::faults {

namespace fs = std::filesystem;

inline constexpr const char* kTempPrefix = ".spackext-tmp-";

// How many trials a campaign runs: SPACKEXT_FAULT_TRIALS, or `ci` (the short
// form every ctest run gets).
inline int trials(int ci) {
  if (const char* v = std::getenv("SPACKEXT_FAULT_TRIALS")) return std::max(1, std::atoi(v));
  return ci;
}

// Up to `n` of the moments 1..total, spread evenly (all of them if n >= total).
inline std::vector<long> spread(long total, long n) {
  std::vector<long> out;
  if (total <= 0) return out;
  if (n >= total) {
    for (long k = 1; k <= total; ++k) out.push_back(k);
    return out;
  }
  for (long i = 0; i < n; ++i) out.push_back(1 + i * (total - 1) / std::max<long>(1, n - 1));
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

inline void writable_copy(const fs::path& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive);
  for (auto& e : fs::recursive_directory_iterator(to))
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  fs::permissions(to, fs::perms::owner_write, fs::perm_options::add);
}

// Published objects (relative paths), and the temp files left beside them.
inline std::set<std::string> published(const fs::path& dir) {
  std::set<std::string> out;
  if (!fs::exists(dir)) return out;
  for (auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename().string().rfind(kTempPrefix, 0) != 0)
      out.insert(e.path().lexically_relative(dir).generic_string());
  return out;
}
inline std::vector<std::string> temp_files(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename().string().rfind(kTempPrefix, 0) == 0)
      out.push_back(e.path().lexically_relative(dir).generic_string() + " (" + std::to_string(e.file_size()) + " B)");
  return out;
}

// Runs the host; with `kill_before` ("any:N") under the kill hook, counting
// only calls on paths containing `match`; with `count_file`, the hook writes
// how many renames/unlinks the run made.
inline spackext::testing::RunResult run(const std::vector<std::string>& args, const fs::path& home,
                                        const std::string& kill_before = {}, const std::string& match = {},
                                        const fs::path& count_file = {}) {
  spackext::testing::RunOptions o;
  if (!kill_before.empty() || !count_file.empty()) {
    o.env["LD_PRELOAD"] = spackext::testing::kill_hook_library().string();
    if (!kill_before.empty()) o.env["SPACKEXT_KILL_BEFORE"] = kill_before;
    if (!match.empty()) o.env["SPACKEXT_KILL_MATCH"] = match;
    if (!count_file.empty()) o.env["SPACKEXT_KILL_COUNT_FILE"] = count_file.string();
  }
  return spackext::testing::run_host(args, home, o);
}

// "renames=R unlinks=U" -> R + U (the moments the `any` kind counts).
inline long moments(const fs::path& count_file) {
  long r = 0, u = 0;
  std::sscanf(spackext::testing::read_file(count_file).c_str(), "renames=%ld unlinks=%ld", &r, &u);
  return r + u;
}

// Every trial ends here: `verify` clean (every blob present and hashing to
// its digest, every signature good, the index listing exactly the entries
// the mirror holds), and no temp file left after the rerun.
inline void expect_consistent(const fs::path& mirror, const fs::path& home, const std::string& trial) {
  auto v = run({"buildcache", "verify", "--no-signatures", mirror.string()}, home);
  EXPECT_EQ(v.exit_code, 0) << trial << ": " << v.out << v.err;
  EXPECT_EQ(temp_files(mirror), std::vector<std::string>{}) << trial;
}

}  // namespace spackext::faults
