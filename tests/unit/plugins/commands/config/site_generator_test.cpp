// `config generate` end to end in-process: real providers, the shipped
// templates, the real compilers and tools of this machine. Every scope it
// writes is checked with the validator and against the shapes Spack itself
// wrote (../shared/fixtures/spack/config).
#include <cstdlib>
#include <functional>
#include <map>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "aws_provider.hpp"
#include "azure_provider.hpp"
#include "gcp_provider.hpp"
#include "scope_validator.hpp"
#include "site_generator.hpp"
#include "site_provider.hpp"
#include "spackext/errors.hpp"
#include "spackext/yaml_document.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using namespace spackext::config;
namespace fs = std::filesystem;
namespace t = spackext::testing;

class SiteGeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Providers that never probe this machine's firmware or network.
    registry_.add<spackext::Provider>("aws", std::make_shared<spackext::aws::AwsProvider>(
                                                 spackext::CloudProbe{"/nonexistent", "http://127.0.0.1:9", false}));
    registry_.add<spackext::Provider>("gcp", std::make_shared<spackext::gcp::GcpProvider>(
                                                 spackext::CloudProbe{"/nonexistent", "http://127.0.0.1:9", false}));
    registry_.add<spackext::Provider>(
        "azure", std::make_shared<spackext::azure::AzureProvider>(
                     spackext::CloudProbe{"/nonexistent", "http://127.0.0.1:9", false}));
    spackext::site::SiteProbe probe;
    probe.mounts_file = work_ / "mounts";
    t::write_file(probe.mounts_file, "10.0.0.5@tcp:/scratch /scratch lustre rw 0 0\n");
    registry_.add<spackext::Provider>("site", std::make_shared<spackext::site::SiteProvider>(probe));
  }

  SiteGenerator generator(std::vector<fs::path> roots = {}) {
    if (roots.empty()) roots = {t::source_dir() / "templates" / "site-config"};
    return SiteGenerator(registry_, TemplateStore(roots), config_);
  }

  GenerateRequest aws_hpc7a() {
    GenerateRequest r;
    r.provider = "aws";
    r.instance_type = "hpc7a.96xlarge";
    r.region = "eu-west-1";
    r.output = work_ / "scope";
    return r;
  }

  void expect_valid_scope(const fs::path& dir) {
    ScopeValidator v;
    for (const auto& issue : v.validate_scope(dir)) ADD_FAILURE() << issue.to_string();
  }

  t::TempDir work_;
  spackext::Registry registry_;
  spackext::Config config_{nlohmann::json{{"sites", {{"hpc1", {{"mirror_url", "file:///srv/buildcache"}}}}}}};
};

std::set<std::string> keys(const YAML::Node& map) {
  std::set<std::string> out;
  for (const auto& kv : map) out.insert(kv.first.as<std::string>());
  return out;
}

TEST_F(SiteGeneratorTest, AwsHpc7aScopeIsValidAndFitsTheInstance) {
  auto result = generator().generate(aws_hpc7a());
  const fs::path scope = work_ / "scope";
  std::vector<std::string> expected = {"config.yaml", "mirrors.yaml", "modules.yaml", "packages.yaml", "postinstall.sh"};
  auto files = result.files;
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, expected);
  expect_valid_scope(scope);

  auto packages = YAML::LoadFile((scope / "packages.yaml").string())["packages"];
  EXPECT_EQ(packages["all"]["target"][0].as<std::string>(), "zen4");
  EXPECT_EQ(packages["all"]["providers"]["mpi"][0].as<std::string>(), "openmpi");
  EXPECT_EQ(packages["openmpi"]["variants"].as<std::string>(), "fabrics=ofi");
  auto config = YAML::LoadFile((scope / "config.yaml").string())["config"];
  EXPECT_EQ(config["build_jobs"].as<int>(), 192);
  EXPECT_EQ(config["build_jobs"].Tag(), "?");  // an integer, not a quoted string
  auto modules = YAML::LoadFile((scope / "modules.yaml").string())["modules"]["default"];
  EXPECT_EQ(modules["enable"][0].as<std::string>(), "lmod");
  EXPECT_EQ(modules["lmod"]["hierarchy"][0].as<std::string>(), "mpi");
  EXPECT_TRUE(modules["lmod"]["openmpi"]["environment"]["set"]["FI_PROVIDER"]);
  EXPECT_TRUE(fs::status(scope / "postinstall.sh").permissions() != fs::perms::none);
  EXPECT_NE(fs::status(scope / "postinstall.sh").permissions() & fs::perms::owner_exec, fs::perms::none);
  auto sh = t::run({"/bin/sh", "-n", (scope / "postinstall.sh").string()});
  EXPECT_EQ(sh.exit_code, 0) << sh.err;
}

