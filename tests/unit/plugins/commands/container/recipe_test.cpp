// The generated recipes against what Spack 1.1.0's `spack containerize`
// wrote for the same environment (shared/fixtures/spack/container):
// compared by structure (base images, install/strip/view steps, entrypoint),
// not byte for byte, since ours adds the buildcache, files and labels.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "recipe.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = spackext::testing;
using namespace spackext::container;

// One Dockerfile instruction per entry, continuation lines joined, comments dropped.
std::vector<std::string> instructions(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line, current;
  while (std::getline(in, line)) {
    if (current.empty() && (line.empty() || line[0] == '#')) continue;
    const bool more = !line.empty() && line.back() == '\\';
    current += more ? line.substr(0, line.size() - 1) : line;
    if (!more) {
      out.push_back(std::regex_replace(current, std::regex("\\s+"), " "));
      current.clear();
    }
  }
  return out;
}

std::vector<std::string> starting_with(const std::vector<std::string>& all, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& i : all)
    if (i.rfind(prefix, 0) == 0) out.push_back(i);
  return out;
}

bool contains(const std::vector<std::string>& all, const std::string& needle) {
  for (const auto& i : all)
    if (i.find(needle) != std::string::npos) return true;
  return false;
}

// The fixture's environment, as a definition, with the fixture's container: settings.
struct FixtureCase {
  ContainerDefinition def;
  RecipeOptions options;
  FixtureCase() {
    def.name = "peer";
    def.arch = "amd64";
    def.file = "amd64/peer.yaml";
    def.specs = {"zlib", "peerhello"};
    options.images = {"spack/ubuntu-jammy:v1.1.0", "ubuntu:22.04", "apt"};
    options.target = "x86_64_v3";
    options.os_packages = {"libgomp1"};
  }
};

TEST(Recipe, DockerfileHasTheStagesAndStepsOfSpackContainerize) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/container");
  FixtureCase c;
  const auto spack = instructions(t::read_file(dir / "Dockerfile"));
  const auto ours = instructions(render_dockerfile(c.def, c.options, "h"));
  // Base images, in order: the builder stage, then the final OS image.
  auto spack_from = starting_with(spack, "FROM ");
  EXPECT_EQ(starting_with(ours, "FROM "), spack_from);
  ASSERT_EQ(spack_from.size(), 2u);
  // Install, strip and view/activation steps, and what the final stage copies
  // and runs, are Spack's instructions verbatim.
  for (const auto& step : spack) {
    if (step.rfind("RUN cd /opt/spack-environment && spack env activate . && spack install", 0) == 0 ||
        step.rfind("RUN mkdir -p /opt/spack-environment", 0) == 0 || step.rfind("LABEL", 0) == 0 ||
        step.rfind("RUN apt-get", 0) == 0)
      continue;  // the manifest is COPYed rather than echoed; labels are our own; no apt-get upgrade
    EXPECT_TRUE(std::find(ours.begin(), ours.end(), step) != ours.end()) << "missing: " << step;
  }
  EXPECT_TRUE(contains(ours, "spack env activate . && spack install --fail-fast && spack gc -y"));
  EXPECT_TRUE(contains(ours, "COPY spack.yaml /opt/spack-environment/spack.yaml"));
  EXPECT_TRUE(contains(ours, "RUN apt-get -yqq update && apt-get -yqq install --no-install-recommends libgomp1 && "
                             "rm -rf /var/lib/apt/lists/*"));
  // The entrypoint comes last, as in Spack's.
  EXPECT_EQ(ours[ours.size() - 2], spack[spack.size() - 2]);
  EXPECT_EQ(ours.back(), spack.back());
}

TEST(Recipe, BuildcacheFilesAndLabelsExtendIt) {
  FixtureCase c;
  c.options.mirror = Mirror{"site", "s3://bucket/cache"};
  c.def.files = {{"files/peer/run.sh", "/opt/run.sh", {}, 3}};
  c.def.version = "1.0";
  const auto ours = instructions(render_dockerfile(c.def, c.options, "abc"));
  EXPECT_TRUE(contains(ours, "spack buildcache keys --install --trust"));
  EXPECT_TRUE(contains(ours, "spack install --fail-fast --use-buildcache only && spack gc -y"));
  EXPECT_TRUE(contains(ours, "COPY files/peer/run.sh /opt/run.sh"));
  EXPECT_TRUE(contains(ours, "LABEL \"io.spack-ext.container.hash\"=\"abc\""));
  EXPECT_TRUE(contains(ours, "LABEL \"org.opencontainers.image.version\"=\"1.0\""));
  // The files land in the final image, after the builder's output.
  auto pos = [&](const std::string& s) {
    return std::find_if(ours.begin(), ours.end(), [&](const std::string& i) { return i.find(s) != std::string::npos; }) -
           ours.begin();
  };
  EXPECT_GT(pos("COPY files/peer/run.sh"), pos("FROM ubuntu:22.04"));
}

