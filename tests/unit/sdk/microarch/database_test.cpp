// The built-in table against the facts in the microarch notes (§1, §3), the
// table format's errors, archspec JSON loading and vendor merging.
#include <gtest/gtest.h>
#include <spackext/errors.hpp>
#include <spackext/microarch/microarch.hpp>
#include <spackext_testing/testing.hpp>

namespace {

namespace ma = spackext::microarch;
using spackext::testing::TempDir;
using spackext::testing::write_file;

std::vector<std::string> parents(const char* name) { return ma::Database::builtin()->get(name).parents; }

TEST(BuiltinTable, HoldsEveryArchspecTarget) {
  auto db = ma::Database::builtin();
  EXPECT_EQ(db->size(), 78u);
  for (const char* name :
       {"x86", "i686", "pentium4", "prescott", "x86_64", "x86_64_v2", "x86_64_v3", "x86_64_v4", "nocona",
        "core2", "nehalem", "westmere", "sandybridge", "ivybridge", "haswell", "broadwell", "skylake",
        "mic_knl", "skylake_avx512", "cannonlake", "cascadelake", "icelake", "sapphirerapids",
        "alderlake", "arrowlake", "arrowlake_s", "k10", "bulldozer", "piledriver", "steamroller",
        "excavator", "zen", "zen2", "zen3", "zen4", "zen5", "ppc64", "power7", "power8", "power9",
        "power10", "ppc64le", "power8le", "power9le", "power10le", "aarch64", "armv8.1a", "armv8.6a",
        "armv9.0a", "armv9.2a", "thunderx2", "a64fx", "cortex_a72", "neoverse_n1", "neoverse_v1",
        "neoverse_v2", "neoverse_n2", "neoverse_v3ae", "ampere1", "ampere1a", "m1", "m2", "m3", "m4",
        "arm", "ppc", "ppcle", "sparc", "sparc64", "riscv64", "u74mc", "x60"})
    EXPECT_NE(db->find(name), nullptr) << name;
}

TEST(BuiltinTable, FamiliesAreTheDagRoots) {
  std::set<std::string> roots;
  for (const auto& t : ma::Database::builtin()->targets())
    if (t.parents.empty()) roots.insert(t.name);
  EXPECT_EQ(roots, (std::set<std::string>{"x86", "x86_64", "ppc64", "ppc64le", "aarch64", "arm", "ppc",
                                          "ppcle", "sparc", "sparc64", "riscv64"}));
  auto db = ma::Database::builtin();
  EXPECT_EQ(db->get("power9").family, "ppc64");
  EXPECT_EQ(db->get("power9le").family, "ppc64le");
  EXPECT_EQ(db->get("m4").family, "aarch64");
}

TEST(BuiltinTable, ParentLinksFromTheNotes) {
  EXPECT_EQ(parents("haswell"), (std::vector<std::string>{"ivybridge", "x86_64_v3"}));
  EXPECT_EQ(parents("icelake"), (std::vector<std::string>{"cascadelake", "cannonlake"}));
  EXPECT_EQ(parents("neoverse_v2"), (std::vector<std::string>{"neoverse_n1", "armv9.0a"}));
  auto db = ma::Database::builtin();
  auto has = [&](const char* t, const char* a) { return db->get(t).has_ancestor(a); };
  EXPECT_TRUE(has("nehalem", "x86_64_v2"));
  EXPECT_TRUE(has("skylake_avx512", "x86_64_v4"));
  EXPECT_TRUE(has("cannonlake", "x86_64_v4"));
  EXPECT_TRUE(has("bulldozer", "x86_64_v2"));
  EXPECT_TRUE(has("excavator", "x86_64_v3"));
  EXPECT_TRUE(has("zen", "x86_64_v3"));
  EXPECT_TRUE(has("zen4", "x86_64_v4"));
  EXPECT_EQ(parents("k10"), (std::vector<std::string>{"x86_64"}));
  EXPECT_FALSE(has("alderlake", "x86_64_v4"));
}

TEST(BuiltinTable, ParentsFeaturesAreSubsetsOfTheChilds) {
  auto db = ma::Database::builtin();
  for (const auto& t : db->targets())
    for (const auto& p : t.parents)
      for (const auto& f : db->get(p).features) EXPECT_TRUE(t.features.count(f)) << t.name << " lacks " << p << "'s " << f;
}

TEST(BuiltinTable, PsabiLevelsAsEncodedByArchspec) {
  auto db = ma::Database::builtin();
  EXPECT_TRUE(db->get("x86_64").features.empty());
  EXPECT_EQ(db->get("x86_64_v2").features,
            (std::set<std::string>{"cx16", "lahf_lm", "mmx", "sse", "sse2", "ssse3", "sse4_1", "sse4_2",
                                   "popcnt", "sse3"}));
  auto v3 = db->get("x86_64_v3").features;
  for (const char* f : {"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"})
    EXPECT_TRUE(v3.count(f)) << f;
  auto v4 = db->get("x86_64_v4").features;
  for (const char* f : {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}) EXPECT_TRUE(v4.count(f)) << f;
  EXPECT_EQ(v4.size(), v3.size() + 5);
}

TEST(BuiltinTable, ArmPartsAndPowerGenerations) {
  auto db = ma::Database::builtin();
  const std::map<std::string, std::string> parts = {
      {"thunderx2", "0x0af"}, {"a64fx", "0x001"},       {"cortex_a72", "0xd08"}, {"neoverse_n1", "0xd0c"},
      {"neoverse_v1", "0xd40"}, {"neoverse_n2", "0xd49"}, {"neoverse_v2", "0xd4f"}, {"neoverse_v3ae", "0xd83"},
      {"ampere1", "0xac3"},   {"ampere1a", "0xac4"},    {"m1", "0x022"},         {"m2", "0x032"},
      {"m3", "Unknown"},      {"m4", "Unknown"}};
  for (const auto& [name, part] : parts) EXPECT_EQ(db->get(name).cpupart, part) << name;
  EXPECT_EQ(db->get("power7").generation, 7);
  EXPECT_EQ(db->get("power10").generation, 10);
  EXPECT_EQ(db->get("power10le").generation, 10);
  EXPECT_EQ(db->get("power8le").generation, 8);
  for (const char* code : {"0x41", "0x43", "0x46", "0x4e", "0x61", "0xc0", "0x48", "0x51"})
    EXPECT_TRUE(db->arm_vendor(code)) << code;
  EXPECT_EQ(*db->arm_vendor("0xc0"), "Ampere");
  EXPECT_EQ(*db->arm_vendor("0x61"), "Apple");
}

TEST(BuiltinTable, GenericLevels) {
  auto db = ma::Database::builtin();
  EXPECT_EQ(db->generic_level(db->get("alderlake")).name, "x86_64_v3");
  EXPECT_EQ(db->generic_level(db->get("zen4")).name, "x86_64_v4");
  EXPECT_EQ(db->generic_level(db->get("k10")).name, "x86_64");
  EXPECT_EQ(db->generic_level(db->get("neoverse_v2")).name, "armv9.0a");
  EXPECT_EQ(db->generic_level(db->get("power9le")).name, "ppc64le");
  EXPECT_EQ(db->generic_level(db->get("x86_64_v3")).name, "x86_64_v3");
}

TEST(BuiltinTable, UnknownNameSuggestsTheClosest) {
  try {
    ma::Database::builtin()->get("zen6x");
    FAIL();
  } catch (const spackext::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown microarchitecture 'zen6x'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("zen"), std::string::npos);
  }
}

