// The documented deployment forms through the real host and the local
// executor, with `spack` replaced by a stand-in script that records every
// call (its arguments and the files of each `-C` config scope it was given)
// and does what the deployment needs of Spack: `env create -d DIR FILE`
// makes DIR/spack.yaml, `config get SECTION` prints a section naming the
// node that asked.
//   - the documented deploy.yaml (shared/reference/seed-interface.md), stage
//     environments given as manifest files, artifacts.propagate as a list;
//   - `deploy --env FILE` (one environment), with --spack, the deploy.spack
//     setting and its environment variable;
//   - the JUnit report of a deployment with test stages.
#include <gtest/gtest.h>

#include <sstream>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <nlohmann/json.hpp>

#include "spackext_testing/testing.hpp"

namespace fs = std::filesystem;
namespace t = spackext::testing;

namespace {

// The documented deploy.yaml, verbatim but for /opt/spack, which the test
// moves into its own folder.
constexpr const char* kDocumentedDeployYaml = R"(deployment:
  name: production-2024
  base_path: /opt/spack

stages:
  - name: compilers
    environment: environments/compilers.yaml

  - name: externals
    environment: environments/externals.yaml
    depends: [compilers]

  - name: applications
    environment: environments/apps.yaml
    depends: [externals]
    parallel: 4

artifacts:
  propagate: [compilers.yaml, packages.yaml]
  output: /opt/spack/deployments/2024-01-18
)";

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

class DocumentedDeploy : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(tmp / "calls");
    // One call log per node (a node's calls run one after another).
    t::write_file(spack(), R"SH(#!/bin/sh
# spack stand-in: records the call, then does the little a deployment needs.
log=")SH" + (tmp / "calls").string() + R"SH(/$(printf '%s' "${SPACKEXT_NODE:-none}" | tr / _)"
scopes=""
all="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    -C) scopes="$scopes $2"; shift 2 ;;
    -e) shift 2 ;;
    *) break ;;
  esac
