// Flag selection: every row of the microarch notes' §4.1 table (archspec's
// own output at the pinned commits) and the cases from upstream's flag tests.
#include <gtest/gtest.h>
#include <spackext/microarch/microarch.hpp>

namespace {

namespace ma = spackext::microarch;

struct Row {
  const char* target;
  const char* compiler;
  const char* version;
  const char* flags;  // nullptr: an error is expected
  const char* error_mentions = "";
  const char* warning_mentions = "";
};

std::string name_of(const ::testing::TestParamInfo<Row>& info) {
  std::string s = std::string(info.param.target) + "_" + info.param.compiler + "_" + info.param.version;
  for (auto& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

const std::string kZen3Avx512 =
    "-march=znver3 -mtune=znver3 -mavx512f -mavx512dq -mavx512ifma -mavx512cd -mavx512bw "
    "-mavx512vl -mavx512vbmi -mavx512vbmi2 -mavx512vnni -mavx512bitalg";
const std::string kV3Long =
    "-march=x86-64 -mtune=generic -mcx16 -msahf -mpopcnt -msse3 -msse4.1 -msse4.2 -mssse3 -mavx "
    "-mavx2 -mbmi -mbmi2 -mf16c -mfma -mlzcnt -mmovbe -mxsave";
const std::string kV4Long = kV3Long + " -mavx512f -mavx512bw -mavx512cd -mavx512dq -mavx512vl";
const std::string kX60Gcc =
    "-march=rv64imafdcv_zicbom_zicboz_zicntr_zicond_zicsr_zifencei_zihintpause_zihpm_zfh_zfhmin_"
    "zca_zcd_zba_zbb_zbc_zbs_zkt_zve32f_zve32x_zve64d_zve64f_zve64x_zvfh_zvfhmin_zvkt_sscofpmf_"
    "sstc_svinval_svnapot_svpbmt";

const Row kRows[] = {
    // §4.1
    {"zen4", "gcc", "9.4", nullptr, "10.3:12.2, 12.3:"},
    {"zen4", "gcc", "10.3", kZen3Avx512.c_str()},
    {"zen4", "gcc", "12.2", kZen3Avx512.c_str()},
    {"zen4", "gcc", "12.3", "-march=znver4 -mtune=znver4"},
    {"zen4", "gcc", "13.2", "-march=znver4 -mtune=znver4"},
    {"zen4", "gcc", "12.2.1", nullptr, "10.3:12.2, 12.3:"},
    {"zen4", "clang", "15.0.7", kZen3Avx512.c_str()},
    {"zen4", "clang", "16.0", "-march=znver4 -mtune=znver4"},
    {"zen4", "aocc", "3.2", kZen3Avx512.c_str(), "", "AOCC versions < 4.0"},
    {"zen4", "nvhpc", "23.5", "-tp zen3", "", "falling back to zen3"},
    {"zen4", "nvhpc", "23.9", "-tp zen4"},
    {"zen5", "gcc", "13.2", nullptr, "gcc@14.1"},
    {"zen5", "gcc", "14.1", "-march=znver5 -mtune=znver5"},
    {"zen5", "clang", "18.1", nullptr, "clang@19.1"},
    {"zen5", "clang", "19.1.0", "-march=znver5 -mtune=znver5"},
    {"zen3", "gcc", "9.3", nullptr, "gcc@10.3"},
    {"zen3", "gcc", "10.3", "-march=znver3 -mtune=znver3"},
    {"icelake", "gcc", "7.5", nullptr, "gcc@8.0"},
    {"icelake", "gcc", "8.1", "-march=icelake-client -mtune=icelake-client"},
    {"icelake", "gcc", "13.2", "-march=icelake-client -mtune=icelake-client"},
    {"icelake", "clang", "6.0", "-march=icelake -mtune=icelake"},
    {"icelake", "clang", "7.0", "-march=icelake-client -mtune=icelake-client"},
    {"icelake", "clang", "17.0", "-march=icelake-client -mtune=icelake-client"},
    {"icelake", "nvhpc", "23.9", "-tp skylake"},
    {"sapphirerapids", "gcc", "10.3", nullptr, "gcc@11.0"},
    {"sapphirerapids", "gcc", "11.1", "-march=sapphirerapids -mtune=sapphirerapids"},
    {"haswell", "gcc", "4.8.5", "-march=core-avx2 -mtune=core-avx2"},
    {"haswell", "gcc", "4.9", "-march=haswell -mtune=haswell"},
    {"haswell", "gcc", "13.2", "-march=haswell -mtune=haswell"},
    {"x86_64_v3", "gcc", "10.2", kV3Long.c_str()},
    {"x86_64_v3", "gcc", "11.1", "-march=x86-64-v3 -mtune=generic"},
    {"x86_64_v3", "gcc", "13.2", "-march=x86-64-v3 -mtune=generic"},
    {"x86_64_v3", "clang", "12.0", "-march=x86-64-v3 -mtune=generic"},
    {"x86_64_v4", "gcc", "5.4", nullptr, "gcc@6.0"},
    {"x86_64_v4", "gcc", "6.1", kV4Long.c_str()},
    {"x86_64_v4", "gcc", "11.4", "-march=x86-64-v4 -mtune=generic"},
    {"x86_64_v4", "aocc", "3.2", nullptr, "aocc@4"},
    {"x86_64_v4", "aocc", "4.0", "-march=x86-64-v4 -mtune=generic"},
    {"neoverse_v2", "gcc", "5.4", "-march=armv8-a"},
    {"neoverse_v2", "gcc", "9.4", "-march=armv8.5-a+sve -mtune=cortex-a76"},
    {"neoverse_v2", "gcc", "10.5", "-march=armv8.5-a+sve+sve2+i8mm+bf16 -mtune=cortex-a77"},
    {"neoverse_v2", "gcc", "11.3", "-march=armv8.5-a+sve+sve2+i8mm+bf16 -mtune=cortex-a77"},
    {"neoverse_v2", "gcc", "11.3.1", "-march=armv8.5-a+sve+sve2+i8mm+bf16 -mtune=cortex-a77"},
    {"neoverse_v2", "gcc", "11.4", "-mcpu=neoverse-v2"},
    {"neoverse_v2", "gcc", "12.2", "-march=armv9-a+i8mm+bf16 -mtune=cortex-a710"},
    {"neoverse_v2", "gcc", "12.3", "-mcpu=neoverse-v2"},
    {"neoverse_v2", "gcc", "13.2", "-mcpu=neoverse-v2"},
    {"neoverse_v2", "clang", "12", "-march=armv8.5-a+sve+sve2+i8mm+bf16"},
    {"neoverse_v2", "clang", "15.0.7", "-march=armv9-a+i8mm+bf16"},
    {"neoverse_v2", "clang", "16.0.6", "-mcpu=neoverse-v2"},
    {"neoverse_v2", "nvhpc", "23.1", nullptr, "nvhpc@23.3"},
    {"neoverse_v2", "nvhpc", "23.3", "-tp neoverse-v2"},
    {"neoverse_v1", "gcc", "10.2", "-mcpu=zeus"},
    {"neoverse_v1", "gcc", "8.5", "-mcpu=neoverse-v1"},
    {"neoverse_v1", "gcc", "11.4", "-mcpu=neoverse-v1"},
    {"neoverse_n1", "gcc", "7.5", "-march=armv8.2-a+fp16 -mtune=cortex-a72"},
    {"neoverse_n1", "gcc", "9.4", "-mcpu=neoverse-n1"},
    {"a64fx", "gcc", "10.2", "-march=armv8.2-a+crc+sha2+fp16+sve -msve-vector-bits=512"},
    {"a64fx", "gcc", "10.3", "-mcpu=a64fx -msve-vector-bits=512"},
    {"thunderx2", "gcc", "6.1", "-march=armv8.1-a+crc+crypto"},
    {"thunderx2", "gcc", "10.2", "-mcpu=thunderx2t99"},
    {"m1", "apple-clang", "12.0", "-march=armv8.4-a"},
    {"m1", "apple-clang", "13.0", "-mcpu=apple-m1"},
    {"m1", "clang", "13", nullptr, "clang@13.0"},
    {"m1", "clang", "13.0", "-mcpu=apple-m1"},
    {"m1", "gcc", "15.1", "-march=armv8.4-a -mtune=generic"},
    {"power9le", "gcc", "5.4", nullptr, "gcc@6.0"},
    {"power9le", "gcc", "6.1", "-mcpu=power9 -mtune=power9"},
    {"power9le", "nvhpc", "23.9", "-tp pwr9"},
    {"power10le", "gcc", "10.1", nullptr, "gcc@11.1"},
    {"power10le", "gcc", "11.1", "-mcpu=power10 -mtune=power10"},
    {"u74mc", "gcc", "13.2", "-march=rv64gc -mtune=sifive-7-series"},
    {"x60", "gcc", "14.2", kX60Gcc.c_str()},
    {"x60", "clang", "18.1", nullptr, "clang@21.0"},
    {"x86_64_v2", "clang", "11.1", "-march=x86-64 -mtune=generic -mcx16 -msahf -mpopcnt -msse3 -msse4.1 -msse4.2 -mssse3"},
    {"x86_64_v2", "clang", "11.1.0", nullptr, "12.0:, 3.9:11.1"},
    {"x86_64_v3", "gcc", "11.0.1", nullptr, "4.8:11.0"},
    {"zen4", "unknown-cc", "1.0", ""},
    {"neoverse_v2", "unknown-cc", "1.0", ""},
    // Upstream's flag tests.
    {"x86_64", "gcc", "4.1.1", "-march=x86-64 -mtune=x86-64"},
    {"x86_64", "gcc", "4.2.0", "-march=x86-64 -mtune=generic"},
    {"nehalem", "gcc", "4.8.5", "-march=corei7 -mtune=corei7"},
    {"sandybridge", "gcc", "4.8.5", "-march=corei7-avx -mtune=corei7-avx"},
    {"thunderx2", "clang", "6.0.0", "-mcpu=thunderx2t99"},
    {"zen", "intel", "17.0.2", "-march=core-avx2 -mtune=core-avx2", "", "non-Intel microprocessors"},
    {"steamroller", "intel", "17.0.2", "-msse4.2", "", "non-Intel"},
    {"x86_64", "nvhpc", "23.9", nullptr, "no supported compiler versions"},
    {"x86_64_v2", "nvhpc", "23.9", nullptr, "no supported compiler versions"},
    {"ppc64le", "nvhpc", "23.9", nullptr, "no supported compiler versions"},
};

class FlagsTable : public ::testing::TestWithParam<Row> {};

TEST_P(FlagsTable, MatchesArchspec) {
  const Row& row = GetParam();
  auto db = ma::Database::builtin();
  const auto& target = db->get(row.target);
  if (!row.flags) {
    try {
      auto got = ma::optimization_flags(*db, target, row.compiler, row.version);
      FAIL() << "expected an error, got flags '" << got.flags << "'";
    } catch (const ma::UnsupportedTarget& e) {
      EXPECT_NE(std::string(e.what()).find(row.error_mentions), std::string::npos) << e.what();
      EXPECT_EQ(e.exit_code(), spackext::kExitUsage);
    }
    return;
  }
  auto got = ma::optimization_flags(*db, target, row.compiler, row.version);
  EXPECT_EQ(got.flags, row.flags);
  if (*row.warning_mentions) {
    ASSERT_EQ(got.warnings.size(), 1u);
    EXPECT_NE(got.warnings[0].find(row.warning_mentions), std::string::npos) << got.warnings[0];
  } else {
    EXPECT_TRUE(got.warnings.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Archspec, FlagsTable, ::testing::ValuesIn(kRows), name_of);

// "not listed by the target" names the nearest ancestor that is.
struct Nearest {
  const char* target;
  const char* compiler;
  const char* ancestor;
};

class NearestAncestor : public ::testing::TestWithParam<Nearest> {};

TEST_P(NearestAncestor, IsNamedInTheError) {
  auto db = ma::Database::builtin();
  const auto& p = GetParam();
  try {
    ma::optimization_flags(*db, db->get(p.target), p.compiler, "99.0");
    FAIL() << "expected an error";
  } catch (const ma::UnsupportedTarget& e) {
    EXPECT_NE(std::string(e.what()).find(std::string("'") + p.ancestor + "'"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Archspec, NearestAncestor,
                         ::testing::Values(Nearest{"zen4", "intel", "zen3"},
                                           Nearest{"zen5", "nvhpc", "zen4"},
                                           Nearest{"sapphirerapids", "aocc", "icelake"},
                                           Nearest{"zen4", "apple-clang", "x86_64_v4"}),
                         [](const auto& info) {
                           return std::string(info.param.target) + "_" +
                                  (std::string(info.param.compiler) == "apple-clang" ? "apple_clang"
                                                                                   : info.param.compiler);
                         });

TEST(Flags, MalformedVersionIsAnInputError) {
  auto db = ma::Database::builtin();
  for (const char* v : {"13.2.0.debug", "13..2", "", "v13", "13.", "-1"}) {
    try {
      ma::optimization_flags(*db, db->get("zen4"), "gcc", v);
      FAIL() << v;
    } catch (const ma::UnsupportedTarget&) {
      FAIL() << "wrong error type for " << v;
    } catch (const spackext::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("invalid compiler version"), std::string::npos);
    }
  }
}

}  // namespace
