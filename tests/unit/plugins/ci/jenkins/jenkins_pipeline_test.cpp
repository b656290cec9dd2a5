// The Jenkins backend: levels of parallel stages, stash/unstash along needs,
// retry, timeout, junit, docker agents carrying resources.
#include <regex>

#include <gtest/gtest.h>

#include "deploy_planner.hpp"
#include "sample_plan.hpp"
#include "jenkins_pipeline.hpp"
#include "spackext_testing/sample_deployment.hpp"

namespace {

using namespace spackext;
using spackext::testing::TempDir;

using ci_test::sample_plan;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(JenkinsPipeline, LevelsOfParallelStages) {
  auto out = ci::JenkinsPipeline().render(sample_plan(), {});
  ASSERT_EQ(out.files.size(), 1u);
  EXPECT_EQ(out.files[0].path, "Jenkinsfile");
  const auto& f = out.files[0].content;
  EXPECT_EQ(count(f, "parallel {"), 3u);
  EXPECT_EQ(count(f, "stage('level "), 3u);
  EXPECT_NE(f.find("stage('mpi/clang@18/mpich@4') {"), std::string::npos) << f;
  EXPECT_NE(f.find("unstash 'compilers-clang-18'"), std::string::npos);
  EXPECT_NE(f.find("stash name: 'mpi-clang-18-mpich-4', includes: 'artifacts/mpi/clang@18/mpich@4/**'"), std::string::npos);
  EXPECT_NE(f.find("options { retry(2); timeout(time: 60, unit: 'MINUTES') }"), std::string::npos);
  EXPECT_NE(f.find("post { always { junit allowEmptyResults: true, testResults: 'artifacts/mpi-tests/gcc@14.2/openmpi@5/junit.xml' } }"),
            std::string::npos);
  EXPECT_EQ(count(f, "{"), count(f, "}"));
  EXPECT_NE(f.find("agent any"), std::string::npos);
  EXPECT_FALSE(out.warnings.empty());  // resources without an image
}

TEST(JenkinsPipeline, DockerAgentsCarryResourcesAndQuotesAreEscaped) {
  CiOptions o;
  o.image = "spack/ubuntu-jammy";
  o.tags = {"linux", "big"};
  auto f = ci::JenkinsPipeline().render(sample_plan(), o).files[0].content;
  EXPECT_NE(f.find("agent none"), std::string::npos);
  EXPECT_NE(f.find("label 'linux && big'"), std::string::npos);
  EXPECT_NE(f.find("args '--cpus=16 --memory=49152m --shm-size=32768m'"), std::string::npos) << f;
  // run: lines with quotes survive inside the ''' string.
  EXPECT_NE(f.find("test \"$SPACKEXT_NODE\"") == std::string::npos ? f.find("grep -q") : 0, std::string::npos);
  auto plan = DeployPlan::from_json(nlohmann::json::parse(
      R"({"schema_version": 1, "deployment": "d", "stages": [{"name": "s"}],
          "jobs": [{"name": "it's", "stage": "s", "commands": ["echo 'a\\b'"], "env": {"K": "x'y"}}]})"));
  auto q = ci::JenkinsPipeline().render(plan, {}).files[0].content;
  EXPECT_NE(q.find("stage('it-s')"), std::string::npos) << q;
  EXPECT_NE(q.find("withEnv(['K=x\\'y'])"), std::string::npos) << q;
  EXPECT_NE(q.find("echo \\'a\\\\b\\'"), std::string::npos) << q;
}

}  // namespace
