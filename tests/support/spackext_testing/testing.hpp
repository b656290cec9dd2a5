// Helpers shared by spack-ext's tests: fixtures from ../shared (skipping with a
// clear message when absent), private temp folders, running the built host,
// and free loopback ports for test servers.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "spackext/command_model.hpp"

namespace spackext::testing {

namespace fs = std::filesystem;

// The shared/ folder beside the checkout, or nullopt.
std::optional<fs::path> shared_dir();
// shared/<relative> if it exists, else nullopt.
std::optional<fs::path> shared_fixture(const std::string& relative);
// The source checkout, the build tree, the host binary, the in-tree plugin dir.
fs::path source_dir();
fs::path build_dir();
fs::path host_binary();
fs::path plugin_dir();
// The LD_PRELOAD library that SIGKILLs a process right before its Nth
// rename/unlink (tests/faults/kill_hook/kill_hook.c documents the variables).
fs::path kill_hook_library();

// Skips the current test, naming what is missing, if the fixture is absent.
#define SPACKEXT_REQUIRE_FIXTURE(var, relative)                                        \
  auto var##_opt = ::spackext::testing::shared_fixture(relative);                      \
  if (!var##_opt) GTEST_SKIP() << "shared fixture '" << (relative)                     \
                               << "' not found (expected ../shared beside the checkout)"; \
  const ::std::filesystem::path var = *var##_opt

// A private (0700) temporary folder, removed with everything in it.
class TempDir {
 public:
  explicit TempDir(const std::string& tag = "spackext-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  fs::path path_;
};

struct RunResult {
  int exit_code = -1;   // -1 if killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

struct RunOptions {
  std::map<std::string, std::string> env;        // added to / overriding the environment
  std::vector<std::string> unset_env;            // removed from the environment
  std::optional<fs::path> cwd;
  std::string input;                             // written to stdin
  int timeout_seconds = 120;                     // killed after this
};

// Runs argv[0] (a path) with the arguments; captures stdout and stderr.
RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});
// Runs the built spack-ext host with an isolated HOME/XDG dirs under `home`.
RunResult run_host(const std::vector<std::string>& args, const fs::path& home,
                   RunOptions options = {});

// Parses a command's words against the model in a plugin.json exactly as the
// host does (UsageError on bad words), for tests that run a command object
// without the host.
ParsedArgs parse_command_words(const fs::path& plugin_json, const std::string& command,
                               const std::vector<std::string>& words);

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

std::string read_file(const fs::path& p);
void write_file(const fs::path& p, const std::string& content);

}  // namespace spackext::testing