TEST_F(SiteGeneratorTest, EveryProviderFamilyGivesAValidScope) {
  for (auto [provider, type] : std::vector<std::pair<std::string, std::string>>{
           {"aws", "hpc7g.16xlarge"}, {"aws", "p5.48xlarge"}, {"aws", "c7i.48xlarge"},
           {"gcp", "h3-standard-88"}, {"gcp", "a3-highgpu-8g"}, {"azure", "Standard_HB176rs_v4"},
           {"azure", "Standard_ND96isr_H100_v5"}}) {
    GenerateRequest r;
    r.provider = provider;
    r.instance_type = type;
    r.output = work_ / ("scope-" + type);
    auto result = generator().generate(r);
    SCOPED_TRACE(type);
    expect_valid_scope(r.output);
    auto packages = YAML::LoadFile((r.output / "packages.yaml").string())["packages"];
    EXPECT_EQ(packages["all"]["target"][0].as<std::string>(), result.context["cloud"]["microarch"]);
    if (result.context["cloud"].value("gpus", 0) > 0) {
      EXPECT_NE(packages["all"]["variants"].as<std::string>().find("+cuda"), std::string::npos);
    }
  }
}

// Spack 1.x compilers: externals of the compiler package, in exactly the
// shape Spack's own first-run detection wrote on a Debian 12 machine.
TEST_F(SiteGeneratorTest, CompilersAsExternalsHaveTheShapeSpackWrites) {
  SPACKEXT_REQUIRE_FIXTURE(fixture_file, "fixtures/spack/config/packages.compilers-autodetected.yaml");
  auto fixture = YAML::LoadFile(fixture_file.string())["packages"];
  auto result = generator().generate(aws_hpc7a());
  if (result.context["compilers"].empty()) GTEST_SKIP() << "no compilers on this machine";
  auto packages = YAML::LoadFile((work_ / "scope" / "packages.yaml").string())["packages"];
  int compared = 0;
  for (const auto& pkg : {"gcc", "llvm"}) {
    if (!packages[pkg]) continue;
    const auto ours = packages[pkg]["externals"][0];
    const auto theirs = fixture[pkg]["externals"][0];
    auto our_keys = keys(ours);
    EXPECT_EQ(our_keys, keys(theirs)) << pkg;
    for (const auto& k : keys(ours["extra_attributes"]["compilers"])) {
      EXPECT_TRUE(theirs["extra_attributes"]["compilers"][k] || k == "fortran") << pkg << " " << k;
    }
    // Same compiler as the machine that made the fixture: the same entry.
    if (ours["spec"].as<std::string>().substr(0, ours["spec"].as<std::string>().find_first_of("+ ")) ==
        theirs["spec"].as<std::string>().substr(0, theirs["spec"].as<std::string>().find_first_of("+ "))) {
      EXPECT_EQ(ours["spec"].as<std::string>(), theirs["spec"].as<std::string>());
      EXPECT_EQ(ours["prefix"].as<std::string>(), theirs["prefix"].as<std::string>());
      for (const auto& k : keys(theirs["extra_attributes"]["compilers"])) {
        EXPECT_EQ(ours["extra_attributes"]["compilers"][k].as<std::string>(),
                  theirs["extra_attributes"]["compilers"][k].as<std::string>());
      }
      ++compared;
    }
  }
  RecordProperty("compared_with_fixture", compared);
}

