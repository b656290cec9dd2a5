// Running checks: order kept, the worst result decides, a throwing or silent
// check fails instead of taking the command down, --offline skips network
// checks, and the exit code follows --strict.
#include <gtest/gtest.h>

#include <stdexcept>

#include "check_runner.hpp"

namespace {

using spackext::HealthCheck;
using spackext::HealthRequest;
using spackext::HealthResult;
using spackext::HealthStatus;
using spackext::health::NamedCheck;
using spackext::health::run_checks;

class Fixed final : public HealthCheck {
 public:
  Fixed(std::vector<HealthResult> results, bool network = false) : results_(std::move(results)), network_(network) {}
  std::string title() const override { return "fixed"; }
  bool needs_network() const override { return network_; }
  std::vector<HealthResult> run(const HealthRequest&) override {
    ++runs;
    return results_;
  }
  int runs = 0;

 private:
  std::vector<HealthResult> results_;
  bool network_;
};

class Throwing final : public HealthCheck {
 public:
  std::string title() const override { return "throws"; }
  std::vector<HealthResult> run(const HealthRequest&) override { throw std::runtime_error("disk on fire"); }
};

HealthResult result(HealthStatus s, std::string item = "x") { return {std::move(item), s, "seen", "do", {}}; }

TEST(CheckRunner, WorstResultIsTheCheckStatusAndOrderIsKept) {
  std::vector<NamedCheck> checks = {
      {"b", "p", std::make_shared<Fixed>(std::vector{result(HealthStatus::ok), result(HealthStatus::warn)})},
      {"a", "p", std::make_shared<Fixed>(std::vector{result(HealthStatus::ok)})}};
  auto s = run_checks(checks, {});
  ASSERT_EQ(s.checks.size(), 2u);
  EXPECT_EQ(s.checks[0].name, "b");
  EXPECT_EQ(s.checks[0].status, HealthStatus::warn);
  EXPECT_EQ(s.checks[1].status, HealthStatus::ok);
  EXPECT_EQ(s.worst(), HealthStatus::warn);
  EXPECT_EQ(s.exit_code(false), 0);
  EXPECT_EQ(s.exit_code(true), 1);
  EXPECT_EQ(s.count(HealthStatus::ok), 2u);
}

TEST(CheckRunner, SkippedItemsDoNotHideWhatWasChecked) {
  std::vector<NamedCheck> checks = {
      {"a", "p", std::make_shared<Fixed>(std::vector{result(HealthStatus::ok), result(HealthStatus::skipped)})},
      {"b", "p", std::make_shared<Fixed>(std::vector{result(HealthStatus::skipped)})}};
  auto s = run_checks(checks, {});
  EXPECT_EQ(s.checks[0].status, HealthStatus::ok);
  EXPECT_EQ(s.checks[1].status, HealthStatus::skipped);
  EXPECT_EQ(s.worst(), HealthStatus::ok);
  EXPECT_EQ(s.exit_code(true), 0);
}

TEST(CheckRunner, AFailureExitsOneEvenWithoutStrict) {
  std::vector<NamedCheck> checks = {{"a", "p", std::make_shared<Fixed>(std::vector{result(HealthStatus::fail)})}};
  EXPECT_EQ(run_checks(checks, {}).exit_code(false), 1);
}

TEST(CheckRunner, AThrowingOrEmptyCheckIsReportedAsFailed) {
  std::vector<NamedCheck> checks = {{"t", "site", std::make_shared<Throwing>()},
                                    {"e", "site", std::make_shared<Fixed>(std::vector<HealthResult>{})}};
  auto s = run_checks(checks, {});
  ASSERT_EQ(s.checks[0].results.size(), 1u);
  EXPECT_EQ(s.checks[0].status, HealthStatus::fail);
  EXPECT_NE(s.checks[0].results[0].value.find("disk on fire"), std::string::npos);
  EXPECT_NE(s.checks[0].results[0].advice.find("site"), std::string::npos);
  EXPECT_EQ(s.checks[1].status, HealthStatus::fail);
}

TEST(CheckRunner, OfflineSkipsNetworkChecksWithoutRunningThem) {
  auto net = std::make_shared<Fixed>(std::vector{result(HealthStatus::fail)}, /*network=*/true);
  std::vector<NamedCheck> checks = {{"mirrors", "buildcache", net}};
  HealthRequest offline;
  offline.network = false;
  auto s = run_checks(checks, offline);
  EXPECT_EQ(net->runs, 0);
  EXPECT_EQ(s.checks[0].status, HealthStatus::skipped);
  EXPECT_EQ(s.exit_code(true), 0);
  auto online = run_checks(checks, {});
  EXPECT_EQ(net->runs, 1);
  EXPECT_EQ(online.checks[0].status, HealthStatus::fail);
}

}  // namespace
