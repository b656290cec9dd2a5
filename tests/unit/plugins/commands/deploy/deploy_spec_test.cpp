// deploy.yaml loading: the model, and every kind of bad input answered with
// file:line and what was expected.
#include <gtest/gtest.h>

#include "deploy_spec.hpp"
#include "deploy_spec_fixture.hpp"
#include "spackext/errors.hpp"

namespace sd = spackext::deploy;
using spackext::testing::TempDir;
using spackext::testing::write_file;
namespace fs = std::filesystem;

namespace {

class DeploySpecTest : public ::testing::Test {
 protected:
  void SetUp() override { deploy_test::make_envs(tmp.path(), {"compilers", "mpi", "apps"}); }
  fs::path write(const std::string& text) {
    write_file(tmp / "deploy.yaml", text);
    return tmp / "deploy.yaml";
  }
  // The message of the InputError that loading `text` throws.
  std::string error_of(const std::string& text) {
    try {
      sd::load_deploy_spec(write(text));
    } catch (const spackext::InputError& e) {
      EXPECT_EQ(e.exit_code(), 2);
      return e.what();
    }
    ADD_FAILURE() << "accepted:\n" << text;
    return {};
  }
  std::string at_line(int line) { return (tmp / "deploy.yaml").string() + ":" + std::to_string(line) + ": "; }
  TempDir tmp;
};

}  // namespace

