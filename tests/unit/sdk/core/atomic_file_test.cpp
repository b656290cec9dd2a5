// The SDK's atomic file writing: what a reader sees, and the clean-up of the
// temporary files a killed writer leaves beside its target.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>

#include "spackext/atomic_file.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
using spackext::testing::read_file;
using spackext::testing::TempDir;
using spackext::testing::write_file;

// A pid that was a process of ours and no longer runs.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

TEST(AtomicFile, WritesTheWholeContentAndLeavesNoTemporary) {
  TempDir tmp;
  spackext::write_file_atomically(tmp / "sub" / "report.xml", "<a/>\n");
  EXPECT_EQ(read_file(tmp / "sub" / "report.xml"), "<a/>\n");
  EXPECT_EQ(names_in(tmp / "sub"), std::set<std::string>{"report.xml"});
}

TEST(AtomicFile, RemovesOnlyTheTemporariesOfWritersThatNoLongerRun) {
  TempDir tmp;
  const std::string dead = std::to_string(dead_pid());
  const std::string mine = std::to_string(::getpid());
  write_file(tmp / "report.xml", "old");
  write_file(tmp / (".report.xml.tmp-" + dead + "-12345"), "half");  // a killed writer's
  write_file(tmp / (".report.xml.tmp-" + mine + "-1"), "mine");      // this process's own
  write_file(tmp / ".report.xml.tmp-1-2", "init's");                  // a live process's
  write_file(tmp / (".other.xml.tmp-" + dead + "-3"), "other");       // another file's
  write_file(tmp / ".report.xml.tmp-notapid", "foreign");            // not a name we make
  EXPECT_EQ(spackext::remove_abandoned_temporaries(tmp / "report.xml"), 1);
  EXPECT_EQ(names_in(tmp.path()),
            (std::set<std::string>{"report.xml", ".report.xml.tmp-" + mine + "-1", ".report.xml.tmp-1-2",
                                   ".other.xml.tmp-" + dead + "-3", ".report.xml.tmp-notapid"}));
  EXPECT_EQ(spackext::remove_abandoned_temporaries(tmp / "missing-folder" / "x"), 0);
}

}  // namespace
