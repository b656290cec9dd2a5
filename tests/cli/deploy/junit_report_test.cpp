// The JUnit report `deploy run` writes for a deployment's test jobs, through
// the real host on the local executor: its default place and --junit, one
// test case per expanded job with its time, failures with the exit code and
// the tail of the log, skipped jobs whose dependency failed, and the report
// rewritten when a resume runs what was left.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "spackext_testing/junit_check.hpp"
#include "spackext_testing/testing.hpp"

namespace fs = std::filesystem;
namespace t = spackext::testing;

namespace {

class JunitReport : public ::testing::Test {
 protected:
  t::RunResult host(std::vector<std::string> args) {
    args.push_back("--state-db");
    args.push_back((tmp / "state.db").string());
    t::RunOptions o;
    o.cwd = tmp.path();
    return t::run_host(args, tmp.path(), o);
  }
  t::TempDir tmp{"spackext-deploy-junit"};
};

// Build `lib` fails for mpich until `fixed` exists; tests of each MPI run
// after it; `smoke` fails for python@3.12 with output of its own.
std::string deployment(const fs::path& fixed) {
  return R"(deployment: {name: junit-demo}
matrix:
  mpis: [openmpi, mpich]
stages:
  - name: lib
    matrix: [mpis]
    run: ["test {mpi} != mpich || test -f )" + fixed.string() + R"("]
tests:
  - name: mpi-tests
    depends: [lib]
    matrix: [mpis]
    run: ["echo testing {mpi}; sleep 0.2"]
  - name: smoke
    matrix: {runtimes: [python@3.11, python@3.12]}
    run: ["printf 'line %s\n' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45", "test {runtime} != python@3.12 || { echo 'assertion <failed> & stopped' >&2; exit 4; }"]
)";
}

}  // namespace

TEST_F(JunitReport, OneCasePerTestJobWithFailuresAndSkipsThenAResumeRewritesIt) {
  t::write_file(tmp / "deploy.yaml", deployment(tmp / "fixed"));
  auto r = host({"deploy", "--config", "deploy.yaml", "--keep-going"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const auto report = tmp / "artifacts" / "deployments" / "1" / "junit.xml";
  ASSERT_TRUE(fs::exists(report)) << r.err;
  auto seen = t::read_junit(report);
  EXPECT_EQ(seen.tests, 4);  // mpi-tests x 2, smoke x 2; build stages are not test cases
  EXPECT_EQ(seen.failures, 1);
  EXPECT_EQ(seen.skipped, 1);
  EXPECT_EQ(seen.errors, 0);
  auto& passed = seen.cases["mpi-tests/openmpi"];
  EXPECT_EQ(passed.outcome, "passed");
  EXPECT_EQ(passed.suite, "mpi-tests");
  EXPECT_GE(passed.time, 0.2);
  auto& skipped = seen.cases["mpi-tests/mpich"];
  EXPECT_EQ(skipped.outcome, "skipped");
  EXPECT_EQ(skipped.message, "dependency lib/mpich failed");
  auto& failed = seen.cases["smoke/python@3.12"];
  EXPECT_EQ(failed.outcome, "failure");
  EXPECT_NE(failed.message.find("code 4"), std::string::npos) << failed.message;
  // The tail of the log: the last lines, markup characters intact.
  EXPECT_NE(failed.text.find("assertion <failed> & stopped"), std::string::npos) << failed.text;
  EXPECT_NE(failed.text.find("line 45"), std::string::npos);
  EXPECT_EQ(failed.text.find("line 5\n"), std::string::npos) << "more than the tail: " << failed.text;
  EXPECT_EQ(seen.cases["smoke/python@3.11"].outcome, "passed");

  // The failed build is fixed; the resume runs what was left and rewrites the report.
  t::write_file(tmp / "fixed", "");
  r = host({"deploy", "resume", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // smoke/python@3.12 still fails
  seen = t::read_junit(report);
  EXPECT_EQ(seen.cases["mpi-tests/mpich"].outcome, "passed");
  EXPECT_EQ(seen.skipped, 0);
  EXPECT_EQ(seen.failures, 1);
}

TEST_F(JunitReport, ATestWhoseBuildFailedIsSkippedAndJunitChoosesThePlace) {
  t::write_file(tmp / "deploy.yaml", R"(deployment: {name: fail-fast}
stages:
  - {name: build, run: ["exit 2"]}
tests:
  - {name: t1, run: ["true"], depends: [build]}
)");
  auto r = host({"deploy", "--config", "deploy.yaml", "--junit", "reports/junit.xml"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto seen = t::read_junit(tmp / "reports" / "junit.xml");
  EXPECT_EQ(seen.tests, 1);
  EXPECT_EQ(seen.skipped, 1);
  EXPECT_FALSE(fs::exists(tmp / "artifacts" / "deployments" / "1" / "junit.xml"));
  // No test stages: no report.
  t::write_file(tmp / "plain.yaml", "deployment: {name: plain}\nstages:\n  - {name: a, run: [true]}\n");
  r = host({"deploy", "--config", "plain.yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(tmp / "artifacts" / "deployments" / "2" / "junit.xml"));
}
