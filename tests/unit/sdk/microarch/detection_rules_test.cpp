// The detection rules of the microarch notes (§2), each on a small cpuinfo
// made for it. Feature lists come from the database itself (a target's own
// requirements), so each test states one rule, not one machine.
#include <gtest/gtest.h>

#include <random>

#include <spackext/errors.hpp>
#include <spackext/microarch/microarch.hpp>

namespace {

namespace ma = spackext::microarch;

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& f : s) out += (out.empty() ? "" : " ") + f;
  return out;
}

// An x86 cpuinfo block whose flags are exactly `target`'s features, with
// sse3 spelled as cpuinfo does (pni) and `drop` removed, `add` added.
std::string x86_cpuinfo(const std::string& vendor, const std::string& target,
                        std::set<std::string> drop = {}, std::set<std::string> add = {}) {
  auto db = ma::Database::builtin();
  auto flags = db->get(target).features;
  flags.erase("sse3");
  flags.insert("pni");
  for (const auto& f : drop) flags.erase(f);
  flags.insert(add.begin(), add.end());
  return "processor\t: 0\nvendor_id\t: " + vendor + "\nflags\t\t: " + join(flags) + "\n\n";
}

std::string detect(const std::string& text, const std::string& machine) {
  auto db = ma::Database::builtin();
  return ma::detect(*db, ma::parse_cpuinfo(text, machine, *db, "test")).target->name;
}

TEST(DetectionRules, Ssse3ImpliesSse3SoHostsReachTheV2Level) {
  auto db = ma::Database::builtin();
  // AuthenticAMD: an Intel host with exactly these flags would be a nehalem.
  auto host = ma::parse_cpuinfo(x86_cpuinfo("AuthenticAMD", "x86_64_v2"), "x86_64", *db, "t");
  EXPECT_TRUE(host.features.count("sse3"));
  EXPECT_FALSE(host.features.count("sse3") && !host.features.count("ssse3"));
  EXPECT_EQ(ma::detect(*db, host).target->name, "x86_64_v2");
  // Without ssse3 there is no sse3 either: plain x86_64.
  EXPECT_EQ(detect(x86_cpuinfo("AuthenticAMD", "x86_64_v2", {"ssse3"}), "x86_64"), "x86_64");
}

TEST(DetectionRules, EachVendorTargetIsFoundFromItsOwnFeatures) {
  auto db = ma::Database::builtin();
  for (const auto& t : db->targets()) {
    if (t.family != "x86_64" || t.generic()) continue;
    // nocona needs sse3, which cpuinfo never lists (it says pni) and which
    // only ssse3 implies: archspec cannot detect it from cpuinfo either.
    if (t.name == "nocona") continue;
    EXPECT_EQ(detect(x86_cpuinfo(t.vendor, t.name), "x86_64"), t.name);
  }
}

TEST(DetectionRules, OneMissingFlagDropsToTheGenericLevelOrAnOlderTarget) {
  // archspec-json #38: Milan VMs without pku were reported as zen2.
  EXPECT_EQ(detect(x86_cpuinfo("AuthenticAMD", "zen3", {"pku"}), "x86_64"), "zen2");
  // archspec #72: a Skylake-SP without aes is x86_64_v4, not a Skylake.
  EXPECT_EQ(detect(x86_cpuinfo("GenuineIntel", "skylake_avx512", {"aes"}), "x86_64"), "x86_64_v4");
  // archspec #214: a Zen 5 missing movdiri stays zen4.
  EXPECT_EQ(detect(x86_cpuinfo("AuthenticAMD", "zen5", {"movdiri"}), "x86_64"), "zen4");
}

TEST(DetectionRules, OtherX86VendorsOnlyGetGenericLevels) {
  EXPECT_EQ(detect(x86_cpuinfo("HygonGenuine", "zen2"), "x86_64"), "x86_64_v3");
  EXPECT_EQ(detect(x86_cpuinfo("GenuineIntel", "zen2"), "x86_64"), "x86_64_v3");
}

TEST(DetectionRules, OnlyTheFirstProcessorBlockCounts) {
  std::string text = x86_cpuinfo("GenuineIntel", "haswell") + x86_cpuinfo("GenuineIntel", "icelake");
  EXPECT_EQ(detect(text, "x86_64"), "haswell");
}

std::string arm_cpuinfo(const std::string& features, const std::string& implementer,
                        const std::string& part) {
  std::string s = "processor\t: 0\nFeatures\t: " + features + "\n";
  if (!implementer.empty()) s += "CPU implementer\t: " + implementer + "\n";
  s += "CPU architecture: 8\nCPU part\t: " + part + "\n";
  return s;
}

TEST(DetectionRules, CpuPartSeparatesTargetsWithEqualFeatures) {
  auto db = ma::Database::builtin();
  const auto& n2 = db->get("neoverse_n2");
  const auto& v2 = db->get("neoverse_v2");
  ASSERT_EQ(n2.features, v2.features);
  ASSERT_EQ(n2.ancestors.size(), v2.ancestors.size());
  EXPECT_EQ(detect(arm_cpuinfo(join(n2.features), "0x41", "0xd49"), "aarch64"), "neoverse_n2");
  EXPECT_EQ(detect(arm_cpuinfo(join(n2.features), "0x41", "0xd4f"), "aarch64"), "neoverse_v2");
  // An unknown part keeps every candidate: the first listed of the equals wins.
  EXPECT_EQ(detect(arm_cpuinfo(join(n2.features), "0x41", "0xfff"), "aarch64"), "neoverse_v2");
}