// Spack 0.23: compilers.yaml in the shape `spack compiler find` wrote.
TEST_F(SiteGeneratorTest, Spack023WritesCompilersYamlLikeSpackDid) {
  SPACKEXT_REQUIRE_FIXTURE(fixture_file, "fixtures/spack/config/compilers.v0.23-autodetected.yaml");
  auto fixture = YAML::LoadFile(fixture_file.string())["compilers"];
  auto r = aws_hpc7a();
  r.spack_version = "0.23";
  auto result = generator().generate(r);
  expect_valid_scope(r.output);
  if (result.context["compilers"].empty()) GTEST_SKIP() << "no compilers on this machine";
  auto compilers = YAML::LoadFile((r.output / "compilers.yaml").string())["compilers"];
  ASSERT_TRUE(compilers.IsSequence());
  for (const auto& entry : compilers) {
    const auto c = entry["compiler"];
    EXPECT_EQ(keys(c), keys(fixture[0]["compiler"]));
    EXPECT_EQ(keys(c["paths"]), keys(fixture[0]["compiler"]["paths"]));
    for (const auto& f : fixture) {
      if (f["compiler"]["spec"].as<std::string>() == c["spec"].as<std::string>() &&
          f["compiler"]["operating_system"].as<std::string>() == c["operating_system"].as<std::string>()) {
        EXPECT_EQ(YAML::Dump(c), YAML::Dump(f["compiler"]));
      }
    }
  }
  // Spack 0.x has no compilers in packages.yaml.
  auto packages = YAML::LoadFile((r.output / "packages.yaml").string())["packages"];
  if (packages["gcc"]) {
    for (const auto& e : packages["gcc"]["externals"]) EXPECT_FALSE(e["extra_attributes"]);
  }
}

TEST_F(SiteGeneratorTest, AutoDetectOnThisMachineGivesAValidScope) {
  GenerateRequest r;
  r.auto_detect = true;
  r.output = work_ / "auto";
  auto result = generator().generate(r);
  expect_valid_scope(r.output);
  EXPECT_FALSE(result.context["target"].get<std::string>().empty());
  EXPECT_EQ(result.context["site"]["filesystems"][0]["type"], "lustre");
}

TEST_F(SiteGeneratorTest, SiteProfileAndVarsFeedTheTemplates) {
  auto r = aws_hpc7a();
  r.site = "hpc1";
  auto result = generator().generate(r);
  auto mirrors = YAML::LoadFile((r.output / "mirrors.yaml").string())["mirrors"];
  EXPECT_EQ(mirrors["site-buildcache"]["url"].as<std::string>(), "file:///srv/buildcache");

  r.output = work_ / "scope2";
  r.vars = {{"mirror_url", "s3://bucket/cache"}, {"mirror_name", "cloud"}, {"install_root", "/opt/spack"}};
  generator().generate(r);
  expect_valid_scope(r.output);
  mirrors = YAML::LoadFile((r.output / "mirrors.yaml").string())["mirrors"];
  EXPECT_EQ(mirrors["cloud"]["url"].as<std::string>(), "s3://bucket/cache");
  auto config = YAML::LoadFile((r.output / "config.yaml").string())["config"];
  EXPECT_EQ(config["install_tree"]["root"].as<std::string>(), "/opt/spack");
}