TEST_F(DeploySpecTest, LoadsTheFullFormat) {
  auto spec = sd::load_deploy_spec(write(R"(deployment:
  name: site-stack
  base_path: build
  spack: /opt/spack/bin/spack
matrix:
  compilers: [gcc@14.2, aocc@5.0]
  mpis: [openmpi@5]
stages:
  - name: compilers
    environment: envs/compilers
    parallel: 2
    matrix: [compilers]
    estimate: 30
  - name: mpi
    environment: envs/mpi/spack.yaml
    depends: [compilers]
    matrix: [compilers, mpis]
    resources: {cpus: 8, memory: 16G, time: "02:00:00", partition: debug}
    retries: 2
    retry_backoff: 0.5
  - name: report
    depends: mpi
    run: ["echo done > report.txt"]
    env: {GREETING: hello}
artifacts:
  propagate: false
  output: out
)"));
  EXPECT_EQ(spec.name, "site-stack");
  EXPECT_EQ(spec.base_path, tmp.path() / "build");
  EXPECT_EQ(spec.spack, "/opt/spack/bin/spack");
  ASSERT_EQ(spec.stages.size(), 3u);
  const auto& c = spec.stages[0];
  EXPECT_EQ(c.environment, tmp.path() / "envs" / "compilers");
  EXPECT_EQ(c.parallel, 2);
  EXPECT_EQ(c.line, 9);
  EXPECT_EQ(c.estimate_min, 30.0);
  EXPECT_EQ(c.matrix.at("compilers"), (std::vector<std::string>{"gcc@14.2", "aocc@5.0"}));
  const auto& m = spec.stages[1];
  EXPECT_EQ(m.environment, tmp.path() / "envs" / "mpi");
  EXPECT_EQ(m.depends, std::vector<std::string>{"compilers"});
  EXPECT_EQ(m.resources.cpus, 8);
  EXPECT_EQ(m.resources.memory, "16G");
  EXPECT_EQ(m.resources.time, "02:00:00");
  EXPECT_EQ(m.resources.partition, "debug");
  EXPECT_EQ(m.retries, 2);
  EXPECT_DOUBLE_EQ(m.retry_backoff_s, 0.5);
  EXPECT_EQ(m.matrix.size(), 2u);
  const auto& r = spec.stages[2];
  EXPECT_TRUE(r.environment.empty());
  EXPECT_EQ(r.run, std::vector<std::string>{"echo done > report.txt"});
  EXPECT_EQ(r.env.at("GREETING"), "hello");
  EXPECT_FALSE(spec.propagate);
  EXPECT_EQ(spec.artifacts_output, tmp.path() / "build" / "out");
}

TEST_F(DeploySpecTest, MalformedYamlNamesTheLine) {
  auto msg = error_of("deployment:\n  name: x\nstages:\n  - name: [unclosed\n");
  EXPECT_NE(msg.find("deploy.yaml:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed YAML"), std::string::npos) << msg;
}

TEST_F(DeploySpecTest, UnknownTopLevelKey) {
  auto msg = error_of("deployment: {name: x}\nstages:\n  - {name: a, run: [true]}\nextras: 1\n");
  EXPECT_EQ(msg.rfind(at_line(4) + "unknown key 'extras'", 0), 0u) << msg;
}

TEST_F(DeploySpecTest, UnknownStageKeyNamesItsLine) {
  auto msg = error_of("deployment: {name: x}\nstages:\n  - name: a\n    run: [true]\n    paralel: 2\n");
  EXPECT_EQ(msg.rfind(at_line(5) + "unknown key 'paralel' in a stage", 0), 0u) << msg;
}

TEST_F(DeploySpecTest, UnknownResourceKey) {
  auto msg = error_of("deployment: {name: x}\nstages:\n  - name: a\n    run: [true]\n    resources:\n      gpus: 1\n");
  EXPECT_EQ(msg.rfind(at_line(6) + "unknown key 'gpus'", 0), 0u) << msg;
}

TEST_F(DeploySpecTest, UnknownDependency) {
  auto msg = error_of("deployment: {name: x}\nstages:\n  - name: a\n    run: [true]\n    depends: [nope]\n");
  EXPECT_EQ(msg.rfind(at_line(5) + "stage 'a' depends on unknown stage 'nope'", 0), 0u) << msg;
}

TEST_F(DeploySpecTest, CycleIsNamed) {
  auto msg = error_of(R"(deployment: {name: x}
stages:
  - {name: a, run: [true], depends: [c]}
  - {name: b, run: [true], depends: [a]}
  - {name: c, run: [true], depends: [b]}
  - {name: d, run: [true]}
)");
  EXPECT_NE(msg.find("dependency cycle: a -> c -> b -> a"), std::string::npos) << msg;
  EXPECT_EQ(msg.rfind(at_line(3), 0), 0u) << msg;
}

TEST_F(DeploySpecTest, MissingEnvironment) {
  auto msg = error_of("deployment: {name: x}\nstages:\n  - name: a\n    environment: envs/nothere\n");
  EXPECT_EQ(msg.rfind(at_line(4) + "environment '", 0), 0u) << msg;
  EXPECT_NE(msg.find("envs/nothere' not found"), std::string::npos) << msg;
}

TEST_F(DeploySpecTest, EnvironmentThatIsNotASpackEnvironment) {
  fs::create_directories(tmp / "envs" / "bad");
  write_file(tmp / "envs" / "bad" / "spack.yaml", "packages: {}\n");
  auto msg = error_of("deployment: {name: x}\nstages:\n  - name: a\n    environment: envs/bad\n");
  EXPECT_NE(msg.find("spack.yaml:1: expected a Spack environment"), std::string::npos) << msg;
}

TEST_F(DeploySpecTest, StageNeedsEnvironmentOrRun) {
  auto msg = error_of("deployment: {name: x}\nstages:\n  - name: a\n    parallel: 2\n");
  EXPECT_EQ(msg.rfind(at_line(3) + "expected stage 'a' to have an 'environment'", 0), 0u) << msg;
}

TEST_F(DeploySpecTest, BadValues) {
  EXPECT_NE(error_of("deployment: {name: x}\nstages:\n  - {name: a, run: [true], parallel: 0}\n")
                .find("expected stage 'a' parallel to be an integer >= 1"), std::string::npos);
  EXPECT_NE(error_of("deployment: {name: x}\nstages:\n  - {name: a, run: [true], retries: lots}\n")
                .find("retries to be an integer >= 0"), std::string::npos);
  EXPECT_NE(error_of("deployment: {name: x}\nstages:\n  - {name: a, run: [true]}\n  - {name: a, run: [true]}\n")
                .find(":4: duplicate stage name 'a'"), std::string::npos);
  EXPECT_NE(error_of("stages:\n  - {name: a, run: [true]}\n").find("expected a 'deployment' section"),
            std::string::npos);
  EXPECT_NE(error_of("deployment: {name: x}\nstages: []\n").find(":2: expected 'stages' to be a non-empty list"),
            std::string::npos);
  EXPECT_NE(error_of("deployment: {name: x}\nstages:\n  - {name: a, run: [true], matrix: [mpis]}\n")
                .find("matrix axis 'mpis' to be defined in the top-level matrix"), std::string::npos);
  EXPECT_NE(error_of("deployment: {name: x}\nmatrix: {compilers: [a, a]}\nstages:\n  - {name: a, run: [true]}\n")
                .find("duplicate value 'a' in matrix.compilers"), std::string::npos);
  EXPECT_NE(error_of("deployment: {name: x}\nstages:\n  - {name: a, run: [true], env: {A: [1]}}\n")
                .find(":3: expected stage 'a' env.A to be a string"), std::string::npos);
  EXPECT_NE(error_of("deployment: {name: x}\nmatrix: {gpus: [a]}\nstages:\n  - {name: a, run: [true]}\n")
                .find(":2: unknown key 'gpus' in matrix"), std::string::npos);
}

TEST_F(DeploySpecTest, UnreadableFile) {
  EXPECT_THROW(sd::load_deploy_spec(tmp / "absent.yaml"), spackext::InputError);
}

TEST_F(DeploySpecTest, ManifestFilesAndAPropagateList) {
  write_file(tmp / "environments" / "compilers.yaml", "spack:\n  specs: [gcc@14]\n");
  auto spec = sd::load_deploy_spec(write(R"(deployment: {name: x, base_path: /opt/spack}
stages:
  - {name: compilers, environment: environments/compilers.yaml}
  - {name: mpi, environment: envs/mpi/spack.yaml, depends: [compilers]}
artifacts:
  propagate: [compilers.yaml, packages.yaml]
)"));
  const auto& c = spec.stages[0];
  EXPECT_EQ(c.manifest, tmp.path() / "environments" / "compilers.yaml");
  EXPECT_EQ(c.environment, fs::path("/opt/spack/.spack-ext/environments/compilers"));
  EXPECT_TRUE(spec.stages[1].manifest.empty());  // a spack.yaml is used where it is
  EXPECT_EQ(spec.stages[1].environment, tmp.path() / "envs" / "mpi");
  EXPECT_TRUE(spec.propagate);
  EXPECT_EQ(spec.propagate_files, (std::vector<std::string>{"compilers.yaml", "packages.yaml"}));
}

TEST_F(DeploySpecTest, BadPropagateListsAndTheReservedStageName) {
  const std::string head = "deployment: {name: x}\nstages:\n  - {name: a, run: [true]}\nartifacts:\n";
  auto msg = error_of(head + "  propagate: [envs/packages.yaml]\n");
  EXPECT_EQ(msg.rfind(at_line(5) + "expected each entry of artifacts.propagate to be a configuration file name", 0),
            0u)
      << msg;
  msg = error_of(head + "  propagate: [packages.yaml, packages.yaml]\n");
  EXPECT_NE(msg.find("duplicate entry 'packages.yaml' in artifacts.propagate"), std::string::npos) << msg;
  msg = error_of(head + "  propagate: {packages: yes}\n");
  EXPECT_NE(msg.find("expected artifacts.propagate to be true, false or a list of file names"), std::string::npos)
      << msg;
  msg = error_of("deployment: {name: x}\nstages:\n  - {name: scopes, run: [true]}\n");
  EXPECT_NE(msg.find("the stage name 'scopes' is reserved"), std::string::npos) << msg;
  write_file(tmp / "notenv.yaml", "packages: {}\n");
  msg = error_of("deployment: {name: x}\nstages:\n  - {name: a, environment: notenv.yaml}\n");
  EXPECT_NE(msg.find("notenv.yaml:1: expected a Spack environment"), std::string::npos) << msg;
}

TEST_F(DeploySpecTest, OneEnvironmentAsADeployment) {
  write_file(tmp / "environments" / "neuro-stack.yaml", "spack:\n  specs: [neurotool]\n");
  auto spec = sd::environment_deploy_spec(tmp / "environments" / "neuro-stack.yaml", tmp / "work");
  EXPECT_EQ(spec.name, "neuro-stack");
  ASSERT_EQ(spec.stages.size(), 1u);
  EXPECT_EQ(spec.stages[0].name, "neuro-stack");
  EXPECT_EQ(spec.stages[0].environment, tmp.path() / "work" / ".spack-ext" / "environments" / "neuro-stack");
  EXPECT_EQ(spec.artifacts_output, tmp.path() / "work" / "artifacts");
  // A folder, or its spack.yaml: used where it is, named after the folder.
  auto dir = sd::environment_deploy_spec(tmp / "envs" / "mpi", tmp.path());
  EXPECT_EQ(dir.name, "mpi");
  EXPECT_TRUE(dir.stages[0].manifest.empty());
  EXPECT_EQ(sd::environment_deploy_spec(tmp / "envs" / "mpi" / "spack.yaml", tmp.path()).name, "mpi");
  EXPECT_THROW(sd::environment_deploy_spec(tmp / "nothing.yaml", tmp.path()), spackext::InputError);
}
