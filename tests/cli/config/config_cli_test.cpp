// `spack-ext config ...` through the real host and plugins: exit codes,
// messages, files written (or not), detection from a local metadata server.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include "metadata_server.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = spackext::testing;

class ConfigCli : public ::testing::Test {
 protected:
  // No real firmware or metadata service: detection sees only what a test serves.
  t::RunResult run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    t::RunOptions o;
    o.env = std::move(env);
    o.env.emplace("SPACK_EXT_DMI_ROOT", (home_ / "no-dmi").string());
    o.unset_env = {"SPACK_EXT_AWS_METADATA_URL", "SPACK_EXT_GCP_METADATA_URL", "SPACK_EXT_AZURE_METADATA_URL"};
    for (const auto& [k, v] : o.env) {
      o.unset_env.erase(std::remove(o.unset_env.begin(), o.unset_env.end(), k), o.unset_env.end());
    }
    return t::run_host(args, home_.path(), o);
  }
  t::TempDir home_;
};

TEST_F(ConfigCli, ValidateAcceptsWhatSpackAccepted) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/config");
  auto r = run({"config", "validate", (dir / "packages.peer-site.yaml").string(),
                (dir / "mirrors.generated-by-spack-mirror-add.yaml").string(),
                (dir / "compilers.v0.23-autodetected.yaml").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "valid\n");
}

