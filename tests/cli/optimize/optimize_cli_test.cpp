// `spack-ext optimize ...` end to end: the built host, the optimize command
// plugin, the four family optimizer plugins and the fixture vendor plugin.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <random>

#include <spackext/microarch/microarch.hpp>
#include <spackext_testing/testing.hpp>

namespace {

namespace fs = std::filesystem;
using spackext::testing::read_file;
using spackext::testing::RunResult;
using spackext::testing::TempDir;
using spackext::testing::write_file;

class OptimizeCli : public ::testing::Test {
 protected:
  RunResult host(std::vector<std::string> args, std::optional<fs::path> spack_root = std::nullopt) {
    spackext::testing::RunOptions options;
    if (spack_root)
      options.env["SPACK_ROOT"] = spack_root->string();
    else
      options.unset_env.push_back("SPACK_ROOT");  // the built-in table, whatever the machine has
    return spackext::testing::run_host(args, home_.path(), options);
  }
  nlohmann::json detect_json(const fs::path& cpuinfo, const std::string& machine) {
    auto r = host({"--json", "optimize", "detect", "--cpuinfo", cpuinfo.string(), "--machine", machine});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
  TempDir home_{"spackext-optimize-cli"};
};

TEST_F(OptimizeCli, DetectsOneSampleOfEachFamilyThroughItsPlugin) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/cpuinfo");
  const auto manifest = nlohmann::json::parse(read_file(dir / "manifest.json"));
  for (const char* sample : {"linux-centos7-cascadelake", "linux-rocky8-a64fx", "bgq-rhel6-power7",
                             "linux-centos7-power8le", "linux-debian13-x60"}) {
    const auto& e = manifest.at(sample);
    auto j = detect_json(dir / sample, e.at("family"));
    EXPECT_EQ(j["name"], e.at("expected")) << sample;
    EXPECT_EQ(j["vendor"], e.at("vendor")) << sample;
    EXPECT_EQ(j["generic"], e.at("generic")) << sample;
  }
}

TEST_F(OptimizeCli, DetectsTheLiveHost) {
  auto r = host({"--json", "optimize", "detect"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_NE(spackext::microarch::Database::builtin()->find(j["name"].get<std::string>()), nullptr);
  EXPECT_EQ(j["source"]["cpuinfo"], "/proc/cpuinfo");
  if (j["family"] == "x86_64") EXPECT_TRUE(j.contains("cpuid"));
  auto text = host({"optimize", "detect"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("microarchitecture: " + j["name"].get<std::string>()), std::string::npos);
}

TEST_F(OptimizeCli, VendorPluginWinsOnItsCpuOnly) {
  // A cpuinfo made for the fictitious acme_x1: zen4's features plus acme_tensor.
  auto features = spackext::microarch::Database::builtin()->get("zen4").features;
  features.erase("sse3");  // cpuinfo says pni
  std::string flags = "pni";
  for (const auto& f : features) flags += " " + f;
  const std::string head = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AcmeSilicon X1\nflags\t\t: ";
  write_file(home_ / "acme-cpuinfo", head + flags + " acme_tensor\n\n");
  write_file(home_ / "zen4-cpuinfo", head + flags + "\n\n");
  const std::string vendor_dir = SPACKEXT_VENDOR_OPTIMIZER_DIR;

  auto with = host({"--plugin-path", vendor_dir, "--json", "optimize", "detect", "--cpuinfo",
                    (home_ / "acme-cpuinfo").string(), "--machine", "x86_64"});
  ASSERT_EQ(with.exit_code, 0) << with.err;
  auto j = nlohmann::json::parse(with.out);
  EXPECT_EQ(j["name"], "acme_x1");
  EXPECT_EQ(j["ancestors"][0], "zen4");

  auto without = host({"--json", "optimize", "detect", "--cpuinfo", (home_ / "acme-cpuinfo").string(),
                       "--machine", "x86_64"});
  ASSERT_EQ(without.exit_code, 0) << without.err;
  EXPECT_EQ(nlohmann::json::parse(without.out)["name"], "zen4");

  auto other = host({"--plugin-path", vendor_dir, "--json", "optimize", "detect", "--cpuinfo",
                     (home_ / "zen4-cpuinfo").string(), "--machine", "x86_64"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_EQ(nlohmann::json::parse(other.out)["name"], "zen4");

  auto flags_out = host({"--plugin-path", vendor_dir, "optimize", "recommend", "--compiler", "gcc@13.2",
                         "--arch", "acme_x1"});
  EXPECT_EQ(flags_out.exit_code, 0) << flags_out.err;
  EXPECT_EQ(flags_out.out, "-march=znver4 -mtune=znver4 -macme-tensor\n");
}

TEST_F(OptimizeCli, RecommendFollowsTheVersionRanges) {
  auto r = host({"optimize", "recommend", "--compiler", "gcc@12.2", "--arch", "neoverse_v2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "-march=armv9-a+i8mm+bf16 -mtune=cortex-a710\n");
  r = host({"optimize", "recommend", "--compiler", "gcc@13.2", "--arch", "zen5"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "-march=znver4 -mtune=znver4\n");
  EXPECT_NE(r.err.find("'zen4', the nearest ancestor of 'zen5'"), std::string::npos) << r.err;
  r = host({"optimize", "recommend", "--compiler", "gcc@13.2", "--arch", "zen5", "--strict"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the first version that supports it is gcc@14.1"), std::string::npos) << r.err;
  r = host({"optimize", "recommend", "--compiler", "gcc@13.2", "--arch", "zen44"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown microarchitecture 'zen44'"), std::string::npos) << r.err;
}

TEST_F(OptimizeCli, UnreadableCpuinfoIsExitTwo) {
  auto r = host({"optimize", "detect", "--cpuinfo", (home_ / "missing").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find((home_ / "missing").string()), std::string::npos) << r.err;
}

// Issue 9, item 5: a file of random bytes was detected as "x86_64 generic"
// with exit 0.
TEST_F(OptimizeCli, RandomBytesAreNotCpuinfo) {
  std::mt19937 random(5);
  std::string bytes(8192, '\0');
  for (auto& c : bytes) c = static_cast<char>(random() % 256);
  for (std::size_t i = 0; i < bytes.size(); i += 41) bytes[i] = ':';
  write_file(home_ / "random.bin", bytes);
  for (std::vector<std::string> machine : {std::vector<std::string>{}, {"--machine", "x86_64"}, {"--machine", "aarch64"}}) {
    std::vector<std::string> args = {"optimize", "detect", "--cpuinfo", (home_ / "random.bin").string()};
    args.insert(args.end(), machine.begin(), machine.end());
    auto r = host(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find((home_ / "random.bin").string() + ": no recognisable cpuinfo field"), std::string::npos)
        << r.err;
  }
}

TEST_F(OptimizeCli, GenerateWritesPackagesYaml) {
  const auto out = home_ / "packages.yaml";
  auto r = host({"optimize", "generate", "--arch", "zen4", "--compiler", "gcc@13.2", "--output", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = YAML::LoadFile(out.string());
  EXPECT_EQ(doc["packages"]["all"]["target"][0].as<std::string>(), "zen4");
  EXPECT_EQ(doc["packages"]["all"]["prefer"][0].as<std::string>(), "%gcc@13.2");
  r = host({"optimize", "generate", "--arch", "zen4", "--compiler", "nvhpc@20.1", "--strict", "--output",
            (home_ / "other.yaml").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(fs::exists(home_ / "other.yaml"));
  // gcc 13.2 predates zen5: zen4's flags, with a warning; --strict writes nothing.
  r = host({"optimize", "generate", "--arch", "zen5", "--compiler", "gcc@13.2", "--output",
            (home_ / "zen5.yaml").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("nearest ancestor"), std::string::npos) << r.err;
  r = host({"optimize", "generate", "--arch", "zen5", "--compiler", "gcc@13.2", "--strict", "--output",
            (home_ / "strict.yaml").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(fs::exists(home_ / "strict.yaml"));
}

// A Spack installation's archspec database replaces the built-in table.
TEST_F(OptimizeCli, SpackRootDatabaseIsUsedInstead) {
  const auto spack = home_ / "spack";
  const auto json_dir = spack / "lib/spack/spack/vendor/archspec/json/cpu";
  fs::create_directories(json_dir);
  write_file(json_dir / "microarchitectures.json", R"({"microarchitectures": {
    "x86_64": {"from": [], "vendor": "generic", "features": [],
               "compilers": {"gcc": [{"versions": ":", "flags": "-march=x86-64"}]}},
    "future_core": {"from": ["x86_64"], "vendor": "GenuineIntel", "features": ["sse2", "avx10_2"],
                    "compilers": {"gcc": [{"versions": "16:", "flags": "-march=future"}]}}}})");
  write_file(home_ / "cpuinfo", "processor : 0\nvendor_id : GenuineIntel\nflags : sse sse2 avx10_2\n");
  auto r = host({"--json", "optimize", "detect", "--cpuinfo", (home_ / "cpuinfo").string()}, spack);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["name"], "future_core");
  EXPECT_EQ(j["source"]["database"], (json_dir / "microarchitectures.json").string());
  r = host({"optimize", "recommend", "--compiler", "gcc@16.1", "--arch", "future_core"}, spack);
  EXPECT_EQ(r.out, "-march=future\n") << r.err;
  // Without SPACK_ROOT the built-in table does not know it.
  r = host({"optimize", "recommend", "--compiler", "gcc@16.1", "--arch", "future_core"});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