// "Key: value" header lines and %section names, in order.
std::vector<std::string> def_outline(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Bootstrap:", 0) == 0 || line.rfind("From:", 0) == 0 || line.rfind("Stage:", 0) == 0 ||
        (line.rfind("%", 0) == 0 && line != "%files"))
      out.push_back(line);
  return out;
}

TEST(Recipe, SingularityDefinitionHasTheStagesOfSpackContainerize) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/container");
  FixtureCase c;
  const std::string spack = t::read_file(dir / "Singularity.def");
  const std::string ours = render_singularity(c.def, c.options, "h");
  EXPECT_EQ(def_outline(ours), def_outline(spack));
  for (const char* step :
       {"  . /opt/spack/share/spack/setup-env.sh\n", "  spack -e . concretize\n", "  spack -e . install\n",
        "  spack gc -y\n", "  spack env activate --sh -d . >> /opt/spack-environment/environment_modifications.sh\n",
        "    awk -F: '{print $1}' | xargs strip\n", "  /opt/software /opt\n", "  /opt/views /opt\n",
        "  ln -s /opt/views/view /opt/view\n", "  apt-get -yqq install --no-install-recommends libgomp1\n",
        "  cat /opt/spack-environment/environment_modifications.sh >> $SINGULARITY_ENVIRONMENT\n"})
    EXPECT_NE(ours.find(step), std::string::npos) << "missing: " << step;
}

TEST(Recipe, SpackYamlKeepsWhatContainerizeFixesAndAddsTheSiteTemplate) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/container/Singularity.def");
  // The manifest Spack embedded (the heredoc of its build stage).
  const std::string def = t::read_file(dir);
  const auto start = def.find("cat << EOF > spack.yaml\n") + std::string("cat << EOF > spack.yaml\n").size();
  const YAML::Node spack = YAML::Load(def.substr(start, def.find("\nEOF\n", start) - start))["spack"];
  FixtureCase c;
  c.def.packages = YAML::Load("peerhello:\n  require: \"@1.0\"\nall:\n  providers:\n    mpi: [peermpi]\n");
  c.options.mirror = Mirror{"site", "file:///cache"};
  c.options.site_template = YAML::Load("spack:\n  packages:\n    all:\n      require: \"%gcc\"\n  config:\n    build_jobs: 8\n");
  const YAML::Node ours = YAML::Load(compose_spack_yaml(c.def, c.options, "h"))["spack"];
  for (const char* key : {"view"}) EXPECT_EQ(ours[key].as<std::string>(), spack[key].as<std::string>());
  EXPECT_EQ(ours["concretizer"]["unify"].as<bool>(), spack["concretizer"]["unify"].as<bool>());
  EXPECT_EQ(ours["config"]["install_tree"]["root"].as<std::string>(),
            spack["config"]["install_tree"]["root"].as<std::string>());
  ASSERT_EQ(ours["specs"].size(), spack["specs"].size());
  for (std::size_t i = 0; i < ours["specs"].size(); ++i)
    EXPECT_EQ(ours["specs"][i].as<std::string>(), spack["specs"][i].as<std::string>());
  // Site template, arch target and the user's packages, merged.
  EXPECT_EQ(ours["packages"]["all"]["target"][0].as<std::string>(), "x86_64_v3");
  EXPECT_EQ(ours["packages"]["all"]["require"].as<std::string>(), "%gcc");
  EXPECT_EQ(ours["packages"]["all"]["providers"]["mpi"][0].as<std::string>(), "peermpi");
  EXPECT_EQ(ours["packages"]["peerhello"]["require"].as<std::string>(), "@1.0");
  EXPECT_EQ(ours["config"]["build_jobs"].as<int>(), 8);
  EXPECT_EQ(ours["mirrors"]["site"].as<std::string>(), "file:///cache");
}

TEST(Recipe, SpackYamlWithoutPackagesOrTemplateStillTargetsTheArchitecture) {
  FixtureCase c;
  c.options.target = "aarch64";
  const YAML::Node ours = YAML::Load(compose_spack_yaml(c.def, c.options, "h"))["spack"];
  ASSERT_TRUE(ours["packages"].IsMap()) << compose_spack_yaml(c.def, c.options, "h");
  EXPECT_EQ(ours["packages"]["all"]["target"][0].as<std::string>(), "aarch64");
  EXPECT_FALSE(ours["mirrors"]);
}

}  // namespace
