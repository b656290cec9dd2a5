// Bad input to `product pack|install`: exit 2, a message saying what is
// wrong, and nothing half-written (no tarball, no prefix, no work folder).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "product_fixture.hpp"

namespace {

namespace fs = std::filesystem;
namespace st = spackext::testing;
namespace sp = spackext::testing::product;

class ProductBadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    auto mirror = st::shared_fixture("fixtures/spack/buildcache-v3-signed");
    if (!mirror) GTEST_SKIP() << "shared fixture 'fixtures/spack/buildcache-v3-signed' not found (expected ../shared beside the checkout)";
    mirror_ = *mirror;
    fs::create_directories(home_ / "out");
  }

  st::RunResult pack(const std::string& spec, const fs::path& mirror, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"product", "pack", spec, "--from", "file://" + mirror.string(), "--prefix-variable",
                                  sp::kVariable, "-o", (home_ / "out").string(), "--keyring", (home_ / "gpg").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return st::run_host(args, home_.path());
  }

  st::RunResult install(const fs::path& tarball, const fs::path& prefix) {
    return st::run_host({"product", "install", tarball.string(), "--prefix", prefix.string()}, home_.path());
  }

  // The output folder holds nothing at all: no tarball, no work folder.
  void expect_nothing_written() { EXPECT_TRUE(fs::is_empty(home_ / "out")) << "output folder not empty"; }

  fs::path copy_of_fixture() {
    const fs::path copy = home_ / "mirror";
    fs::copy(mirror_, copy, fs::copy_options::recursive);
    for (auto& e : fs::recursive_directory_iterator(copy)) fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
    return copy;
  }

  st::TempDir home_{"spackext-product-bad"};
  fs::path mirror_;
};

TEST_F(ProductBadInput, SpecNotInTheCache) {
  sp::trust_fixture_keys(mirror_, home_ / "gpg", home_.path());
  auto r = pack("zlib", mirror_);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no such spec"), std::string::npos) << r.err;
  expect_nothing_written();
}

TEST_F(ProductBadInput, MissingSourceLeavesNoOutputFolder) {
  auto r = st::run_host({"product", "pack", "peerhello", "--from", (home_ / "no-such-cache").string(), "--prefix-variable",
                         sp::kVariable, "-o", (home_ / "new-out").string()},
                        home_.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(fs::exists(home_ / "new-out"));
  auto unknown = st::run_host({"product", "pack", "zlib", "--from", "file://" + mirror_.string(), "--allow-unsigned",
                               "--prefix-variable", sp::kVariable, "-o", (home_ / "new-out").string()},
                              home_.path());
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  EXPECT_FALSE(fs::exists(home_ / "new-out"));
}

TEST_F(ProductBadInput, SignatureByAnUntrustedKey) {
  fs::create_directories(home_ / "gpg");
  fs::permissions(home_ / "gpg", fs::perms::owner_all);
  auto r = pack("peerhello", mirror_);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("signature not valid"), std::string::npos) << r.err;
  expect_nothing_written();
}

TEST_F(ProductBadInput, UnsignedPackagesOnlyWhenAllowed) {
  SPACKEXT_REQUIRE_FIXTURE(unsigned_mirror, "fixtures/spack/buildcache-v3-unsigned");
  auto refused = pack("peerhello", unsigned_mirror);
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("not signed"), std::string::npos) << refused.err;
  expect_nothing_written();
  auto allowed = pack("peerhello", unsigned_mirror, {"--allow-unsigned"});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
}

TEST_F(ProductBadInput, CorruptTarball) {
  sp::trust_fixture_keys(mirror_, home_ / "gpg", home_.path());
  const auto copy = copy_of_fixture();
  // peerlib's tarball blob (fixtures README): peerhello's dependency.
  st::write_file(copy / "blobs/sha256/73/736c65b2bb7507ed01f29d53bbade8eb3df010c6e5e935ec7ad33f9bc7593394", "garbage");
  auto r = pack("peerhello", copy);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("checksum mismatch"), std::string::npos) << r.err;
  expect_nothing_written();
}

TEST_F(ProductBadInput, BadVariableName) {
  auto r = st::run_host({"product", "pack", "peerhello", "--from", "file://" + mirror_.string(), "--prefix-variable",
                         "1-BAD", "-o", (home_ / "out").string()},
                        home_.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("not an environment variable name"), std::string::npos) << r.err;
  expect_nothing_written();
}