TEST(TableFormat, ErrorsNameTheLine) {
  try {
    ma::Database::parse_table("# ok\n@ a |  | generic\nc gcc | 1: | x\n", "t.uarch");
    FAIL();
  } catch (const spackext::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("t.uarch:3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ma::Database::parse_table("+ avx\n", "t"), spackext::InputError);
  EXPECT_THROW(ma::Database::parse_table("@ a |  | generic | gen=x\n", "t"), spackext::InputError);
  EXPECT_THROW(ma::Database::parse_table("@ a |  | generic\nq nope\n", "t"), spackext::InputError);
  auto db = ma::Database::parse_table("@ a | missing | generic\n", "t");
  EXPECT_THROW(db.link(), spackext::InputError);
}

TEST(TableFormat, VendorTableExtendsTheBuiltinOne) {
  ma::Database db = *ma::Database::builtin();
  db.merge(ma::Database::parse_table(
      "@ acme_z | zen4 | AuthenticAMD\n+ acme_matrix\nc gcc | 13: | znver4 | -march={name} -macme\n", "acme"));
  const auto& t = db.get("acme_z");
  EXPECT_TRUE(t.features.count("acme_matrix"));
  EXPECT_TRUE(t.features.count("avx512f"));  // completed from zen4
  EXPECT_EQ(t.features.size(), db.get("zen4").features.size() + 1);
  EXPECT_EQ(t.family, "x86_64");
  EXPECT_EQ(ma::optimization_flags(db, t, "gcc", "13.2").flags, "-march=znver4 -macme");
  // A compiler the vendor did not list: the nearest ancestor is named.
  EXPECT_THROW(ma::optimization_flags(db, t, "clang", "17.0"), ma::UnsupportedTarget);
}

const char* kSmallArchspec = R"({
  "microarchitectures": {
    "x86_64": {"from": [], "vendor": "generic", "features": [],
               "compilers": {"gcc": [{"versions": ":", "name": "x86-64", "flags": "-march={name}"}]}},
    "zz_new": {"from": ["x86_64"], "vendor": "GenuineIntel", "features": ["avx9"],
               "compilers": {"gcc": [{"versions": "20:", "flags": "-march={name}", "warnings": "new"}]}},
    "aa_new": {"from": ["x86_64"], "vendor": "GenuineIntel", "features": ["avx9"]}
  },
  "conversions": {"arm_vendors": {"0x41": "ARM"}}
})";