// mirrors.yaml and modules.yaml use only keys Spack itself wrote or read in
// the fixtures (`spack mirror add`, the modules.yaml Spack refreshed with).
TEST_F(SiteGeneratorTest, MirrorsAndModulesUseTheKeysSpackUses) {
  SPACKEXT_REQUIRE_FIXTURE(mirrors_fixture, "fixtures/spack/config/mirrors.generated-by-spack-mirror-add.yaml");
  SPACKEXT_REQUIRE_FIXTURE(modules_fixture, "fixtures/spack/modules/modules.yaml");
  auto r = aws_hpc7a();
  r.vars = {{"mirror_url", "s3://bucket/cache"}};
  generator().generate(r);
  std::set<std::string> spack_mirror_keys;
  for (const auto& m : YAML::LoadFile(mirrors_fixture.string())["mirrors"]) {
    for (const auto& k : keys(m.second)) spack_mirror_keys.insert(k);
  }
  for (const auto& m : YAML::LoadFile((r.output / "mirrors.yaml").string())["mirrors"]) {
    for (const auto& k : keys(m.second)) EXPECT_TRUE(spack_mirror_keys.count(k)) << k;
  }
  auto theirs = YAML::LoadFile(modules_fixture.string())["modules"]["default"];
  auto ours = YAML::LoadFile((r.output / "modules.yaml").string())["modules"]["default"];
  for (const auto& k : keys(ours)) EXPECT_TRUE(theirs[k]) << "modules.default." << k;
  for (const auto& k : {"core_compilers", "hierarchy", "hash_length", "exclude", "projections", "all"}) {
    EXPECT_TRUE(ours["lmod"][k]) << k;
    EXPECT_EQ(ours["lmod"][k].Type(), theirs["lmod"][k].Type()) << k;
  }
  EXPECT_EQ(YAML::Dump(ours["lmod"]["all"]), YAML::Dump(theirs["lmod"]["all"]));
  EXPECT_EQ(YAML::Dump(ours["lmod"]["projections"]), YAML::Dump(theirs["lmod"]["projections"]));
}

// A Slurm site: slurm is an external that is never built, and Open MPI is
// built with Slurm support. Needs the Slurm client installed.
TEST_F(SiteGeneratorTest, SlurmSiteGetsSlurmExternalAndOpenMpiSchedulers) {
  auto r = aws_hpc7a();
  r.site = "hpc1";
  auto result = generator().generate(r);
  if (!result.context["has_slurm"].get<bool>()) GTEST_SKIP() << "no Slurm client installed";
  auto packages = YAML::LoadFile((r.output / "packages.yaml").string())["packages"];
  EXPECT_FALSE(packages["slurm"]["buildable"].as<bool>());
  EXPECT_EQ(packages["slurm"]["externals"][0]["spec"].as<std::string>(),
            "slurm@" + result.context["site"]["slurm"]["version"].get<std::string>());
  EXPECT_EQ(packages["openmpi"]["variants"].as<std::string>(), "fabrics=ofi schedulers=slurm");
}

// A site on Environment Modules gets Tcl module files in the shape of the
// fixture's tcl section; Lmod sites get the hierarchy.
TEST_F(SiteGeneratorTest, EnvironmentModulesSiteGetsTclModules) {
  SPACKEXT_REQUIRE_FIXTURE(modules_fixture, "fixtures/spack/modules/modules.yaml");
  spackext::Registry registry;
  spackext::site::SiteProbe probe;
  probe.mounts_file = work_ / "mounts";
  probe.search_path = {work_.path()};
  probe.getenv = [](const std::string& k) -> std::optional<std::string> {
    if (k == "MODULESHOME") return std::string("/usr/share/modules");
    return std::nullopt;
  };
  registry.add<spackext::Provider>("site", std::make_shared<spackext::site::SiteProvider>(probe));
  GenerateRequest r;
  r.provider = "site";
  r.output = work_ / "tcl-scope";
  auto result = SiteGenerator(registry, TemplateStore({t::source_dir() / "templates" / "site-config"}), config_)
                    .generate(r);
  expect_valid_scope(r.output);
  auto ours = YAML::LoadFile((r.output / "modules.yaml").string())["modules"]["default"];
  auto theirs = YAML::LoadFile(modules_fixture.string())["modules"]["default"];
  EXPECT_EQ(ours["enable"].size(), 1u);
  EXPECT_EQ(ours["enable"][0].as<std::string>(), "tcl");
  EXPECT_FALSE(ours["lmod"]);
  EXPECT_EQ(ours["tcl"]["projections"]["all"].as<std::string>(), theirs["tcl"]["projections"]["all"].as<std::string>());
  EXPECT_EQ(ours["tcl"]["hash_length"].as<int>(), theirs["tcl"]["hash_length"].as<int>());
  EXPECT_NE(t::read_file(r.output / "postinstall.sh").find("module tcl refresh"), std::string::npos);
}

