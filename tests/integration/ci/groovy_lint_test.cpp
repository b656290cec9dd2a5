// Generated Jenkinsfiles (the sample deployment, docker and label agents)
// pass npm-groovy-lint 14.6.0 (CodeNarc, its Jenkinsfile rule set, offline on
// Debian's JRE) without errors; a truncated one is rejected with a parse
// error. Files go to one call: each call starts a JVM. The 516-node stack's
// Jenkinsfile also passes, but CodeNarc needs minutes of CPU for it, too
// much for the suite (plugins/ci/README.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ci_tools.hpp"
#include "deploy_planner.hpp"
#include "jenkins_pipeline.hpp"
#include "spackext_testing/sample_deployment.hpp"

namespace {

using namespace spackext;
using spackext::testing::TempDir;

// --noserver: no CodeNarc daemon left behind; --failon error: CodeNarc's
// info/warning findings (style) do not fail, errors (parse, rules rated
// error for Jenkinsfiles) do.
spackext::testing::RunResult lint(const std::filesystem::path& tool, const std::vector<std::filesystem::path>& files) {
  std::vector<std::string> argv{tool.string(), "--noserver", "--config", "recommended-jenkinsfile", "--failon", "error",
                                "--output", "json"};
  for (const auto& f : files) argv.push_back(f.string());
  spackext::testing::RunOptions o;
  o.timeout_seconds = 300;
  return spackext::testing::run(argv, o);
}

// Findings of severity "error", as "file:line rule: message".
std::vector<std::string> errors(const std::string& json_out) {
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(json_out.substr(json_out.find('{')));
  for (const auto& [file, entry] : j["files"].items())
    for (const auto& e : entry["errors"])
      if (e["severity"] == "error")
        out.push_back(file + ":" + e["line"].dump() + " " + e["rule"].get<std::string>() + ": " +
                      e["msg"].get<std::string>());
  return out;
}

TEST(GroovyLint, SampleJenkinsfilesHaveNoErrors) {
  CI_REQUIRE_TOOL(tool, ".bin/npm-groovy-lint");
  TempDir tmp;
  auto plan = deploy::DeployPlanner().plan({spackext::testing::write_sample_deployment(tmp.path()), {}, {}});
  // Both agent forms: labels on a plain agent, and a docker agent with resources.
  CiOptions docker;
  docker.tags = {"linux", "spack"};
  docker.image = "spack/ubuntu-jammy:0.23";
  CiOptions labels;
  labels.tags = {"linux"};
  std::vector<std::filesystem::path> files;
  for (const auto& [name, options] : {std::pair{"docker", docker}, std::pair{"labels", labels}}) {
    std::filesystem::create_directories(tmp / name);
    spackext::testing::write_file(tmp / name / "Jenkinsfile", ci::JenkinsPipeline().render(plan, options).files[0].content);
    files.push_back(tmp / name / "Jenkinsfile");
  }
  auto r = lint(tool, files);
  ASSERT_NE(r.out.find('{'), std::string::npos) << r.out << r.err;
  auto found = errors(r.out);
  EXPECT_TRUE(found.empty()) << ::testing::PrintToString(found);
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
  auto summary = nlohmann::json::parse(r.out.substr(r.out.find('{')))["summary"];
  EXPECT_EQ(summary["totalFilesLinted"], files.size());
}

TEST(GroovyLint, ATruncatedJenkinsfileIsRejected) {
  CI_REQUIRE_TOOL(tool, ".bin/npm-groovy-lint");
  TempDir tmp;
  auto plan = deploy::DeployPlanner().plan({spackext::testing::write_sample_deployment(tmp.path()), {}, {}});
  auto text = ci::JenkinsPipeline().render(plan, {}).files[0].content;
  // Drop the closing brace of `pipeline {`.
  auto last = text.rfind('}');
  ASSERT_NE(last, std::string::npos);
  text.erase(last);
  std::filesystem::create_directories(tmp / "bad");
  spackext::testing::write_file(tmp / "bad/Jenkinsfile", text);
  auto r = lint(tool, {tmp / "bad/Jenkinsfile"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto found = errors(r.out);
  ASSERT_FALSE(found.empty()) << r.out;
  EXPECT_NE(found[0].find("NglParseError"), std::string::npos) << found[0];
}

}  // namespace
