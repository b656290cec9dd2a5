// Remembered tool versions: answered from the cache while the binary is the
// same file, asked again when it changes, never cached for scripts.
#include <gtest/gtest.h>

#include <fstream>

#include "probe_cache.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using spackext::config::ProbeCache;
namespace fs = std::filesystem;
namespace t = spackext::testing;

// Rewrites every remembered answer, to tell a cached answer from a fresh one.
void tamper(const fs::path& cache_file) {
  auto j = nlohmann::json::parse(t::read_file(cache_file));
  for (auto& [key, entry] : j.items()) entry["text"] = "remembered\n";
  t::write_file(cache_file, j.dump());
}

TEST(ProbeCache, AnswersFromTheCacheUntilTheBinaryChanges) {
  t::TempDir dir;
  const fs::path tool = dir / "echo";
  fs::copy_file("/bin/echo", tool);
  const fs::path file = dir / "cache" / "tool-versions.json";
  {
    ProbeCache cache(file);
    ASSERT_EQ(cache.capture(tool, {"v1"})->text, "v1\n");
    cache.save();
  }
  tamper(file);
  {
    ProbeCache cache(file);
    EXPECT_EQ(cache.capture(tool, {"v1"})->text, "remembered\n");
    EXPECT_EQ(cache.capture(tool, {"v2"})->text, "v2\n");  // other arguments: another entry
    ProbeCache refreshed(file, /*refresh=*/true);
    EXPECT_EQ(refreshed.capture(tool, {"v1"})->text, "v1\n");
  }
  // A new build of the tool: a different modification time.
  fs::last_write_time(tool, fs::last_write_time(tool) + std::chrono::seconds(5));
  ProbeCache cache(file);
  EXPECT_EQ(cache.capture(tool, {"v1"})->text, "v1\n");
}

TEST(ProbeCache, ScriptsAreAlwaysRun) {
  t::TempDir dir;
  const fs::path tool = dir / "shim";
  t::write_file(tool, "#!/bin/sh\necho \"$@\"\n");
  fs::permissions(tool, fs::perms::owner_all);
  const fs::path file = dir / "tool-versions.json";
  ProbeCache cache(file);
  EXPECT_EQ(cache.capture(tool, {"x"})->text, "x\n");
  cache.save();
  EXPECT_FALSE(fs::exists(file));  // nothing worth remembering
}

}  // namespace
