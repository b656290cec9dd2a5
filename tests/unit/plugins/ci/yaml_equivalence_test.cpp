// The YAML backends render the 516-node stack (shared fixture) to the same
// documents as before they emitted YAML themselves: each file is read back
// with the SDK's YAML reader (yaml-cpp, YAML 1.2 core types) and the SHA-256
// of the resulting JSON is compared with the one recorded from the yaml-cpp
// node-tree renderers (commit c386661, same plan and options). Structure and
// values must match; formatting may differ. One typing difference is
// intended and neutralised: yaml-cpp wrote strings that look like numbers
// plain (`limit: 2`, read back as a number), the emitter quotes them (read
// back as the string the plan holds), so numbers are compared as their text.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include "argo_pipeline.hpp"
#include "deploy_planner.hpp"
#include "github_pipeline.hpp"
#include "gitlab_pipeline.hpp"
#include "spackext/yaml_document.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using namespace spackext;

std::string sha256_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

// Numbers replaced by their text in the file.
void numbers_as_text(nlohmann::json& v, const std::string& pointer, const YamlDocument& doc) {
  if (v.is_number()) {
    auto it = doc.plain_text.find(pointer);
    v = it != doc.plain_text.end() ? it->second : v.dump();
  } else if (v.is_object()) {
    for (auto& [k, child] : v.items()) numbers_as_text(child, pointer + "/" + json_pointer_token(k), doc);
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) numbers_as_text(v[i], pointer + "/" + std::to_string(i), doc);
  }
}

// "path sha256" per file, in rendering order.
std::vector<std::string> digests(const CiRendering& r) {
  std::vector<std::string> out;
  for (const auto& f : r.files) {
    auto doc = parse_yaml(f.content, f.path);
    numbers_as_text(doc.root, "", doc);
    out.push_back(f.path + " " + sha256_hex(doc.root.dump()));
  }
  return out;
}

class StackYaml : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stack = spackext::testing::shared_fixture("fixtures/deploy/stack-516.json");
    if (!stack) GTEST_SKIP() << "shared fixture 'fixtures/deploy/stack-516.json' not found";
    plan = deploy::DeployPlanner().plan({{}, *stack, {}});
    options.image = "spack/ubuntu-jammy";
    options.tags = {"linux", "x86_64"};
  }
  DeployPlan plan;
  CiOptions options;
};

TEST_F(StackYaml, GitlabIsUnchanged) {
  EXPECT_EQ(digests(ci::GitlabPipeline().render(plan, options)),
            (std::vector<std::string>{".gitlab-ci.yml 255acade244a3f2288442cd078d31eb0f5b1442ddc597c6a926118a5e174ed57"}));
}

TEST_F(StackYaml, GitlabSplitIsUnchanged) {
  options.split = 200;
  options.output = "ci/pipeline.yml";
  EXPECT_EQ(digests(ci::GitlabPipeline().render(plan, options)),
            (std::vector<std::string>{"pipeline.yml fe9cdcc339346d4c31326c4d6a6d27a1f4c151df3ade99a0f066cf2ffc2a54fb",
                                      "pipeline-child-1.yml cf3adbfbf82706b19b7ce05c732701c1d4fb4fe24568db860ff25ac9bd275796",
                                      "pipeline-child-2.yml 381efc590679fe5f93555e37fc38e60caf7cbb47fd48dfa999a08d7711d2c2db",
                                      "pipeline-child-3.yml c820036fc87293cd1e4d43e27f8bcd828140ea9c027fe0f0a6340522dce63ba4"}));
}

TEST_F(StackYaml, GithubIsUnchanged) {
  options.runs_on = "self-hosted";
  EXPECT_EQ(digests(ci::GithubPipeline().render(plan, options)), (std::vector<std::string>{"deploy.yml 99f8a913453998ae7f1178049400de0710ea4a2677a29dbc3d6a86b6109bc652"}));
}

TEST_F(StackYaml, ArgoIsUnchanged) {
  options.namespace_name = "hpc";
  EXPECT_EQ(digests(ci::ArgoPipeline().render(plan, options)), (std::vector<std::string>{"workflow.yaml c93d6f0d205b205866fe6e94964c10a45be572f04c6e668182987e5cae296767"}));
  options.kind = "WorkflowTemplate";
  EXPECT_EQ(digests(ci::ArgoPipeline().render(plan, options)), (std::vector<std::string>{"workflow.yaml d83f6864989f374dce237c0ead5ebf5d8b9586252b7d0bab1b982456dd89d768"}));
}

}  // namespace