TEST_F(SiteGeneratorTest, SpecStringsStayStrings) {
  t::TempDir roots;
  fs::create_directories(roots / "pinned");
  t::write_file(roots / "pinned" / "packages.yaml.mustache",
                "packages:\n  python:\n    require: [{{pin}}]\n    version: [{{version}}]\n");
  auto r = aws_hpc7a();
  r.template_set = "pinned";
  r.vars = {{"pin", "python@3.11:"}, {"version", "3.10"}};
  generator({roots.path()}).generate(r);
  expect_valid_scope(r.output);
  auto python = YAML::LoadFile((r.output / "packages.yaml").string())["packages"]["python"];
  EXPECT_TRUE(python["require"][0].IsScalar());
  EXPECT_EQ(python["require"][0].as<std::string>(), "python@3.11:");
  EXPECT_EQ(python["version"][0].as<std::string>(), "3.10");  // not the number 3.1
}

// --- every template, every provider, site and Spack version -----------------

// What Spack's own loader would trip on and our schemas alone do not see: an
// empty or null key (Spack 0.23 fails with a TypeError, Spack 1.1 keeps a null
// entry), on top of the validator's unknown keys and wrong YAML types.
void expect_spack_reads(const fs::path& scope, const std::string& what) {
  ScopeValidator validator;
  for (const auto& entry : fs::directory_iterator(scope)) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(what + ": " + entry.path().filename().string());
    auto doc = spackext::load_yaml_file(entry.path());
    for (const auto& pointer : doc.null_keys) ADD_FAILURE() << "null key at " << pointer;
    std::function<void(const nlohmann::json&, const std::string&)> walk = [&](const nlohmann::json& n,
                                                                               const std::string& at) {
      if (n.is_object()) {
        for (const auto& [k, v] : n.items()) {
          if (k.empty()) ADD_FAILURE() << "empty key under " << at;
          walk(v, at + "/" + k);
        }
      } else if (n.is_array()) {
        for (const auto& v : n) walk(v, at + "[]");
      }
    };
    walk(doc.root, "");
    for (const auto& issue : validator.validate(doc)) ADD_FAILURE() << issue.to_string();
  }
}

// The largest instance type of each family in the provider's catalog: what
// the templates see differs by family (CPU, fabric, MPI, GPUs), and the
// largest type has every GPU and the most CPUs.
std::vector<std::string> one_instance_type_per_family(const std::string& provider) {
  auto catalog = nlohmann::json::parse(t::read_file(t::source_dir() / "providers" / provider / "catalog.json"));
  std::map<std::string, std::pair<int, std::string>> largest;
  for (const auto& [name, type] : catalog.at("instance_types").items()) {
    auto& best = largest[type.at("family").get<std::string>()];
    const int vcpus = type.value("vcpus", 0);
    if (best.second.empty() || vcpus > best.first) best = {vcpus, name};
  }
  std::vector<std::string> types;
  for (const auto& [family, best] : largest) types.push_back(best.second);
  EXPECT_EQ(types.size(), catalog.at("families").size()) << provider << ": a family without instance types";
  return types;
}

TEST_F(SiteGeneratorTest, EveryInstanceFamilyRendersScopesSpackReadsForBothSpackVersions) {
  std::size_t rendered = 0;
  for (const std::string provider : {"aws", "gcp", "azure"}) {
    for (const auto& type : one_instance_type_per_family(provider)) {
      for (const std::string spack : {"1.1", "0.23"}) {
        GenerateRequest r;
        r.provider = provider;
        r.instance_type = type;
        r.spack_version = spack;
        r.output = work_ / provider / (type + "-" + spack);
        generator().generate(r);
        expect_spack_reads(r.output, provider + " " + type + " spack " + spack);
        ++rendered;
      }
    }
  }
  EXPECT_GE(rendered, 56u);  // 28 families in the three catalogs, two Spack versions
}

