// The optimize command over real SDK optimizers (the same objects the family
// plugins register), without the host: argument handling, outputs, errors.
#include <cstdlib>
#include <optional>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <spackext/errors.hpp>
#include <spackext/microarch/microarch.hpp>
#include <spackext_testing/testing.hpp>

#include "host_detection.hpp"
#include "optimize_command.hpp"

namespace {

namespace ma = spackext::microarch;
using spackext::testing::read_file;
using spackext::testing::TempDir;
using spackext::testing::write_file;

std::vector<std::shared_ptr<spackext::Optimizer>> family_optimizers() {
  return {std::make_shared<ma::TableOptimizer>(std::vector<std::string>{"x86_64"}),
          std::make_shared<ma::TableOptimizer>(std::vector<std::string>{"aarch64"}),
          std::make_shared<ma::TableOptimizer>(std::vector<std::string>{"ppc64le", "ppc64"}),
          std::make_shared<ma::TableOptimizer>(std::vector<std::string>{"riscv64"})};
}

struct Run {
  int code = -1;
  std::string out, err;
};

Run run(std::vector<std::string> args, bool json = false,
        std::vector<std::shared_ptr<spackext::Optimizer>> optimizers = family_optimizers(),
        std::filesystem::path host_cpuinfo = "/proc/cpuinfo") {
  spackext::optimize::OptimizeCommand cmd([optimizers] { return optimizers; }, host_cpuinfo);
  spackext::OutputOptions output;
  output.json = json;
  std::ostringstream out, err;
  const auto parsed = spackext::testing::parse_command_words(
      spackext::testing::source_dir() / "plugins/commands/optimize/plugin.json", "optimize", args);
  spackext::CommandInvocation inv{"optimize", std::move(args), output, out, err, parsed};
  Run r;
  r.code = cmd.run(inv);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// Sets (or, with nullptr, removes) an environment variable for a scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// The error a run throws, as the host would report it.
std::pair<int, std::string> failure(std::vector<std::string> args) {
  try {
    run(std::move(args));
  } catch (const spackext::Error& e) {
    return {e.exit_code(), e.what()};
  }
  return {0, ""};
}

// The documented `optimize recommend --package hpl`: no --compiler, so the
// compiler this machine builds with (gcc, a build dependency here), named.
TEST(OptimizeRecommend, WithoutACompilerUsesTheMachinesAndSaysWhich) {
  ScopedEnv cc("CC", nullptr);
  auto r = run({"recommend", "--package", "hpl", "--arch", "zen2"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("no --compiler given; using gcc@"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("-march=znver"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hpl: "), std::string::npos) << r.out;
}

TEST(OptimizeDetect, NamesTheFixtureMicroarchitecture) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/cpuinfo/linux-ubuntu22.04-neoverse_v2");
  auto r = run({"detect", "--cpuinfo", file.string(), "--machine", "aarch64"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("microarchitecture: neoverse_v2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("generic level:     armv9.0a"), std::string::npos) << r.out;
}

TEST(OptimizeDetect, JsonCarriesGenericLevelFeaturesAndAncestry) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/cpuinfo/linux-rocky9-zen5");
  auto j = nlohmann::json::parse(run({"detect", "--cpuinfo", file.string()}, true).out);
  EXPECT_EQ(j["name"], "zen5");
  EXPECT_EQ(j["vendor"], "AuthenticAMD");
  EXPECT_EQ(j["family"], "x86_64");
  EXPECT_EQ(j["generic"], "x86_64_v4");
  EXPECT_EQ(j["ancestors"][0], "zen4");
  EXPECT_TRUE(j["source"]["machine_guessed"].get<bool>());
  EXPECT_GT(j["features"].size(), 40u);
}

TEST(OptimizeDetect, MachineIsGuessedFromTheFileAndOverridable) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/cpuinfo/linux-centos7-power8le");
  auto j = nlohmann::json::parse(run({"detect", "--cpuinfo", file.string()}, true).out);
  EXPECT_EQ(j["name"], "power8le");
  j = nlohmann::json::parse(run({"detect", "--cpuinfo", file.string(), "--machine", "ppc64"}, true).out);
  EXPECT_EQ(j["name"], "power8");
  EXPECT_EQ(j["family"], "ppc64");
}

TEST(OptimizeDetect, LiveHostReadsCpuinfoAndReportsCpuid) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/cpuinfo-host/buildvm-amd-epyc-fam26-virt");
  if (ma::host_machine() != "x86_64") GTEST_SKIP() << "the host sample is x86_64 cpuinfo";
  auto j = nlohmann::json::parse(run({"detect"}, true, family_optimizers(), file).out);
  EXPECT_EQ(j["name"], "x86_64_v4");  // the manifest's answer for that cpuinfo
  ASSERT_TRUE(j.contains("cpuid"));
  EXPECT_FALSE(j["cpuid"]["vendor"].get<std::string>().empty());
}

TEST(OptimizeDetect, BadInputIsExitTwoWithAPreciseMessage) {
  auto [code, msg] = failure({"detect", "--cpuinfo", "/nonexistent/cpuinfo"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(msg.find("/nonexistent/cpuinfo"), std::string::npos) << msg;
  std::tie(code, msg) = failure({"detect", "--cpuinfo", "/proc/cpuinfo", "--machine", "mips"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(msg.find("'mips' is not a valid value for --machine"), std::string::npos) << msg;
  TempDir tmp;
  write_file(tmp / "empty", "no colon here\n");
  std::tie(code, msg) = failure({"detect", "--cpuinfo", (tmp / "empty").string(), "--machine", "x86_64"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(msg.find("expected /proc/cpuinfo text"), std::string::npos) << msg;
  std::tie(code, msg) = failure({"detect", "--microarch-db", (tmp / "absent.json").string()});
  EXPECT_EQ(code, 2);
  std::tie(code, msg) = failure({"detect", "--bogus"});
  EXPECT_EQ(code, 2);
  std::tie(code, msg) = failure({"frobnicate"});
  EXPECT_EQ(code, 2);
}

TEST(OptimizeDetect, NoOptimizerForTheMachineIsAFailure) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/cpuinfo/linux-sifive-u74mc");
  std::vector<std::shared_ptr<spackext::Optimizer>> only_x86 = {
      std::make_shared<ma::TableOptimizer>(std::vector<std::string>{"x86_64"})};
  try {
    run({"detect", "--cpuinfo", file.string()}, false, only_x86);
    FAIL();
  } catch (const spackext::Error& e) {
    EXPECT_EQ(e.exit_code(), 1);
    EXPECT_NE(std::string(e.what()).find("riscv64"), std::string::npos);
  }
}

TEST(OptimizeDetect, ArchspecDatabaseFileReplacesTheBuiltinTable) {
  TempDir tmp;
  write_file(tmp / "m.json", R"({"microarchitectures": {
    "x86_64": {"from": [], "vendor": "generic", "features": []},
    "only_here": {"from": ["x86_64"], "vendor": "GenuineIntel", "features": ["sse2"]}}})");
  write_file(tmp / "cpuinfo", "processor : 0\nvendor_id : GenuineIntel\nflags : sse sse2\n");
  auto j = nlohmann::json::parse(run({"detect", "--cpuinfo", (tmp / "cpuinfo").string(), "--microarch-db",
                                      (tmp / "m.json").string()},
                                     true)
                                     .out);
  EXPECT_EQ(j["name"], "only_here");
  EXPECT_EQ(j["source"]["database"], (tmp / "m.json").string());
}

TEST(OptimizeRecommend, FlagsForCompilerAndArch) {
  EXPECT_EQ(run({"recommend", "--compiler", "gcc@13.2", "--arch", "zen4"}).out, "-march=znver4 -mtune=znver4\n");
  auto r = run({"recommend", "--compiler", "aocc@3.2", "--arch", "zen4"});
  EXPECT_NE(r.err.find("warning: Zen4 processors are not fully supported"), std::string::npos) << r.err;
  auto j = nlohmann::json::parse(run({"recommend", "--compiler", "gcc@14.2", "--arch", "x60"}, true).out);
  EXPECT_EQ(j["target"], "x60");
  EXPECT_EQ(j["flags"].get<std::string>().rfind("-march=rv64imafdcv_zicbom", 0), 0u);
}

TEST(OptimizeRecommend, PackageProfileIsAdded) {
  auto r = run({"recommend", "--compiler", "gcc@13.2", "--arch", "icelake", "--package", "fftw"});
  EXPECT_EQ(r.out, "-march=icelake-client -mtune=icelake-client\nfftw: cflags=\"-O3\" +openmp\n");
}

// gcc 13.2 predates zen5 (archspec: gcc@14.1): the nearest ancestor it
// optimizes for is zen4, said in a warning; --strict refuses as archspec does.
TEST(OptimizeRecommend, TooOldCompilerFallsBackToTheNearestAncestorUnlessStrict) {
  auto r = run({"recommend", "--compiler", "gcc@13.2", "--arch", "zen5"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "-march=znver4 -mtune=znver4\n");
  EXPECT_NE(r.err.find("warning: using the flags of 'zen4', the nearest ancestor of 'zen5'"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("gcc@14.1"), std::string::npos) << r.err;  // the compiler's limit
  // zen3 needs gcc 10.3; its parent zen2 needs 9.0.
  r = run({"recommend", "--compiler", "gcc@9.1", "--arch", "zen3"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "-march=znver2 -mtune=znver2\n");
  EXPECT_NE(r.err.find("'zen2', the nearest ancestor of 'zen3'"), std::string::npos) << r.err;
  // --json carries the warning too.
  r = run({"recommend", "--compiler", "gcc@13.2", "--arch", "zen5"}, true);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["flags"], "-march=znver4 -mtune=znver4");
  ASSERT_FALSE(j["warnings"].empty());
}

TEST(OptimizeRecommend, ErrorsNameWhatIsWrong) {
  auto [code, msg] = failure({"recommend", "--compiler", "gcc@13.2", "--arch", "zen5", "--strict"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(msg.find("the first version that supports it is gcc@14.1"), std::string::npos) << msg;
  std::tie(code, msg) = failure({"recommend", "--compiler", "gcc@13.2", "--arch", "zen9"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(msg.find("unknown microarchitecture 'zen9'"), std::string::npos) << msg;
  std::tie(code, msg) = failure({"recommend", "--compiler", "frob@1.0", "--arch", "zen4"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(msg.find("unknown compiler 'frob' for the x86_64 family; known: "), std::string::npos) << msg;
  std::tie(code, msg) = failure({"recommend", "--compiler", "gcc@13.x", "--arch", "zen4"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(msg.find("malformed version '13.x'"), std::string::npos) << msg;
  std::tie(code, msg) = failure({"recommend", "--compiler", "gcc", "--arch", "zen4"});
  EXPECT_EQ(code, 2);
  {
    // No compiler given and none on PATH: say what to give.
    ScopedEnv path("PATH", "/nonexistent"), cc("CC", nullptr);
    std::tie(code, msg) = failure({"recommend", "--arch", "zen4"});
    EXPECT_EQ(code, 2);
    EXPECT_NE(msg.find("give --compiler NAME@VERSION"), std::string::npos) << msg;
  }
  std::tie(code, msg) = failure({"recommend", "--compiler", "intel@2021.1", "--arch", "zen4", "--strict"});
  EXPECT_NE(msg.find("'zen3'"), std::string::npos) << msg;
}

TEST(OptimizeGenerate, WritesASpackPackagesYaml) {
  TempDir tmp;
  const auto out = tmp / "packages.yaml";
  auto r = run({"generate", "--arch", "zen4", "--compiler", "gcc@13.2", "--output", out.string()});
  EXPECT_EQ(r.code, 0);
  const std::string text = read_file(out);
  auto doc = YAML::Load(text);
  ASSERT_TRUE(doc["packages"]["all"]["target"].IsSequence());
  EXPECT_EQ(doc["packages"]["all"]["target"][0].as<std::string>(), "zen4");
  EXPECT_EQ(doc["packages"]["all"]["prefer"][0].as<std::string>(), "%gcc@13.2");
  ASSERT_TRUE(doc["packages"]["fftw"]["require"].IsSequence());
  EXPECT_TRUE(doc["packages"]["fftw"]["require"][0].IsScalar());
  EXPECT_EQ(doc["packages"]["fftw"]["require"][0].as<std::string>(), "cflags=\"-O3\" +openmp");
  // Spec strings are quoted in the text itself.
  EXPECT_NE(text.find("'%gcc@13.2'"), std::string::npos) << text;
  EXPECT_NE(text.find("'cflags=\"-O3\" +openmp'"), std::string::npos) << text;
  EXPECT_NE(text.find("-march=znver4 -mtune=znver4"), std::string::npos) << text;  // the comment
  // Only the file: no temporary left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(tmp.path()), {}), 1);
}

TEST(OptimizeGenerate, RefusesBadInputWithoutWritingAnything) {
  TempDir tmp;
  const auto out = tmp / "packages.yaml";
  auto [code, msg] = failure({"generate", "--arch", "zen5", "--compiler", "gcc@12.1", "--output", out.string(), "--strict"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(msg.find("gcc@14.1"), std::string::npos) << msg;
  std::tie(code, msg) = failure({"generate", "--arch", "zenn4", "--output", out.string()});
  EXPECT_EQ(code, 2);
  EXPECT_NE(msg.find("zen4"), std::string::npos) << msg;  // suggested
  std::tie(code, msg) = failure({"generate", "--arch", "zen4", "--output", (tmp / "no/dir/p.yaml").string()});
  EXPECT_EQ(code, 2);
  std::tie(code, msg) = failure({"generate", "--arch", "zen4"});
  EXPECT_EQ(code, 2);
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
}

TEST(OptimizeGenerate, ProfilesFileReplacesTheDefaults) {
  TempDir tmp;
  write_file(tmp / "profiles.yaml", "profiles:\n  python: {variants: \"@3.11:\"}\n");
  const auto out = tmp / "packages.yaml";
  run({"generate", "--arch", "neoverse_v2", "--profiles", (tmp / "profiles.yaml").string(), "--output",
       out.string()});
  auto doc = YAML::Load(read_file(out));
  EXPECT_FALSE(doc["packages"]["fftw"]);
  // "@3.11:" stays a string, not a YAML map.
  EXPECT_TRUE(doc["packages"]["python"]["require"][0].IsScalar());
  EXPECT_EQ(doc["packages"]["python"]["require"][0].as<std::string>(), "@3.11:");
}

// A vendor table outranks the family one for its CPU only.
TEST(OptimizeDetect, VendorOptimizerWinsOnItsOwnCpu) {
  auto vendor = std::make_shared<ma::TableOptimizer>(
      std::vector<std::string>{"x86_64"},
      "@ acme_z | zen4 | AuthenticAMD\n+ acme_matrix\nc gcc | 13: | znver4 | -march={name} -macme\n", "acme");
  auto with_vendor = family_optimizers();
  with_vendor.insert(with_vendor.begin(), vendor);
  auto flags = ma::Database::builtin()->get("zen4").features;
  flags.erase("sse3");
  std::string text = "processor : 0\nvendor_id : AuthenticAMD\nflags : pni";
  for (const auto& f : flags) text += " " + f;
  TempDir tmp;
  write_file(tmp / "zen4", text + "\n");
  write_file(tmp / "acme", text + " acme_matrix\n");
  auto name = [&](const char* file, auto opts) {
    return nlohmann::json::parse(run({"detect", "--cpuinfo", (tmp / file).string()}, true, opts).out)["name"];
  };
  EXPECT_EQ(name("acme", with_vendor), "acme_z");
  EXPECT_EQ(name("zen4", with_vendor), "zen4");  // not its CPU: the family optimizer answers
  EXPECT_EQ(name("acme", family_optimizers()), "zen4");
  EXPECT_EQ(run({"recommend", "--compiler", "gcc@13.2", "--arch", "acme_z"}, false, with_vendor).out,
            "-march=znver4 -macme\n");
}

}  // namespace

namespace {

// CPUID that reports what the research VM's kernel hid from /proc/cpuinfo
// (the manifest lists them): detection reports both answers.
TEST(HostDetection, CpuidSeeingHiddenFeaturesIsReportedBeside) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/cpuinfo-host/manifest.json");
  const auto manifest = nlohmann::json::parse(read_file(dir));
  const auto& e = manifest.at("buildvm-amd-epyc-fam26-virt");
  const auto hidden = e.at("archspec_missing_features_for_amd_targets").at("zen5").get<std::vector<std::string>>();
  spackext::optimize::CpuSource source;
  source.machine = "x86_64";
  source.origin = "host";
  source.cpuinfo = read_file(dir.parent_path() / "buildvm-amd-epyc-fam26-virt");
  source.cpuid.available = true;
  source.cpuid.vendor = "AuthenticAMD";
  source.cpuid.features = {hidden.begin(), hidden.end()};
  source.cpuid.features.insert({"hypervisor", "avx2", "sse2"});  // also in cpuinfo, or not needed
  auto d = spackext::optimize::detect_cpu(family_optimizers(), source, nullptr);
  EXPECT_EQ(d.answer.name, e.at("expected").get<std::string>());
  ASSERT_TRUE(d.with_cpuid);
  EXPECT_EQ(d.with_cpuid->name, "zen5");
  EXPECT_TRUE(d.cpuid_differs());
  EXPECT_EQ(d.hidden, hidden);
}

}  // namespace

namespace {

// Without --arch the host is detected first (here: the research VM's cpuinfo,
// which the notes say gets -march=x86-64-v4 -mtune=generic from gcc >= 11.1).
TEST(OptimizeRecommend, DefaultsToTheDetectedHost) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/cpuinfo-host/buildvm-amd-epyc-fam26-virt");
  if (ma::host_machine() != "x86_64") GTEST_SKIP() << "the host sample is x86_64 cpuinfo";
  EXPECT_EQ(run({"recommend", "--compiler", "gcc@13.2"}, false, family_optimizers(), file).out,
            "-march=x86-64-v4 -mtune=generic\n");
  TempDir tmp;
  run({"generate", "--output", (tmp / "p.yaml").string()}, false, family_optimizers(), file);
  EXPECT_EQ(YAML::LoadFile((tmp / "p.yaml").string())["packages"]["all"]["target"][0].as<std::string>(),
            "x86_64_v4");
}

}  // namespace