TEST(ArchspecJson, LoadsInFileOrder) {
  TempDir tmp;
  write_file(tmp / "m.json", kSmallArchspec);
  auto db = ma::Database::load_archspec_json(tmp / "m.json");
  ASSERT_EQ(db.size(), 3u);
  EXPECT_EQ(db.targets()[1].name, "zz_new");  // not sorted: ties go to the first listed
  EXPECT_EQ(*db.arm_vendor("0x41"), "ARM");
  auto flags = ma::optimization_flags(db, db.get("zz_new"), "gcc", "20.1");
  EXPECT_EQ(flags.flags, "-march=zz_new");
  EXPECT_EQ(flags.warnings, std::vector<std::string>{"new"});
  ma::HostCpu host;
  host.machine = "x86_64";
  host.vendor = "GenuineIntel";
  host.features = {"avx9"};
  EXPECT_EQ(ma::detect(db, host).target->name, "zz_new");
}

TEST(ArchspecJson, BadFilesAreInputErrors) {
  TempDir tmp;
  EXPECT_THROW(ma::Database::load_archspec_json(tmp / "absent.json"), spackext::InputError);
  write_file(tmp / "bad.json", "{ not json");
  EXPECT_THROW(ma::Database::load_archspec_json(tmp / "bad.json"), spackext::InputError);
  write_file(tmp / "shape.json", R"({"microarchitectures": {"a": {"from": "x", "vendor": "generic"}}})");
  EXPECT_THROW(ma::Database::load_archspec_json(tmp / "shape.json"), spackext::InputError);
  write_file(tmp / "parent.json", R"({"microarchitectures": {"a": {"from": ["nope"], "vendor": "generic"}}})");
  EXPECT_THROW(ma::Database::load_archspec_json(tmp / "parent.json"), spackext::InputError);
  // Iterating the names of a "compilers" that is not a map was a JSON iterator error.
  write_file(tmp / "compilers.json", R"({"microarchitectures": {"a": {"vendor": "generic", "compilers": "gcc"}}})");
  EXPECT_THROW(ma::Database::load_archspec_json(tmp / "compilers.json"), spackext::InputError);
}

TEST(ArchspecJson, FoundInsideASpackInstallation) {
  TempDir tmp;
  EXPECT_FALSE(ma::Database::find_spack_database(tmp.path()));
  const auto old_layout = tmp.path() / "lib/spack/external/archspec/json/cpu";
  std::filesystem::create_directories(old_layout);
  write_file(old_layout / "microarchitectures.json", kSmallArchspec);
  EXPECT_EQ(*ma::Database::find_spack_database(tmp.path()), old_layout / "microarchitectures.json");
  const auto new_layout = tmp.path() / "lib/spack/spack/vendor/archspec/json/cpu";
  std::filesystem::create_directories(new_layout);
  write_file(new_layout / "microarchitectures.json", kSmallArchspec);
  EXPECT_EQ(*ma::Database::find_spack_database(tmp.path()), new_layout / "microarchitectures.json");
  EXPECT_FALSE(ma::Database::find_spack_database(std::nullopt));
}

}  // namespace
