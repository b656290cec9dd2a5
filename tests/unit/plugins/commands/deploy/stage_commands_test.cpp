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

TEST(StageCommands, ManifestFilesScopesAndExportedSections) {
  TempDir tmp;
  write_file(tmp / "environments" / "externals.yaml", "spack:\n  specs: [cmake]\n");
  write_file(tmp / "deploy.yaml", R"(deployment: {name: x, base_path: /opt/spack}
stages:
  - {name: externals, environment: environments/externals.yaml}
  - {name: custom, run: ["{spack} find"], depends: [externals]}
artifacts:
  propagate: [packages.yaml, site-notes.yaml]
)");
  auto spec = sd::load_deploy_spec(tmp / "deploy.yaml");
  auto g = sd::expand_stages(spec);
  const std::string env = "/opt/spack/.spack-ext/environments/externals";
  const std::vector<std::string> scopes{"/o/scopes/a", "/o/scopes/b c"};
  auto cmds = sd::node_commands(spec, spec.stages[0], g.node(*g.find("externals")), scopes);
  const std::string spack = "spack -C /o/scopes/a -C '/o/scopes/b c'";
  ASSERT_EQ(cmds.size(), 4u);
  EXPECT_EQ(cmds[0], "rm -rf " + env + ".new.$$ && " + spack + " env create -d " + env + ".new.$$ " +
                         (tmp / "environments" / "externals.yaml").string() + " > /dev/null && mkdir -p " + env +
                         " && mv -f " + env + ".new.$$/spack.yaml " + env + "/spack.yaml && rm -rf " + env + ".new.$$");
  EXPECT_EQ(cmds[1], spack + " -e " + env + " concretize -f");
  EXPECT_EQ(cmds[2], spack + " -e " + env + " install");
  // Only Spack configuration sections are exported; site-notes.yaml is the stage's own to write.
  EXPECT_EQ(cmds[3], spack + " -e " + env + " config get packages > \"$SPACKEXT_ARTIFACTS\"/packages.yaml");
  // {spack} in run commands carries the scopes too; no export there.
  EXPECT_EQ(sd::node_commands(spec, spec.stages[1], g.node(*g.find("custom")), scopes),
            (std::vector<std::string>{spack + " find"}));
}
