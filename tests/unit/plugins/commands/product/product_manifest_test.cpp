#include "product_manifest.hpp"

#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <spackext/errors.hpp>

namespace {

using namespace spackext::product;

ProductManifest sample() {
  ProductManifest m;
  m.name = "peerhello";
  m.version = "1.0";
  m.hash = "5hn2gvdnbmne734ml6ionv2ba7cemxgl";
  m.prefix_variable = "P";
  m.default_prefix = "/opt/p";
  m.source = "file:///m";
  m.specs.push_back({"peerhello", "1.0", m.hash, "peerhello-1.0-" + m.hash, {}, "", ""});
  m.text_files = {"peerhello-1.0-" + m.hash + "/bin/script"};
  m.binary_strings = {{"peerhello-1.0-" + m.hash + "/bin/x", 100, 80, "peerhello-1.0-" + m.hash}};
  return m;
}

TEST(ProductManifest, RoundTrips) {
  auto m = sample();
  auto back = ProductManifest::from_json(m.to_json(), "product.json");
  EXPECT_EQ(back.to_json(), m.to_json());
  EXPECT_EQ(bundle_stem(back), "peerhello-1.0-5hn2gvd");
}

TEST(ProductManifest, MaxPrefixLeavesRoomForTheSpecFolder) {
  auto m = sample();
  EXPECT_EQ(m.max_prefix_length(), 80 - m.specs[0].path.size() - 1);
  m.binary_strings.clear();
  EXPECT_EQ(m.max_prefix_length(), std::numeric_limits<std::size_t>::max());
}

TEST(ProductManifest, UnsafePathsAndWrongFormatAreInputErrors) {
  auto doc = sample().to_json();
  doc["specs"][0]["path"] = "../x";
  EXPECT_THROW(ProductManifest::from_json(doc, "p"), spackext::InputError);
  doc = sample().to_json();
  doc["text_files"] = {"/etc/passwd"};
  EXPECT_THROW(ProductManifest::from_json(doc, "p"), spackext::InputError);
  doc = sample().to_json();
  doc["format_version"] = 2;
  EXPECT_THROW(ProductManifest::from_json(doc, "p"), spackext::InputError);
  EXPECT_THROW(ProductManifest::from_json(nlohmann::json::object(), "p"), spackext::InputError);
  doc = sample().to_json();
  doc["format"] = 7;
  EXPECT_THROW(ProductManifest::from_json(doc, "p"), spackext::InputError);
  doc = sample().to_json();
  doc["format_version"] = "1";
  EXPECT_THROW(ProductManifest::from_json(doc, "p"), spackext::InputError);
  EXPECT_FALSE(is_safe_relative("a//b"));
  EXPECT_FALSE(is_safe_relative("a/./b"));
  EXPECT_TRUE(is_safe_relative("a/b.c"));
}

// Optional fields of the wrong type, and a dependency that is not a hash:
// InputErrors naming the field, not nlohmann type errors.
TEST(ProductManifest, WrongTypesAreInputErrors) {
  for (const auto& [key, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"dependencies", nlohmann::json::array({1})}, {"tarball_sha256", 5}, {"signer", nlohmann::json::object()}}) {
    auto doc = sample().to_json();
    doc["specs"][0][key] = value;
    try {
      ProductManifest::from_json(doc, "p");
      ADD_FAILURE() << key << " accepted";
    } catch (const spackext::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
  auto doc = sample().to_json();
  doc["installed_prefix"] = 3;
  EXPECT_THROW(ProductManifest::from_json(doc, "p"), spackext::InputError);
  doc.erase("installed_prefix");
  doc["specs"][0].erase("signer");  // written by older versions: still read
  EXPECT_EQ(ProductManifest::from_json(doc, "p").specs[0].signer, "");
}

}  // namespace