TEST_F(ConfigCli, ValidateReportsFileLineKeyAndExits2) {
  SPACKEXT_REQUIRE_FIXTURE(fixture, "fixtures/spack/config/packages.invalid-unknown-key.yaml");
  fs::create_directories(home_ / "scope");
  fs::copy_file(fixture, home_ / "scope" / "packages.yaml");
  auto r = run({"config", "validate", (home_ / "scope").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find((home_ / "scope" / "packages.yaml").string() +
                       ":3: packages.openmpi: Additional properties are not allowed ('buildabel' was unexpected)"),
            std::string::npos)
      << r.err;

  auto j = run({"--json", "config", "validate", (home_ / "scope").string()});
  EXPECT_EQ(j.exit_code, 2);
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_FALSE(doc["valid"].get<bool>());
  EXPECT_EQ(doc["issues"][0]["line"], 3);
}

// A mapping that contains itself through an alias crashed validate (SIGSEGV).
TEST_F(ConfigCli, ValidateRefusesASelfContainingAlias) {
  fs::create_directories(home_ / "scope");
  t::write_file(home_ / "scope" / "packages.yaml", "packages: &x\n  all: *x\n");
  auto r = run({"config", "validate", (home_ / "scope").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("packages.yaml:1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("an alias refers to a mapping or list that contains it"), std::string::npos) << r.err;
}

TEST_F(ConfigCli, GenerateForAnInstanceTypeThenValidateIt) {
  const fs::path out = home_ / "site-scope";
  auto r = run({"config", "generate", "--provider", "gcp", "--instance-type", "c3d-standard-360", "--region",
                "europe-west4", "--var", "mirror_url=gs://bucket/cache", "--output", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find((out / "packages.yaml").string()), std::string::npos);
  auto packages = YAML::LoadFile((out / "packages.yaml").string())["packages"];
  EXPECT_EQ(packages["all"]["target"][0].as<std::string>(), "zen4");
  auto mirrors = YAML::LoadFile((out / "mirrors.yaml").string())["mirrors"];
  EXPECT_EQ(mirrors["site-buildcache"]["url"].as<std::string>(), "gs://bucket/cache");
  auto v = run({"config", "validate", out.string()});
  EXPECT_EQ(v.exit_code, 0) << v.err;
}

// IMDSv2 as the EC2 documentation shows it, for one instance type.
void serve_imds(MetadataServer& imds, const std::string& instance_type) {
  imds.routes().Put("/latest/api/token", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("token-1", "text/plain");
  });
  imds.routes().Get("/latest/dynamic/instance-identity/document",
                    [instance_type](const httplib::Request& req, httplib::Response& res) {
                      if (req.get_header_value("X-aws-ec2-metadata-token") != "token-1") {
                        res.status = 401;
                        return;
                      }
                      res.set_content(R"({"instanceType": ")" + instance_type + R"(", "region": "us-east-2",
                                          "availabilityZone": "us-east-2a", "architecture": "arm64"})",
                                      "text/plain");
                    });
  imds.start();
}

TEST_F(ConfigCli, AutoDetectAsksTheMetadataServiceAtTheGivenAddress) {
  MetadataServer imds;
  serve_imds(imds, "hpc7g.16xlarge");
  const fs::path out = home_ / "auto";
  auto r = run({"--json", "config", "generate", "--auto-detect", "--output", out.string()},
               {{"SPACK_EXT_AWS_METADATA_URL", imds.url()}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto result = nlohmann::json::parse(r.out);
  EXPECT_EQ(result["target"], "neoverse_v1");
  EXPECT_EQ(result["provider"]["instance_type"], "hpc7g.16xlarge");
  EXPECT_EQ(result["provider"]["region"], "us-east-2");
  auto config = YAML::LoadFile((out / "config.yaml").string())["config"];
  EXPECT_EQ(config["build_jobs"].as<int>(), 64);
}

// A type newer than the catalog still gives a scope; the CPU then comes
// from the optimizers (or the machine family).
TEST_F(ConfigCli, AutoDetectOfAnUncataloguedInstanceTypeStillWorks) {
  MetadataServer imds;
  serve_imds(imds, "m8g.metal-48xl");
  const fs::path out = home_ / "auto";
  auto r = run({"--json", "config", "generate", "--auto-detect", "--output", out.string()},
               {{"SPACK_EXT_AWS_METADATA_URL", imds.url()}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto result = nlohmann::json::parse(r.out);
  EXPECT_EQ(result["provider"]["instance_type"], "m8g.metal-48xl");
  EXPECT_EQ(result["provider"]["provider"], "aws");
  EXPECT_FALSE(result["target"].get<std::string>().empty());
  EXPECT_EQ(run({"config", "validate", out.string()}).exit_code, 0);
}

TEST_F(ConfigCli, BadInputExits2AndWritesNothing) {
  const fs::path out = home_ / "never";
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const auto& c : std::vector<Case>{
           {{"--provider", "aws", "--instance-type", "c7g.16xlarg"}, "did you mean 'c7g.16xlarge'?"},
           {{"--provider", "ibm"}, "unknown provider 'ibm'"},
           {{"--arch", "zen44"}, "unknown microarchitecture 'zen44'"},
           {{"--var", "novalue"}, "'novalue' is not KEY=VALUE"},
           {{"--template", "nosuch"}, "unknown template set 'nosuch'"},
           {{"--spack-version", "0.19"}, "'0.19' is not a valid value for --spack-version"}}) {
    std::vector<std::string> args = {"config", "generate"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.insert(args.end(), {"--output", out.string()});
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << c.message;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.message;
  }
}

TEST_F(ConfigCli, TemplateErrorNamesTemplateAndLine) {
  auto created = run({"config", "template", "create", "mine"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const fs::path dir = created.out.substr(0, created.out.find('\n'));  // the new set's folder
  ASSERT_TRUE(fs::exists(dir / "modules.yaml.mustache")) << created.out;
  t::write_file(dir / "modules.yaml.mustache", "modules:\n  default:\n    {{#enable}}\n");
  auto list = run({"config", "template", "list"});
  EXPECT_NE(list.out.find("mine\t" + dir.string()), std::string::npos) << list.out;
  const fs::path out = home_ / "never";
  auto r = run({"config", "generate", "--provider", "aws", "--instance-type", "c7i.large", "--template", "mine",
                "--output", out.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find((dir / "modules.yaml.mustache").string() + ":3: template error: Unclosed section \"enable\""),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace

namespace {

// The documented forms (shared/reference/seed-interface.md), verbatim.
TEST_F(ConfigCli, DocumentedGenerateWithoutOutputWritesANamedFolderOnce) {
  auto r = run({"config", "generate", "--provider", "aws", "--instance-type", "c5.24xlarge"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path out = home_ / "aws-c5.24xlarge-config";
  EXPECT_NE(r.err.find("aws-c5.24xlarge-config"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(out / "packages.yaml"));
  EXPECT_EQ(run({"config", "validate", out.string()}).exit_code, 0);
  // Not over an existing non-empty folder without --force.
  const std::string before = t::read_file(out / "packages.yaml");
  auto again = run({"config", "generate", "--provider", "aws", "--instance-type", "c5.24xlarge"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  EXPECT_EQ(t::read_file(out / "packages.yaml"), before);
  EXPECT_EQ(run({"config", "generate", "--provider", "aws", "--instance-type", "c5.24xlarge", "--force"}).exit_code,
            0);
}

TEST_F(ConfigCli, DocumentedMultiLabLoopShowsEachLabsVariables) {
  ASSERT_EQ(run({"config", "template", "create", "--name", "multi-lab"}).exit_code, 0);
  for (std::string lab : {"physics", "chemistry", "bio"}) {
    auto r = run({"config", "generate", "--template", "multi-lab", "--var", "lab_name=" + lab, "--var",
                  "lab_storage=/labs/" + lab + "/spack", "--output", "configs/" + lab + "/"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const fs::path out = home_ / "configs" / lab;
    const std::string config = t::read_file(out / "config.yaml");
    EXPECT_NE(config.find("# lab_name = " + lab), std::string::npos) << config;
    EXPECT_NE(config.find("# lab_storage = /labs/" + lab + "/spack"), std::string::npos) << config;
    EXPECT_EQ(run({"config", "validate", out.string()}).exit_code, 0);
  }
}

TEST_F(ConfigCli, DocumentedTemplateVariablesAreOffered) {
  ASSERT_EQ(run({"config", "template", "create", "documented"}).exit_code, 0);
  const fs::path set = home_ / ".config/spack-ext/templates/site-config/documented";
  ASSERT_TRUE(fs::exists(set)) << set;
  // The seed's template, in mustache, as one extra file of the set.
  t::write_file(set / "site.txt.mustache",
                "site: {{site_name}} arch: {{architecture}} target: {{target_arch}}\n"
                "{{#detected_compilers}}compiler: {{name}}@{{version}} cc={{cc}} cxx={{cxx}} f77={{f77}}\n"
                "{{/detected_compilers}}"
                "{{#use_buildcache}}buildcache: {{buildcache_url}}\n{{/use_buildcache}}");
  auto r = run({"config", "generate", "--template", "documented", "--arch", "x86_64_v4", "--var",
                "mirror_url=file:///srv/cache", "--output", (home_ / "doc").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = t::read_file(home_ / "doc" / "site.txt");
  EXPECT_NE(text.find("site: site arch: x86_64_v4 target: x86_64_v4"), std::string::npos) << text;
  EXPECT_NE(text.find("buildcache: file:///srv/cache"), std::string::npos) << text;
}

}  // namespace
