// `product pack` of peerhello from the signed fixture cache, `product
// install` into two prefixes, the modules loaded with the real Lmod and
// Environment Modules with the prefix variable set, and peerhello run from
// each: it must find peerlib through its relocated RUNPATH alone, also after
// the first prefix is gone.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "module_shells.hpp"
#include "product_fixture.hpp"

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
namespace sp = spackext::testing::product;
namespace sm = spackext::testing::modules;

// Where ldd says the loader found `library` (normalised: the RUNPATH is
// $ORIGIN/../../..., so ldd prints .../bin/../../...).
fs::path resolved_library(const std::string& ldd, const std::string& library) {
  const std::string head = library + " => ";
  const auto start = ldd.find(head);
  if (start == std::string::npos) return {};
  const auto from = start + head.size();
  return fs::path(ldd.substr(from, ldd.find(" (", from) - from)).lexically_normal();
}

constexpr const char* kPeerlibDir = "peerlib-1.0-fe2xtrzeuj3aptrt5see46vcskdgwfht";  // fixtures README

class ProductBundle : public ::testing::Test {
 protected:
  void SetUp() override {
    auto mirror = st::shared_fixture("fixtures/spack/buildcache-v3-signed");
    if (!mirror) GTEST_SKIP() << "shared fixture 'fixtures/spack/buildcache-v3-signed' not found (expected ../shared beside the checkout)";
    mirror_ = *mirror;
    sp::trust_fixture_keys(mirror_, home_ / "gpg", home_.path());
    packed_ = sp::pack_peerhello(mirror_, home_ / "gpg", home_.path(), home_ / "out");
    ASSERT_FALSE(packed_.software.empty());
    ASSERT_FALSE(packed_.modules.empty());
    sp::untar(packed_.modules, home_ / "modules");
  }

  fs::path install(const std::string& where) {
    const fs::path prefix = home_ / where;
    auto r = st::run_host({"product", "install", packed_.software.string(), "--prefix", prefix.string()}, home_.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return prefix;
  }

  // The greeting is the format string in the fixture's libpeerlib.so
  // ("hello, %s (from peerlib)") filled with the name peerhello's binary holds.
  static constexpr const char* kGreeting = "hello, spack-ext peer (from peerlib)";

  st::TempDir home_{"spackext-product"};
  fs::path mirror_;
  sp::Packed packed_;
};

TEST_F(ProductBundle, LmodRunsPeerhelloFromTwoPrefixes) {
  if (!sm::lmod_init()) GTEST_SKIP() << "Lmod is not installed (scripts/deps/modules.txt; scripts/install-deps.sh)";
  const auto first = install("site-a/peer");
  const auto second = install("elsewhere/b/peer-product");
  const std::string modulepath = (home_ / "modules/lmod/Core").string();
  for (const auto& prefix : {first, second}) {
    auto r = sm::lmod_shell(modulepath, "module load peerhello/1.0 && peerhello && ldd \"$(command -v peerhello)\"",
                            {{sp::kVariable, prefix.string()}});
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find(kGreeting), std::string::npos) << r.out;
    EXPECT_EQ(resolved_library(r.out, "libpeerlib.so"), prefix / kPeerlibDir / "lib/libpeerlib.so") << r.out;
  }
  // No path to the first prefix is left in the second: remove the first, run again.
  fs::remove_all(first);
  auto again = sm::lmod_shell(modulepath, "module load peerhello/1.0 && peerhello", {{sp::kVariable, second.string()}});
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find(kGreeting), std::string::npos) << again.out;
  for (const auto& f : sp::files_below(second))
    EXPECT_EQ(st::read_file(second / f).find("/opt/spack-peer"), std::string::npos) << f << " still names the build prefix";
}

TEST_F(ProductBundle, EnvironmentModulesRunsPeerhello) {
  if (!sm::envmod_command()) GTEST_SKIP() << "Environment Modules is not installed (tests/services/environment-modules)";
  const auto prefix = install("tcl-site/peer");
  auto r = sm::envmod_shell((home_ / "modules/tcl").string(), "module load peerhello/1.0 && peerhello",
                            {{sp::kVariable, prefix.string()}});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(kGreeting), std::string::npos) << r.out;
  EXPECT_NE(r.env.at("PATH").find((prefix / "peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl/bin").string()),
            std::string::npos);
}

TEST_F(ProductBundle, ModulesFallBackToTheDefaultPrefix) {
  if (!sm::lmod_init()) GTEST_SKIP() << "Lmod is not installed (scripts/deps/modules.txt; scripts/install-deps.sh)";
  auto r = sm::lmod_shell((home_ / "modules/lmod/Core").string(), std::string("unset ") + sp::kVariable + "; module load peerhello/1.0");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.env.at("PATH").find("/opt/peerhello-1.0/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl/bin"), std::string::npos)
      << r.env.at("PATH");
}

TEST_F(ProductBundle, ManifestRecordsTheSpecsAndTheirSource) {
  auto doc = nlohmann::json::parse([&] {
    sp::untar(packed_.software, home_ / "unpacked");
    return st::read_file(home_ / "unpacked/product.json");
  }());
  std::set<std::string> hashes;
  for (const auto& s : doc["specs"]) hashes.insert(s["hash"].get<std::string>());
  // peerhello links peerlib, which links peermpi (the fixture's spec file);
  // gcc-runtime is a link dependency the cache does not hold.
  EXPECT_EQ(hashes, (std::set<std::string>{"5hn2gvdnbmne734ml6ionv2ba7cemxgl", "fe2xtrzeuj3aptrt5see46vcskdgwfht",
                                            "52khzykl54qj6thnn2sikydwkxf5oeh5"}));
  bool runtime_left_out = false;
  for (const auto& l : doc["left_out"]) runtime_left_out |= l["hash"] == "uetbtlo5yobcgprdwflxunpfozgfoktw";
  EXPECT_TRUE(runtime_left_out) << doc["left_out"].dump();
  EXPECT_EQ(doc["specs"][0]["signer"], "C5B335FBBE18B2731768BFDFAA81AE5C47BB2728");  // fixtures README
  EXPECT_EQ(doc["specs"][0]["tarball_sha256"], "1048eac5631ea92441a5b502db03067076c2e3d08d35a89f3a22bdb86701cc37");
}

}  // namespace