TEST(DetectionRules, ArmVendorComesFromTheImplementerCode) {
  auto db = ma::Database::builtin();
  const auto features = join(db->get("neoverse_n1").features);
  auto host = ma::parse_cpuinfo(arm_cpuinfo(features, "0x41", "0xd0c"), "aarch64", *db, "t");
  EXPECT_EQ(host.vendor, "ARM");
  EXPECT_EQ(ma::detect(*db, host).target->name, "neoverse_n1");
  // Unknown code: kept as written, so only the generic root matches.
  host = ma::parse_cpuinfo(arm_cpuinfo(features, "0x99", "0xd0c"), "aarch64", *db, "t");
  EXPECT_EQ(host.vendor, "0x99");
  EXPECT_EQ(ma::detect(*db, host).target->name, "aarch64");
  // No implementer line at all: generic.
  host = ma::parse_cpuinfo(arm_cpuinfo(features, "", "0xd0c"), "aarch64", *db, "t");
  EXPECT_EQ(host.vendor, "generic");
}

TEST(DetectionRules, ArmIsaLevelsAreNeverTheAnswer) {
  // A host with no vendor target match falls back to the root, not armv8.Xa.
  EXPECT_EQ(detect(arm_cpuinfo("fp asimd", "0x41", "0xd0c"), "aarch64"), "aarch64");
}

TEST(DetectionRules, PowerGenerationAndEndiannessFromTheMachine) {
  const std::string p9 = "processor\t: 0\ncpu\t\t: POWER9 (raw), altivec supported\n";
  EXPECT_EQ(detect(p9, "ppc64le"), "power9le");
  EXPECT_EQ(detect(p9, "ppc64"), "power9");
  EXPECT_EQ(detect("processor\t: 0\ncpu\t\t: POWER8NVL (raw)\n", "ppc64le"), "power8le");
  EXPECT_EQ(detect("processor\t: 0\ncpu\t\t: PPC970MP\n", "ppc64"), "ppc64");
  // A generation newer than any known: the newest known one.
  EXPECT_EQ(detect("processor\t: 0\ncpu\t\t: POWER11\n", "ppc64le"), "power10le");
}

TEST(DetectionRules, RiscvNameFromUarchOrModelName) {
  EXPECT_EQ(detect("processor\t: 0\nuarch\t\t: sifive,u74-mc\n", "riscv64"), "u74mc");
  EXPECT_EQ(detect("processor\t: 0\nuarch\t\t: spacemit,x60\n", "riscv64"), "x60");
  EXPECT_EQ(detect("processor\t: 0\nmodel name\t: Spacemit(R) X60\n", "riscv64"), "x60");
  EXPECT_EQ(detect("processor\t: 0\nuarch\t\t: thead,c910\n", "riscv64"), "riscv64");
}

TEST(DetectionRules, TextWithoutKeyValueLinesIsAnInputError) {
  auto db = ma::Database::builtin();
  try {
    ma::parse_cpuinfo("this is not cpuinfo\n", "x86_64", *db, "/tmp/x.txt");
    FAIL() << "expected InputError";
  } catch (const spackext::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/tmp/x.txt"), std::string::npos);
    EXPECT_EQ(e.exit_code(), spackext::kExitUsage);
  }
}

// Issue 9, item 5: random bytes (colons included, so they look like
// "key : value" lines) were detected as "x86_64 generic".
TEST(DetectionRules, TextWithoutAnyCpuinfoFieldIsAnInputErrorOnEveryMachine) {
  auto db = ma::Database::builtin();
  std::mt19937 random(9);
  std::string bytes(4096, '\0');
  for (auto& c : bytes) c = static_cast<char>(random() % 256);
  for (std::size_t i = 0; i < bytes.size(); i += 37) bytes[i] = ':';
  for (const char* machine : {"x86_64", "aarch64", "ppc64le", "ppc64", "riscv64", "mips64"}) {
    try {
      ma::parse_cpuinfo(bytes, machine, *db, "random.bin");
      FAIL() << "expected InputError for " << machine;
    } catch (const spackext::InputError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind("random.bin: no recognisable cpuinfo field for ", 0), 0u) << what;
      EXPECT_EQ(e.exit_code(), spackext::kExitUsage);
    }
  }
}

TEST(DetectionRules, AFieldTheMachineReadsIsEnough) {
  EXPECT_EQ(detect("flags\t\t: sse sse2\n", "x86_64"), "x86_64");
  EXPECT_EQ(detect("CPU implementer\t: 0x41\n", "aarch64"), "aarch64");
  EXPECT_EQ(detect("hart\t\t: 1\nisa\t\t: rv64imafdc\n", "riscv64"), "riscv64");
  // Another machine's cpuinfo is not this machine's: an aarch64 block read
  // as x86_64 names what x86_64 needs instead of answering "x86_64".
  auto db = ma::Database::builtin();
  try {
    ma::parse_cpuinfo("processor\t: 0\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\n", "x86_64", *db, "arm.txt");
    FAIL() << "expected InputError";
  } catch (const spackext::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("expected 'vendor_id' or 'flags'"), std::string::npos) << e.what();
  }
}

TEST(DetectionRules, UnknownMachineIsAnInputError) {
  auto db = ma::Database::builtin();
  auto host = ma::parse_cpuinfo("processor : 0\n", "mips64", *db, "t");
  EXPECT_THROW(ma::detect(*db, host), spackext::InputError);
}

TEST(DetectionRules, MachineSpellingsAreNormalised) {
  EXPECT_EQ(ma::normalize_machine("amd64"), "x86_64");
  EXPECT_EQ(ma::normalize_machine("arm64"), "aarch64");
  EXPECT_EQ(ma::normalize_machine("ppc64le"), "ppc64le");
}

}  // namespace