// This machine, a site profile, and both module systems: the MPI provider
// the host has (Debian's Open MPI, installed by scripts/deps/config.txt)
// gets its own modules.yaml entry under its name.
TEST_F(SiteGeneratorTest, AutoDetectAndSitesRenderScopesSpackReads) {
  for (const std::string spack : {"1.1", "0.23"}) {
    GenerateRequest r;
    r.auto_detect = true;
    r.spack_version = spack;
    r.output = work_ / ("auto-" + spack);
    auto result = generator().generate(r);
    expect_spack_reads(r.output, "auto-detect spack " + spack);
    const std::string mpi = result.context["mpi_provider"].get<std::string>();
    if (!mpi.empty()) {
      auto lmod = YAML::LoadFile((r.output / "modules.yaml").string())["modules"]["default"]["lmod"];
      EXPECT_TRUE(lmod[mpi]["environment"]["set"]) << "no modules entry for the host's " << mpi;
    }

    r = aws_hpc7a();
    r.site = "hpc1";
    r.spack_version = spack;
    r.output = work_ / ("site-" + spack);
    generator().generate(r);
    expect_spack_reads(r.output, "site hpc1 spack " + spack);
  }
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  for (std::size_t at = 0; at <= dirs.size();) {
    std::size_t end = dirs.find(':', at);
    if (end == std::string::npos) end = dirs.size();
    std::error_code ec;
    if (end > at && fs::is_regular_file(fs::path(dirs.substr(at, end - at)) / program, ec)) return true;
    at = end + 1;
  }
  return false;
}

TEST_F(SiteGeneratorTest, AutoDetectFindsTheHostsOpenMpi) {
  if (!on_path("ompi_info")) GTEST_SKIP() << "Open MPI is not installed (scripts/deps/config.txt installs it)";
  GenerateRequest r;
  r.auto_detect = true;
  r.output = work_ / "auto-mpi";
  auto result = generator().generate(r);
  EXPECT_EQ(result.context["mpi_provider"], "openmpi");
  expect_spack_reads(r.output, "auto-detect with Open MPI");
  auto lmod = YAML::LoadFile((r.output / "modules.yaml").string())["modules"]["default"]["lmod"];
  EXPECT_TRUE(lmod["openmpi"]["environment"]["set"]);
}

// --- bad input: exit 2, a precise message, nothing in the output folder -----

std::string input_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const spackext::InputError& e) {
    EXPECT_EQ(e.exit_code(), 2);
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return {};
}

TEST_F(SiteGeneratorTest, UnknownInstanceTypeSuggestsTheClosest) {
  auto r = aws_hpc7a();
  r.instance_type = "hpc7a.96xlarg";
  auto what = input_error([&] { generator().generate(r); });
  EXPECT_NE(what.find("did you mean 'hpc7a.96xlarge'?"), std::string::npos) << what;
  EXPECT_FALSE(fs::exists(r.output));
  EXPECT_TRUE(fs::is_empty(work_.path()) || !fs::exists(work_ / "scope"));
}

TEST_F(SiteGeneratorTest, UnknownProviderNamesTheInstalledOnes) {
  auto r = aws_hpc7a();
  r.provider = "aww";
  auto what = input_error([&] { generator().generate(r); });
  EXPECT_NE(what.find("unknown provider 'aww'"), std::string::npos) << what;
  EXPECT_NE(what.find("aws"), std::string::npos) << what;
  EXPECT_FALSE(fs::exists(r.output));
}

TEST_F(SiteGeneratorTest, UnknownArchSuggestsTheClosest) {
  auto r = aws_hpc7a();
  r.arch = "sapphirerapid";
  auto what = input_error([&] { generator().generate(r); });
  EXPECT_NE(what.find("--arch: unknown microarchitecture 'sapphirerapid'; did you mean 'sapphirerapids'?"),
            std::string::npos)
      << what;
  EXPECT_FALSE(fs::exists(r.output));
}

TEST_F(SiteGeneratorTest, ArchOverridesTheInstanceCpu) {
  auto r = aws_hpc7a();
  r.arch = "x86_64_v3";
  generator().generate(r);
  auto packages = YAML::LoadFile((r.output / "packages.yaml").string())["packages"];
  EXPECT_EQ(packages["all"]["target"][0].as<std::string>(), "x86_64_v3");
}

