// `spack-ext package` through the real host: the documented commands run
// verbatim and in order (seed-interface.md), then bad input.
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
using spackext::testing::read_file;
using spackext::testing::run_host;
using spackext::testing::RunOptions;
using spackext::testing::TempDir;
using spackext::testing::write_file;

class PackageCli : public ::testing::Test {
 protected:
  spackext::testing::RunResult host(const std::vector<std::string>& args, const fs::path& cwd) {
    RunOptions o;
    o.cwd = cwd;
    o.unset_env.push_back("SPACK_ROOT");
    return run_host(args, tmp.path(), o);
  }
  TempDir tmp;
};

TEST_F(PackageCli, DocumentedCommandsInOrder) {
  // The documented import reads templates/packages/neuroscience/ from the
  // current folder: the project's own templates, linked in.
  fs::create_directory_symlink(spackext::testing::source_dir() / "templates", tmp / "templates");
  fs::create_directories(tmp / "packages");

  auto r = host({"package", "create", "my-neuroscience-tool", "--family", "neuroscience", "--version", "2.1.0", "--deps",
                 "python,numpy,scipy"},
                tmp / "packages");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(tmp / "packages/my-neuroscience-tool.yaml"));

  r = host({"package", "validate", "./packages/my-neuroscience-tool.yaml"}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ok (my-neuroscience-tool 2.1.0, 3 dependencies"), std::string::npos) << r.out;

  r = host({"package", "list", "--family", "neuroscience"}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;  // empty before the import

  r = host({"package", "import", "--family", "neuroscience", "--from", "templates/packages/neuroscience/"}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("imported 3 packages into family neuroscience"), std::string::npos) << r.out;
  // No Spack on this machine: the dependencies are not checked, and it says so.
  EXPECT_NE(r.err.find("warning: no Spack builtin package list found"), std::string::npos) << r.err;

  r = host({"package", "env-create", "--family", "neuroscience", "--output", "environments/neuro-stack.yaml"}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto env = YAML::LoadFile((tmp / "environments/neuro-stack.yaml").string());
  std::vector<std::string> specs;
  for (const auto& s : env["spack"]["specs"]) specs.push_back(s.as<std::string>());
  EXPECT_EQ(specs.at(0), "connectome-viewer@0.9.2");  // the catalog lists a family by name
  EXPECT_NE(std::find(specs.begin(), specs.end(), "neurotool@3.2.1"), specs.end());
  EXPECT_NE(std::find(specs.begin(), specs.end(), "python@3.11:"), specs.end());
  EXPECT_EQ(env["spack"]["packages"]["python"]["require"][0].as<std::string>(), "@3.11:3.12");

  r = host({"package", "list", "--family", "neuroscience", "--json"}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto listed = nlohmann::json::parse(r.out);
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[1]["name"], "neurotool");
  EXPECT_EQ(listed[1]["dependencies"][0], "python@3.11:");
}

TEST_F(PackageCli, EnvCreateWithProfileTargetAndRepo) {
  auto r = host({"package", "import", "--family", "neuroscience", "--from",
                 (spackext::testing::source_dir() / "templates/packages/neuroscience").string()},
                tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = host({"package", "env-create", "--family", "neuroscience", "--profile", "optimized", "--arch", "zen4", "--output",
            "stack", "--repo", "repo"},
           tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto env = YAML::LoadFile((tmp / "stack/spack.yaml").string());  // a folder gets spack.yaml
  EXPECT_EQ(env["spack"]["packages"]["all"]["require"][0].as<std::string>(), "target=zen4");
  EXPECT_EQ(env["spack"]["repos"]["neuroscience"].as<std::string>(), (tmp / "repo/spack_repo/neuroscience").string());
  EXPECT_TRUE(fs::exists(tmp / "repo/spack_repo/neuroscience/repo.yaml"));
  EXPECT_TRUE(fs::exists(tmp / "repo/spack_repo/neuroscience/packages/connectome_viewer/package.py"));

  // Importing the same folder again is refused, and nothing changes.
  r = host({"package", "import", "--family", "neuroscience", "--from",
            (spackext::testing::source_dir() / "templates/packages/neuroscience").string()},
           tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is already in the catalog"), std::string::npos) << r.err;
}

TEST_F(PackageCli, BadInputExitsTwoWithEveryError) {
  write_file(tmp / "bad.yaml", "name: bad\nfamily: f\nversion: '1'\ndependencies:\n  - hdf5 +mpi $x\n  - zlib@\n");
  write_file(tmp / "broken.yaml", "name: [unclosed\n");
  auto r = host({"package", "validate", "bad.yaml"}, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:5:15: dependencies[0]: invalid spec 'hdf5 +mpi $x' at column 11"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.yaml:6:"), std::string::npos) << r.err;
  // A YAML syntax error is the first class of errors: only it is listed.
  r = host({"package", "validate", "bad.yaml", "broken.yaml"}, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("broken.yaml:"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("bad.yaml:5"), std::string::npos) << r.err;
  r = host({"package", "validate", "missing.yaml"}, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  write_file(tmp / "loop.yaml", "name: loop\nfamily: &x [*x]\n");  // crashed validate (SIGSEGV)
  r = host({"package", "validate", "loop.yaml"}, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("loop.yaml:2: an alias refers to"), std::string::npos) << r.err;
  r = host({"package", "import", "--family", "f", "--from", "nowhere"}, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no such folder"), std::string::npos) << r.err;
  r = host({"package", "env-create", "--family", "nobody"}, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  r = host({"package", "create", "Bad_Name", "--family", "f", "--version", "1"}, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(fs::exists(tmp / "Bad_Name.yaml"));
}

TEST_F(PackageCli, ImportChecksDependenciesAgainstAKnownList) {
  write_file(tmp / "defs/a.yaml", "name: a\nfamily: f\nversion: '1'\ndependencies: [zlib, numpy, b]\n");
  write_file(tmp / "defs/b.yaml", "name: b\nfamily: f\nversion: '1'\n");
  write_file(tmp / "known.txt", "zlib\npy-numpy\n");
  auto r = host({"package", "import", "--family", "f", "--from", "defs", "--known-packages", "known.txt"}, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("a.yaml:4: dependencies: 'numpy' is neither in the catalog nor a package Spack knows"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("did you mean 'py-numpy'?"), std::string::npos) << r.err;
  r = host({"package", "list", "--json"}, tmp.path());
  EXPECT_EQ(nlohmann::json::parse(r.out).size(), 0u);  // nothing of the folder went in
}

}  // namespace