TEST_F(ProductBadInput, MissingRequiredOptionIsAUsageError) {
  auto r = st::run_host({"product", "pack", "peerhello", "-o", (home_ / "out").string()}, home_.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

// A minimal product: one spec folder with a binary file holding a 40-byte
// placeholder string (what pack writes for a 120-byte old prefix).
class HandMadeProduct : public ProductBadInput {
 protected:
  fs::path make(std::vector<std::pair<std::string, std::string>> extra = {}, std::uint64_t length = 120) {
    std::string binary = std::string("\x7f" "BIN", 4) + std::string(12, '\0');
    const std::uint64_t offset = binary.size();
    std::string placeholder;
    const std::string pattern = "/__spack-ext_product_placeholder_";
    while (placeholder.size() < length) placeholder += pattern;
    placeholder.resize(length);
    binary += placeholder + "/share/data" + std::string(1, '\0') + "tail";
    nlohmann::json manifest = {
        {"format", "spack-ext-product"}, {"format_version", 1}, {"name", "demo"}, {"version", "1"}, {"hash", "abcdefg"},
        {"prefix_variable", "DEMO"}, {"default_prefix", "/opt/demo"}, {"placeholder", "/__spack-ext_product_prefix__"},
        {"source", "test"}, {"specs", {{{"name", "demo"}, {"version", "1"}, {"hash", "abcdefg"}, {"path", "demo-1"}, {"dependencies", nlohmann::json::array()}}}},
        {"left_out", nlohmann::json::array()}, {"text_files", {"demo-1/etc/conf"}},
        {"binary_strings", {{{"file", "demo-1/lib/data.bin"}, {"offset", offset}, {"length", length}, {"spec_path", "demo-1"}}}}};
    std::vector<std::pair<std::string, std::string>> members{{"product.json", manifest.dump()},
                                                             {"demo-1/lib/data.bin", binary},
                                                             {"demo-1/etc/conf", "root=/__spack-ext_product_prefix__/demo-1\n"}};
    members.insert(members.end(), extra.begin(), extra.end());
    const fs::path file = home_ / "demo.tar.gz";
    sp::write_tar_gz(file, members);
    return file;
  }
};

TEST_F(HandMadeProduct, RelocatesTextAndPadsBinaryStrings) {
  const fs::path prefix = home_ / "p";  // short enough
  auto r = install(make(), prefix);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(st::read_file(prefix / "demo-1/etc/conf"), "root=" + (prefix / "demo-1").string() + "\n");
  const auto data = st::read_file(prefix / "demo-1/lib/data.bin");
  const std::string expected = (prefix / "demo-1").string() + "/share/data";
  EXPECT_EQ(data.substr(16, expected.size()), expected);
  EXPECT_EQ(data.size(), 16 + 120 + std::string("/share/data").size() + 1 + 4);  // length unchanged
  EXPECT_EQ(data.substr(data.size() - 5), std::string("\0tail", 5));
}

TEST_F(HandMadeProduct, PrefixLongerThanThePlaceholderIsRefused) {
  const fs::path prefix = home_ / std::string(120, 'x');
  auto r = install(make(), prefix);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("too long"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("NUL"), std::string::npos) << r.err;  // explains why
  EXPECT_FALSE(fs::exists(prefix));
  for (const auto& e : fs::directory_iterator(home_.path()))  // no staging folder left
    EXPECT_EQ(e.path().filename().string().find(".product-install."), std::string::npos) << e.path();
}

TEST_F(HandMadeProduct, PathEscapesAreRefused) {
  for (const auto& evil : std::vector<std::pair<std::string, std::string>>{
           {"../escaped", "x"}, {"demo-1/../../escaped", "x"}, {"/tmp/escaped-abs", "x"},
           {"demo-1/link", "->../../outside"}, {"demo-1/abs", "->/etc/passwd"}}) {
    const fs::path prefix = home_ / "p";
    auto r = install(make({evil}), prefix);
    EXPECT_EQ(r.exit_code, 2) << evil.first << ": " << r.err;
    EXPECT_FALSE(fs::exists(prefix)) << evil.first;
    EXPECT_FALSE(fs::exists(home_ / "escaped")) << evil.first;
    fs::remove(home_ / "demo.tar.gz");
  }
}

TEST_F(HandMadeProduct, ExistingNonEmptyPrefixIsRefused) {
  st::write_file(home_ / "p/keep", "mine");
  auto r = install(make(), home_ / "p");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(st::read_file(home_ / "p/keep"), "mine");
}

// What a damaged or hand-edited product.json can hold: each is exit 2 naming
// the member, never a JSON library exception (exit 1).
TEST_F(HandMadeProduct, MalformedManifestIsAnInputError) {
  for (const std::string text : {"{\"format\": \"spack-ext-product\", \"format_version\": 1e9999}",
                                 "{\"format\": 7, \"format_version\": \"1\"}", "{\"format\": \"spack-ext-product\",\n [1, 2",
                                 "[\"spack-ext-product\"]"}) {
    const fs::path file = home_ / "bad.tar.gz";
    sp::write_tar_gz(file, {{"product.json", text}});
    auto r = install(file, home_ / "p");
    EXPECT_EQ(r.exit_code, 2) << text << ": " << r.err;
    EXPECT_NE(r.err.find("product.json"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(home_ / "p")) << text;
    fs::remove(file);
  }
}

TEST_F(HandMadeProduct, NotAProductTarball) {
  const fs::path file = home_ / "other.tar.gz";
  sp::write_tar_gz(file, {{"README", "hello"}});
  auto r = install(file, home_ / "p");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(fs::exists(home_ / "p"));
  auto missing = install(home_ / "nope.tar.gz", home_ / "p");
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
}

}  // namespace