TEST_F(SiteGeneratorTest, MalformedVarIsRejected) {
  auto what = input_error([] { parse_var("novalue"); });
  EXPECT_NE(what.find("'novalue' is not KEY=VALUE"), std::string::npos) << what;
  what = input_error([] { parse_var("1abc=x"); });
  EXPECT_NE(what.find("the key '1abc'"), std::string::npos) << what;
  EXPECT_EQ(parse_var("mirror_url=s3://b?x=1").second, "s3://b?x=1");
  auto r = aws_hpc7a();
  r.vars = {{"compilers", "none"}};
  what = input_error([&] { generator().generate(r); });
  EXPECT_NE(what.find("'compilers' is computed"), std::string::npos) << what;
  EXPECT_FALSE(fs::exists(r.output));
}

TEST_F(SiteGeneratorTest, TemplateErrorNamesTemplateAndLineAndWritesNothing) {
  t::TempDir roots;
  fs::create_directories(roots / "broken");
  t::write_file(roots / "broken" / "config.yaml.mustache", "config:\n  build_jobs: {{{build_jobs}}}\n");
  t::write_file(roots / "broken" / "packages.yaml.mustache", "packages:\n  all:\n    target: [{{target}}]\n{{#packages}}\n");
  auto r = aws_hpc7a();
  r.template_set = "broken";
  auto what = input_error([&] { generator({roots.path()}).generate(r); });
  EXPECT_NE(what.find((roots / "broken" / "packages.yaml.mustache").string() + ":4: template error"),
            std::string::npos)
      << what;
  EXPECT_FALSE(fs::exists(r.output));
  for (const auto& e : fs::directory_iterator(work_.path())) {
    EXPECT_EQ(e.path().filename().string().find(".scope.tmp"), std::string::npos) << "temp folder left behind";
  }
}

TEST_F(SiteGeneratorTest, TemplateThatRendersAnInvalidScopeIsRejected) {
  t::TempDir roots;
  fs::create_directories(roots / "bad");
  t::write_file(roots / "bad" / "packages.yaml.mustache", "packages:\n  openmpi:\n    buildable: {{target}}\n");
  auto r = aws_hpc7a();
  r.template_set = "bad";
  auto what = input_error([&] { generator({roots.path()}).generate(r); });
  EXPECT_NE(what.find("packages.yaml:3: packages.openmpi.buildable: 'zen4' is not of type 'boolean'"),
            std::string::npos)
      << what;
  EXPECT_FALSE(fs::exists(r.output));
}

TEST_F(SiteGeneratorTest, UnknownSiteAndRegionAndSpackVersion) {
  auto r = aws_hpc7a();
  r.site = "hpc2";
  EXPECT_NE(input_error([&] { generator().generate(r); }).find("unknown site 'hpc2' (configured: hpc1)"),
            std::string::npos);
  r = aws_hpc7a();
  r.region = "eu-west-9";
  EXPECT_NE(input_error([&] { generator().generate(r); }).find("unknown aws region 'eu-west-9'"), std::string::npos);
  r = aws_hpc7a();
  r.compiler_prefixes = {"/nonexistent/intel/oneapi/compiler/2024.1"};
  EXPECT_NE(input_error([&] { generator().generate(r); }).find("--compiler-prefix: '/nonexistent/intel"),
            std::string::npos);
  r = aws_hpc7a();
  r.spack_version = "2.0";
  EXPECT_NE(input_error([&] { generator().generate(r); }).find("unsupported Spack version '2.0'"), std::string::npos);
  EXPECT_FALSE(fs::exists(r.output));
}

TEST_F(SiteGeneratorTest, ExistingOutputKeepsOtherFiles) {
  auto r = aws_hpc7a();
  fs::create_directories(r.output);
  t::write_file(r.output / "repos.yaml", "repos: []\n");
  t::write_file(r.output / "packages.yaml", "old\n");
  generator().generate(r);
  EXPECT_EQ(t::read_file(r.output / "repos.yaml"), "repos: []\n");
  EXPECT_NE(t::read_file(r.output / "packages.yaml"), "old\n");
}

}  // namespace
