// What nodes run: Spack's default commands per environment and matrix
// combination, and `run` commands with placeholders.
#include <gtest/gtest.h>

#include "deploy_spec.hpp"
#include "deploy_spec_fixture.hpp"
#include "matrix_expansion.hpp"
#include "stage_commands.hpp"

namespace sd = spackext::deploy;
using spackext::testing::TempDir;
using spackext::testing::write_file;

TEST(StageCommands, SpackDefaultsUseTheConfiguredExecutableAndEnvironment) {
  TempDir tmp;
  deploy_test::make_envs(tmp.path(), {"base", "apps"});
  write_file(tmp / "deploy.yaml", R"(deployment: {name: x, spack: /opt/spack/bin/spack}
stages:
  - {name: base, environment: envs/base}
  - name: apps
    environment: envs/apps
    depends: [base]
    matrix: {compilers: [gcc@14.2], mpis: [openmpi@5], apps: [wrf]}
  - name: custom
    run: ["{spack} -e {env} install {spec} # {compiler} {mpi} {app} {stage} {node} {unknown}"]
    environment: envs/apps
    matrix: {compilers: [gcc@14.2], mpis: [openmpi@5], apps: [my app]}
)");
  auto spec = sd::load_deploy_spec(tmp / "deploy.yaml");
  auto g = sd::expand_stages(spec);
  auto env_base = (tmp / "envs" / "base").string();
  auto env_apps = (tmp / "envs" / "apps").string();
  EXPECT_EQ(sd::node_commands(spec, spec.stages[0], g.node(*g.find("base"))),
            (std::vector<std::string>{"/opt/spack/bin/spack -e " + env_base + " concretize -f",
                                      "/opt/spack/bin/spack -e " + env_base + " install"}));
  const auto& app = g.node(*g.find("apps/gcc@14.2/openmpi@5/wrf"));
  EXPECT_EQ(sd::node_spec(app), "wrf %gcc@14.2 ^openmpi@5");
  EXPECT_EQ(sd::node_commands(spec, spec.stages[1], app),
            (std::vector<std::string>{"/opt/spack/bin/spack -e " + env_apps + " concretize",
                                      "/opt/spack/bin/spack -e " + env_apps + " install 'wrf %gcc@14.2 ^openmpi@5'"}));
  const auto& custom = g.node(*g.find("custom/gcc@14.2/openmpi@5/my app"));
  EXPECT_EQ(sd::node_commands(spec, spec.stages[2], custom)[0],
            "/opt/spack/bin/spack -e " + env_apps + " install 'my app %gcc@14.2 ^openmpi@5' # gcc@14.2 openmpi@5 "
            "'my app' custom 'custom/gcc@14.2/openmpi@5/my app' {unknown}");
}

TEST(StageCommands, ShellQuoting) {
  EXPECT_EQ(sd::shell_quote("gcc@14.2"), "gcc@14.2");
  EXPECT_EQ(sd::shell_quote("a b"), "'a b'");
  EXPECT_EQ(sd::shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(sd::shell_quote(""), "''");
}
