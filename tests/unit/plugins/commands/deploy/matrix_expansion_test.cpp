// Matrix expansion: compilers x MPIs x apps into one node per combination,
// each waiting only for its own toolchain.
#include <gtest/gtest.h>

#include <set>

#include "deploy_spec.hpp"
#include "deploy_spec_fixture.hpp"
#include "matrix_expansion.hpp"
#include "spackext/errors.hpp"

namespace sd = spackext::deploy;
using spackext::testing::TempDir;
using spackext::testing::write_file;
namespace fs = std::filesystem;

namespace {

// The case study: 3 compilers, 3 MPIs, 50 applications.
std::string case_study_yaml() {
  std::string apps;
  for (int i = 0; i < 50; ++i) apps += (i ? ", " : "") + std::string("app") + std::to_string(i);
  return "deployment: {name: stack}\n"
         "matrix:\n"
         "  compilers: [gcc@14.2, aocc@5.0, oneapi@2025]\n"
         "  mpis: [openmpi@5, mpich@4, mvapich@3]\n"
         "  apps: [" + apps + "]\n"
         "stages:\n"
         "  - {name: compilers, environment: envs/compilers, matrix: [compilers]}\n"
         "  - {name: mpi, environment: envs/mpi, depends: [compilers], matrix: [compilers, mpis]}\n"
         "  - {name: apps, environment: envs/apps, depends: [mpi], matrix: [compilers, mpis, apps]}\n"
         "  - {name: report, run: [true], depends: [apps]}\n";
}

class MatrixExpansionTest : public ::testing::Test {
 protected:
  void SetUp() override { deploy_test::make_envs(tmp.path(), {"compilers", "mpi", "apps"}); }
  sd::DeploySpec load(const std::string& text) {
    write_file(tmp / "deploy.yaml", text);
    return sd::load_deploy_spec(tmp / "deploy.yaml");
  }
  TempDir tmp;
};

}  // namespace

TEST_F(MatrixExpansionTest, CaseStudyGives450BuildsWithPerToolchainEdges) {
  auto g = sd::expand_stages(load(case_study_yaml()));
  std::map<std::string, std::vector<sd::NodeId>> by_stage;
  for (sd::NodeId i = 0; i < g.size(); ++i) by_stage[g.groups()[g.node(i).group].name].push_back(i);
  ASSERT_EQ(by_stage["compilers"].size(), 3u);
  ASSERT_EQ(by_stage["mpi"].size(), 9u);
  ASSERT_EQ(by_stage["apps"].size(), 450u);
  ASSERT_EQ(by_stage["report"].size(), 1u);
  EXPECT_EQ(g.size(), 463u);
  // 9 mpi->compiler + 450 app->mpi + 450 report->app edges.
  EXPECT_EQ(g.edge_count(), 9u + 450u + 450u);

  std::set<std::string> combos;
  for (auto a : by_stage["apps"]) {
    const auto& n = g.node(a);
    combos.insert(n.axes.at("compiler") + "|" + n.axes.at("mpi") + "|" + n.axes.at("app"));
    ASSERT_EQ(n.deps.size(), 1u) << n.name;
    const auto& mpi = g.node(n.deps[0]);
    EXPECT_EQ(mpi.name, "mpi/" + n.axes.at("compiler") + "/" + n.axes.at("mpi"));
    EXPECT_EQ(n.name, "apps/" + n.axes.at("compiler") + "/" + n.axes.at("mpi") + "/" + n.axes.at("app"));
  }
  EXPECT_EQ(combos.size(), 450u);
  for (auto m : by_stage["mpi"]) {
    const auto& n = g.node(m);
    ASSERT_EQ(n.deps.size(), 1u);
    EXPECT_EQ(g.node(n.deps[0]).name, "compilers/" + n.axes.at("compiler"));
    EXPECT_EQ(n.dependents.size(), 50u);
  }
  EXPECT_EQ(g.node(by_stage["report"][0]).deps.size(), 450u);
  EXPECT_NO_THROW(g.topological_order());
}

TEST_F(MatrixExpansionTest, StageSelectionDropsOtherStagesAndTheirEdges) {
  auto spec = load(case_study_yaml());
  auto g = sd::expand_stages(spec, {"mpi", "apps"});
  EXPECT_EQ(g.size(), 459u);
  EXPECT_EQ(g.edge_count(), 450u);
  EXPECT_FALSE(g.find("compilers/gcc@14.2"));
  EXPECT_THROW(sd::expand_stages(spec, {"nope"}), spackext::InputError);
}

TEST_F(MatrixExpansionTest, StageOwnValuesAndLimits) {
  auto g = sd::expand_stages(load(R"(deployment: {name: x}
stages:
  - name: a
    run: [true]
    parallel: 2
    estimate: 7
    matrix: {compilers: [c1, c2], apps: [x, y, z]}
  - {name: b, run: [true], depends: [a], matrix: {compilers: [c2, c3]}}
)"));
  ASSERT_EQ(g.size(), 8u);
  EXPECT_EQ(g.groups()[0].limit, 2);
  EXPECT_DOUBLE_EQ(g.node(*g.find("a/c1/x")).duration, 7.0);
  // b/c2 waits for the three a/c2/* nodes; b/c3 has no matching node in a.
  EXPECT_EQ(g.node(*g.find("b/c2")).deps.size(), 3u);
  EXPECT_EQ(g.node(*g.find("b/c3")).deps.size(), 0u);
}

TEST_F(MatrixExpansionTest, FourTiersGiveTheStackShape) {
  // compilers -> MPI -> libraries -> applications, as in stack-516: 3 + 9 +
  // 54 + 450 = 516 builds; each app waits for the 6 libraries of its toolchain.
  std::string apps;
  for (int i = 0; i < 50; ++i) apps += (i ? ", " : "") + std::string("app") + std::to_string(i);
  auto g = sd::expand_stages(load(
      "deployment: {name: stack}\n"
      "matrix:\n"
      "  compilers: [gcc@14.2, aocc@5.0, oneapi@2025]\n"
      "  mpis: [openmpi@5, mpich@4, mvapich@3]\n"
      "  libraries: [hdf5, netcdf-c, netcdf-fortran, fftw, parallel-netcdf, petsc]\n"
      "  apps: [" + apps + "]\n"
      "stages:\n"
      "  - {name: compilers, environment: envs/compilers, matrix: [compilers]}\n"
      "  - {name: mpi, environment: envs/mpi, depends: [compilers], matrix: [compilers, mpis]}\n"
      "  - {name: libs, environment: envs/apps, depends: [mpi], matrix: [compilers, mpis, libraries]}\n"
      "  - {name: apps, environment: envs/apps, depends: [libs], matrix: [compilers, mpis, apps]}\n"));
  EXPECT_EQ(g.size(), 516u);
  EXPECT_EQ(g.edge_count(), 9u + 54u + 450u * 6u);
  const auto& app = g.node(*g.find("apps/aocc@5.0/mpich@4/app7"));
  ASSERT_EQ(app.deps.size(), 6u);
  for (auto d : app.deps) {
    EXPECT_EQ(g.node(d).axes.at("compiler"), "aocc@5.0");
    EXPECT_EQ(g.node(d).axes.at("mpi"), "mpich@4");
    EXPECT_EQ(g.node(d).name.rfind("libs/aocc@5.0/mpich@4/", 0), 0u);
  }
}
