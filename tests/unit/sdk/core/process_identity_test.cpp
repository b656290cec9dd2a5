#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spackext/process_identity.hpp"

using spackext::ProcessIdentity;

TEST(ProcessIdentity, ThisProcessIsRunningAndRoundTrips) {
  auto me = spackext::current_process();
  EXPECT_EQ(me.pid, static_cast<long>(::getpid()));
  EXPECT_FALSE(me.start.empty());
  EXPECT_TRUE(spackext::is_running(me));
  auto back = ProcessIdentity::parse(me.str());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, me);
}

TEST(ProcessIdentity, SamePidWithAnotherStartOrHostIsNotRunning) {
  auto me = spackext::current_process();
  auto recycled = me;
  recycled.start += "7";
  EXPECT_FALSE(spackext::is_running(recycled));
  auto elsewhere = me;
  elsewhere.host = "not-" + me.host;
  EXPECT_FALSE(spackext::on_this_host(elsewhere));
  EXPECT_FALSE(spackext::is_running(elsewhere));
}

TEST(ProcessIdentity, AnExitedProcessIsNotRunning) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  auto start = spackext::process_start(child);
  ASSERT_TRUE(start);
  ProcessIdentity p{spackext::host_name(), static_cast<long>(child), *start};
  EXPECT_TRUE(spackext::is_running(p));
  ::kill(child, SIGKILL);
  // A zombie has not been reaped yet but no longer runs.
  for (int i = 0; i < 200 && spackext::is_running(p); ++i) ::usleep(5000);
  EXPECT_FALSE(spackext::is_running(p));
  ::waitpid(child, nullptr, 0);
  EXPECT_FALSE(spackext::is_running(p));
}

TEST(ProcessIdentity, MalformedTextIsRejected) {
  EXPECT_FALSE(ProcessIdentity::parse(""));
  EXPECT_FALSE(ProcessIdentity::parse("12345"));
  EXPECT_FALSE(ProcessIdentity::parse("host:notapid:x"));
  EXPECT_FALSE(ProcessIdentity::parse(":12:x"));
  EXPECT_FALSE(ProcessIdentity::parse("host:0:x"));
}
