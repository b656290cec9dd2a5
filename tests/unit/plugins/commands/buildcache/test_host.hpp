// A minimal HostContext for driving the buildcache command in-process: a
// registry holding the file:// mirror backend, a bus, and paths in a temp dir.
#pragma once

#include <chrono>
#include <filesystem>
#include <sstream>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <spackext/host_context.hpp>
#include <spackext_testing/forwarding_store.hpp>
#include <spackext_testing/testing.hpp>

#include "buildcache/command.hpp"
#include "file_store.hpp"

namespace spackext::buildcache::test {

class TestHost final : public HostContext {
 public:
  explicit TestHost(const std::filesystem::path& home) {
    paths_.config_dir = home / "config";
    paths_.state_dir = home / "state";
    paths_.cache_dir = home / "cache";
    registry_.add<MirrorBackend>("file", std::make_shared<mirrors::FileMirrorBackend>());
    logger_ = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  }
  Registry& registry() override { return registry_; }
  Bus& bus() override { return bus_; }
  std::shared_ptr<spdlog::logger> logger() override { return logger_; }
  const Config& config() const override { return config_; }
  const Paths& paths() const override { return paths_; }
  const OutputOptions& output() const override { return output_; }
  const std::string& plugin_name() const override { return name_; }

 private:
  Registry registry_;
  Bus bus_;
  Config config_;
  Paths paths_;
  OutputOptions output_;
  std::string name_ = "buildcache";
  std::shared_ptr<spdlog::logger> logger_;
};

struct CommandResult {
  int code = -1;
  std::string out, err;
};

// Runs `buildcache <args...>`; Error exceptions become their exit code, as the host does.
inline CommandResult run_buildcache(TestHost& host, std::vector<std::string> args, bool json = false) {
  OutputOptions output;
  output.json = json;
  std::ostringstream out, err;
  BuildcacheCommand cmd(host);
  CommandResult r;
  try {
    // The words are parsed against plugin.json as the host parses them.
    const auto parsed = spackext::testing::parse_command_words(
        spackext::testing::source_dir() / "plugins/commands/buildcache/plugin.json", "buildcache", args);
    CommandInvocation inv{"buildcache", std::move(args), output, out, err, parsed};
    r.code = cmd.run(inv);
  } catch (const Error& e) {
    r.code = e.exit_code();
    err << e.what();
  }
  r.out = out.str();
  r.err = err.str();
  return r;
}

// A copy of a (read-only) fixture folder that tests may modify.
inline std::filesystem::path writable_copy(const std::filesystem::path& from, const std::filesystem::path& to) {
  namespace fs = std::filesystem;
  fs::copy(from, to, fs::copy_options::recursive);
  for (auto& e : fs::recursive_directory_iterator(to))
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  fs::permissions(to, fs::perms::owner_write, fs::perm_options::add);
  return to;
}

// Sets a file's modification time `by` into the past.
inline void age(const std::filesystem::path& file, std::chrono::seconds by) {
  std::filesystem::last_write_time(file, std::filesystem::file_time_type::clock::now() - by);
}

// A mirror pushed `by` ago: every object that old (prune never deletes, and
// an incremental index update never rereads, what changed within its
// clock-skew margin).
inline void age_all(const std::filesystem::path& dir, std::chrono::seconds by) {
  for (auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) age(e.path(), by);
}

using spackext::testing::ForwardingStore;

inline nlohmann::json load_json(const std::filesystem::path& p) {
  return nlohmann::json::parse(::spackext::testing::read_file(p));
}

}  // namespace spackext::buildcache::test
