// One test per archspec cpuinfo sample in ../shared/fixtures/cpuinfo: the
// expected answers (name, vendor, family, generic level) are read from the
// fixture's manifest.json at test time, never from our own output.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spackext/microarch/microarch.hpp>
#include <spackext_testing/testing.hpp>

namespace {

namespace ma = spackext::microarch;
namespace fs = std::filesystem;

nlohmann::json manifest(const std::string& folder) {
  auto dir = spackext::testing::shared_fixture(folder);
  if (!dir) return nlohmann::json::object();
  std::ifstream in(*dir / "manifest.json");
  return nlohmann::json::parse(in);
}

// Sample names, read when the tests are registered; one placeholder when the
// fixture is absent so the suite skips with a clear reason instead of vanishing.
std::vector<std::string> sample_names(const std::string& folder) {
  std::vector<std::string> names;
  const auto m = manifest(folder);
  for (const auto& [name, _] : m.items()) names.push_back(name);
  if (names.empty()) names.push_back("fixture_missing");
  return names;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string out;
  for (char c : info.param) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

struct Answer {
  const ma::Microarchitecture* target;
  std::string generic;
};

Answer detect_file(const fs::path& file, const std::string& machine) {
  const auto db = ma::Database::builtin();
  auto host = ma::parse_cpuinfo(spackext::testing::read_file(file), machine, *db, file.string());
  auto r = ma::detect(*db, host);
  return {r.target, db->generic_level(*r.target).name};
}

class CpuinfoSample : public ::testing::TestWithParam<std::string> {};

TEST_P(CpuinfoSample, GivesArchspecAnswer) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/cpuinfo/manifest.json");
  const auto m = manifest("fixtures/cpuinfo");
  const auto& e = m.at(GetParam());
  const std::string family = e.at("family");
  auto a = detect_file(dir.parent_path() / GetParam(), family);
  EXPECT_EQ(a.target->name, e.at("expected").get<std::string>());
  EXPECT_EQ(a.target->vendor, e.at("vendor").get<std::string>());
  EXPECT_EQ(a.target->family, family);
  EXPECT_EQ(a.generic, e.at("generic").get<std::string>());
  // POWER: the same text read on the other endianness gives the other tree.
  for (const char* other : {"ppc64le", "ppc64"}) {
    const std::string key = std::string("if_machine_") + other;
    if (!e.contains(key)) continue;
    auto b = detect_file(dir.parent_path() / GetParam(), other);
    EXPECT_EQ(b.target->name, e.at(key).get<std::string>()) << "read as " << other;
    EXPECT_EQ(b.target->family, other);
  }
}

INSTANTIATE_TEST_SUITE_P(Archspec, CpuinfoSample,
                         ::testing::ValuesIn(sample_names("fixtures/cpuinfo")), test_name);

class HostSample : public ::testing::TestWithParam<std::string> {};

TEST_P(HostSample, GivesArchspecAnswer) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/cpuinfo-host/manifest.json");
  const auto m = manifest("fixtures/cpuinfo-host");
  const auto& e = m.at(GetParam());
  auto a = detect_file(dir.parent_path() / GetParam(), e.at("family"));
  EXPECT_EQ(a.target->name, e.at("expected").get<std::string>());
  EXPECT_EQ(a.target->vendor, e.at("vendor").get<std::string>());
  EXPECT_EQ(a.generic, e.at("generic").get<std::string>());
}

INSTANTIATE_TEST_SUITE_P(ResearchVm, HostSample,
                         ::testing::ValuesIn(sample_names("fixtures/cpuinfo-host")), test_name);

// The manifest also says which features keep each AMD target out of reach on
// that VM: the database must require exactly those, and adding them must
// promote the answer (zen5 with all of them).
TEST(HostSample, MissingFeaturesAreWhatBlocksTheAmdTargets) {
  SPACKEXT_REQUIRE_FIXTURE(file, "fixtures/cpuinfo-host/buildvm-amd-epyc-fam26-virt");
  const auto m = manifest("fixtures/cpuinfo-host");
  const auto& missing = m.at("buildvm-amd-epyc-fam26-virt").at("archspec_missing_features_for_amd_targets");
  const auto db = ma::Database::builtin();
  auto host = ma::parse_cpuinfo(spackext::testing::read_file(file), "x86_64", *db, file.string());
  for (const auto& [target, features] : missing.items()) {
    std::set<std::string> expected = features.get<std::set<std::string>>();
    std::set<std::string> lacking;
    for (const auto& f : db->get(target).features)
      if (!host.features.count(f)) lacking.insert(f);
    EXPECT_EQ(lacking, expected) << target;
  }
  for (const auto& f : missing.at("zen5")) host.features.insert(f.get<std::string>());
  EXPECT_EQ(ma::detect(*db, host).target->name, "zen5");
}

}  // namespace

namespace {

// The built-in table written out in archspec's JSON schema and read back by
// the archspec loader must give the same answer for every sample: the loader
// keeps file order, parents, features, parts and generations.
TEST(ArchspecJsonRoundTrip, SameAnswersForEverySample) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/cpuinfo/manifest.json");
  const auto builtin = ma::Database::builtin();
  nlohmann::ordered_json doc;
  auto& targets = doc["microarchitectures"];
  for (const auto& t : builtin->targets()) {
    nlohmann::ordered_json e = {{"from", t.parents}, {"vendor", t.vendor}, {"features", t.features}};
    if (t.generation) e["generation"] = t.generation;
    if (!t.cpupart.empty()) e["cpupart"] = t.cpupart;
    for (const auto& [compiler, rules] : t.compilers) {
      auto& list = e["compilers"][compiler] = nlohmann::ordered_json::array();
      for (const auto& r : rules) list.push_back({{"versions", r.versions}, {"flags", r.flags}});
    }
    targets[t.name] = e;
  }
  for (const char* code : {"0x41", "0x43", "0x46", "0x61", "0xc0"}) doc["conversions"]["arm_vendors"][code] = *builtin->arm_vendor(code);
  spackext::testing::TempDir tmp;
  spackext::testing::write_file(tmp / "microarchitectures.json", doc.dump(1));
  const auto loaded = ma::Database::load_archspec_json(tmp / "microarchitectures.json");
  ASSERT_EQ(loaded.size(), builtin->size());
  const auto m = manifest("fixtures/cpuinfo");
  for (const auto& [sample, e] : m.items()) {
    const auto text = spackext::testing::read_file(dir.parent_path() / sample);
    auto a = ma::detect(*builtin, ma::parse_cpuinfo(text, e.at("family").get<std::string>(), *builtin, sample));
    auto b = ma::detect(loaded, ma::parse_cpuinfo(text, e.at("family").get<std::string>(), loaded, sample));
    EXPECT_EQ(a.target->name, b.target->name) << sample;
  }
}

}  // namespace