done
{
  printf 'call %s\n' "$all"
  for s in $scopes; do printf 'scope %s:' "$s"; for f in "$s"/*; do printf ' %s' "$(basename "$f")"; done; echo; done
} >> "$log"
case "$1 $2" in
  "env create") [ "$3" = -d ] && mkdir -p "$4" && cp "$5" "$4/spack.yaml" ;;
  "config get") printf '%s:\n  produced_by: "%s"\n' "$3" "$SPACKEXT_NODE" ;;
esac
exit 0
)SH");
    fs::permissions(spack(), fs::perms::owner_all);
  }
  fs::path spack() const { return tmp / "bin" / "spack"; }
  void environment(const std::string& rel, const std::string& spec) {
    t::write_file(tmp / rel, "spack:\n  specs: [" + spec + "]\n");
  }
  t::RunResult host(std::vector<std::string> args, t::RunOptions o = {}) {
    args.push_back("--state-db");
    args.push_back((tmp / "state.db").string());
    o.cwd = tmp.path();
    return t::run_host(args, tmp.path(), o);
  }
  std::string calls(const std::string& node) const {
    auto p = tmp / "calls" / node;
    return fs::exists(p) ? t::read_file(p) : std::string();
  }
  nlohmann::json status(const std::string& id) {
    auto r = host({"deploy", "status", id, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  t::TempDir tmp{"spackext-deploy-documented"};
};

}  // namespace

TEST_F(DocumentedDeploy, DocumentedDeployYamlPropagatesConfigToDependentsOnly) {
  const std::string opt = (tmp / "opt-spack").string();
  t::write_file(tmp / "deploy.yaml", replace_all(kDocumentedDeployYaml, "/opt/spack", opt));
  environment("environments/compilers.yaml", "gcc@14");
  environment("environments/externals.yaml", "cmake");
  environment("environments/apps.yaml", "hdf5");

  auto dry = host({"deploy", "--config", "deploy.yaml", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("dry run of production-2024"), std::string::npos) << dry.out;
  EXPECT_TRUE(calls("compilers").empty()) << "a dry run calls no spack";

  auto r = host({"deploy", "--config", "deploy.yaml", "--spack", spack().string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path out = fs::path(opt) / "deployments" / "2024-01-18" / "deployments" / "1";
  const fs::path scopes = out / "scopes";

  // Each manifest file became an environment folder with spack env create.
  const auto compilers = calls("compilers");
  EXPECT_NE(compilers.find(" env create -d " + opt + "/.spack-ext/environments/compilers.new."), std::string::npos)
      << compilers;
  EXPECT_EQ(t::read_file(fs::path(opt) / ".spack-ext/environments/compilers/spack.yaml"),
            t::read_file(tmp / "environments/compilers.yaml"));
  EXPECT_NE(compilers.find(" -e " + opt + "/.spack-ext/environments/compilers install"), std::string::npos)
      << compilers;
  // The first stage depends on nothing: no scope.
  EXPECT_EQ(compilers.find("-C "), std::string::npos) << compilers;

  // What each stage produced was published into its scope...
  EXPECT_EQ(t::read_file(scopes / "compilers" / "compilers.yaml"), "compilers:\n  produced_by: \"compilers\"\n");
  EXPECT_EQ(t::read_file(scopes / "externals" / "packages.yaml"), "packages:\n  produced_by: \"externals\"\n");
  // ... and every Spack call of a dependent got the scopes of what it depends on.
  const auto externals = calls("externals");
  EXPECT_NE(externals.find("scope " + (scopes / "compilers").string() + ": compilers.yaml packages.yaml"),
            std::string::npos)
      << externals;
  EXPECT_EQ(externals.find((scopes / "externals").string()), std::string::npos) << externals;
  const auto apps = calls("applications");
  // Nearest dependency last: its files take precedence.
  const auto c_at = apps.find("-C " + (scopes / "compilers").string());
  const auto e_at = apps.find("-C " + (scopes / "externals").string());
  ASSERT_NE(c_at, std::string::npos) << apps;
  ASSERT_NE(e_at, std::string::npos) << apps;
  EXPECT_LT(c_at, e_at) << apps;
  EXPECT_NE(apps.find("config get packages"), std::string::npos) << apps;

  // Recorded with the deployment; `current` is this deployment's folder.
  auto s = status("1");
  std::set<std::string> recorded;
  for (const auto& a : s["artifacts"]) recorded.insert(a["path"].get<std::string>());
  EXPECT_TRUE(recorded.count((scopes / "compilers" / "compilers.yaml").string())) << s["artifacts"].dump();
  EXPECT_TRUE(recorded.count((scopes / "applications" / "packages.yaml").string())) << s["artifacts"].dump();
  EXPECT_EQ(fs::read_symlink(fs::path(opt) / "deployments" / "2024-01-18" / "current"), fs::path("deployments/1"));
}

TEST_F(DocumentedDeploy, ANonDependentStageGetsNoScope) {
  environment("envs/a.yaml", "zlib");
  environment("envs/b.yaml", "bzip2");
  environment("envs/c.yaml", "xz");
  t::write_file(tmp / "deploy.yaml", R"(deployment: {name: split}
stages:
  - {name: a, environment: envs/a.yaml}
  - {name: b, environment: envs/b.yaml, depends: [a]}
  - {name: c, environment: envs/c.yaml}
artifacts: {propagate: [packages.yaml]}
)");
  auto r = host({"deploy", "--config", "deploy.yaml", "--stages", "a,b,c", "--spack", spack().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(calls("b").find("scope " + (tmp / "artifacts/deployments/1/scopes/a").string() + ": packages.yaml"),
            std::string::npos)
      << calls("b");
  EXPECT_EQ(calls("c").find("-C "), std::string::npos) << calls("c");
  EXPECT_NE(calls("c").find("config get packages"), std::string::npos) << calls("c");
}

TEST_F(DocumentedDeploy, PropagateTrueKeepsWorkingAndListEntriesAreChecked) {
  t::write_file(tmp / "deploy.yaml", R"(deployment: {name: flag}
stages:
  - {name: a, run: ["echo X=1 > $SPACKEXT_ARTIFACTS/env"]}
  - {name: b, depends: [a], run: ["test \"$X\" = 1"]}
artifacts: {propagate: true}
)");
  auto r = host({"deploy", "--config", "deploy.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  t::write_file(tmp / "bad.yaml", "deployment: {name: bad}\nstages:\n  - {name: a, run: [true]}\n"
                                  "artifacts:\n  propagate: [../packages.yaml]\n");
  r = host({"deploy", "--config", "bad.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:5: expected each entry of artifacts.propagate to be a configuration file name"),
            std::string::npos)
      << r.err;
}

TEST_F(DocumentedDeploy, OneEnvironmentWithTheSpackOfTheOptionTheSettingOrItsVariable) {
  environment("environments/neuro-stack.yaml", "neurotool");
  auto r = host({"deploy", "--env", "environments/neuro-stack.yaml", "--spack", spack().string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("deployment 1: succeeded (1 succeeded"), std::string::npos) << r.out;
  const auto c = calls("neuro-stack");
  const std::string env = (tmp / ".spack-ext/environments/neuro-stack").string();
  EXPECT_NE(c.find("call env create -d " + env + ".new."), std::string::npos) << c;
  EXPECT_NE(c.find("call -e " + env + " concretize -f\n"), std::string::npos) << c;
  EXPECT_NE(c.find("call -e " + env + " install\n"), std::string::npos) << c;
  auto s = status("1");
  EXPECT_EQ(s["name"], "neuro-stack");
  EXPECT_EQ(s["nodes"].size(), 1u);

  // The deploy.spack setting, here from its environment variable.
  fs::remove_all(tmp / "calls");
  fs::create_directories(tmp / "calls");
  t::RunOptions o;
  o.env["SPACK_EXT_DEPLOY__SPACK"] = spack().string();
  r = host({"deploy", "--env", "environments/neuro-stack.yaml"}, o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(calls("neuro-stack").find(" install\n"), std::string::npos);

  // Without a Spack: a clear failure naming the stage's log, exit 1.
  r = host({"deploy", "--env", "environments/neuro-stack.yaml", "--spack", (tmp / "no-spack").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("deploy status 3"), std::string::npos) << r.err;

  // Not an environment, or both forms at once: input and usage errors.
  t::write_file(tmp / "other.yaml", "packages: {}\n");
  r = host({"deploy", "--env", "other.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("expected a Spack environment"), std::string::npos) << r.err;
  r = host({"deploy", "--env", "missing.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("environment '"), std::string::npos) << r.err;
  r = host({"deploy", "--env", "environments/neuro-stack.yaml", "--config", "deploy.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("exactly one of --config"), std::string::npos) << r.err;
}

TEST_F(DocumentedDeploy, ResumeOfAnEnvironmentDeploymentRebuildsIt) {
  environment("environments/neuro-stack.yaml", "neurotool");
  const auto fixed = tmp / "fixed";
  t::write_file(tmp / "flaky-spack", "#!/bin/sh\ntest -f " + fixed.string() + " && exec " + spack().string() +
                                         " \"$@\"\nexit 7\n");
  fs::permissions(tmp / "flaky-spack", fs::perms::owner_all);
  auto r = host({"deploy", "--env", "environments/neuro-stack.yaml", "--spack", (tmp / "flaky-spack").string()});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  t::write_file(fixed, "");
  r = host({"deploy", "resume", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(calls("neuro-stack").find(" install\n"), std::string::npos);
}

TEST_F(DocumentedDeploy, RollbackBringsBackThePreviousScopes) {
  t::write_file(tmp / "deploy.yaml", R"(deployment: {name: roll}
stages:
  - {name: a, run: ["cat version > $SPACKEXT_ARTIFACTS/packages.yaml"]}
  - {name: b, depends: [a], run: ["{spack} install"]}
artifacts: {propagate: [packages.yaml]}
)");
  t::write_file(tmp / "version", "packages: {zlib: {version: ['1.2']}}\n");
  ASSERT_EQ(host({"deploy", "--config", "deploy.yaml", "--spack", spack().string()}).exit_code, 0);
  t::write_file(tmp / "version", "packages: {zlib: {version: ['1.3']}}\n");
  ASSERT_EQ(host({"deploy", "--config", "deploy.yaml", "--spack", spack().string()}).exit_code, 0);
  const auto current = tmp / "artifacts" / "current" / "scopes" / "a" / "packages.yaml";
  EXPECT_EQ(t::read_file(current), "packages: {zlib: {version: ['1.3']}}\n");
  EXPECT_NE(calls("b").find("-C " + (tmp / "artifacts/deployments/2/scopes/a").string() + " install"),
            std::string::npos)
      << calls("b");
  auto r = host({"deploy", "rollback", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(t::read_file(current), "packages: {zlib: {version: ['1.2']}}\n");
}
