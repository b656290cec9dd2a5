// Spack's file formats: clearsigned payloads, spec nodes (v4 and v5), the
// index, and JSON written the way Spack writes it.
#include <gtest/gtest.h>

#include <optional>

#include "buildcache/clearsign.hpp"
#include "buildcache/digest.hpp"
#include "buildcache/gzip.hpp"
#include "buildcache/index.hpp"
#include "buildcache/spack_json.hpp"
#include "buildcache/spec.hpp"
#include "spack_expectations.hpp"

namespace spackext::buildcache {
namespace {

using spackext::testing::read_file;
using namespace test;

TEST(Clearsign, SignedManifestPayloadIsTheUnsignedManifest) {
  SPACKEXT_REQUIRE_FIXTURE(signed_dir, "fixtures/spack/buildcache-v3-signed");
  SPACKEXT_REQUIRE_FIXTURE(unsigned_dir, "fixtures/spack/buildcache-v3-unsigned");
  int checked = 0;
  for (auto& e : fs::recursive_directory_iterator(signed_dir / "v3/manifests/spec")) {
    if (!e.is_regular_file()) continue;
    auto text = read_file(e.path());
    ASSERT_TRUE(is_clearsigned(text)) << e.path();
    auto payload = clearsigned_payload(text);
    ASSERT_TRUE(payload) << e.path();
    // Blobs of a signed and an unsigned push are byte-identical (spack-formats §1b),
    // so the signed JSON equals the unsigned manifest file byte for byte.
    auto rel = e.path().lexically_relative(signed_dir);
    EXPECT_EQ(*payload, read_file(unsigned_dir / rel)) << rel;
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST(Clearsign, RejectsTruncatedSignature) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v3-signed");
  auto text = read_file(dir / "v3/manifests/spec/peerhello/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl.spec.manifest.json");
  EXPECT_FALSE(clearsigned_payload(text.substr(0, text.find("-----BEGIN PGP SIGNATURE"))));
  EXPECT_FALSE(clearsigned_payload("{\"version\":3}"));
  EXPECT_EQ(json_payload("{\"a\":1}"), "{\"a\":1}");
}

TEST(SpackJson, TokenPerLineReproducesSpackManifestBytes) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v3-unsigned");
  for (auto& e : fs::recursive_directory_iterator(dir / "v3/manifests")) {
    if (!e.is_regular_file()) continue;
    auto text = read_file(e.path());
    EXPECT_EQ(dump_token_per_line(Json::parse(text)), text) << e.path();
  }
}

TEST(SpackJson, CompactReproducesSpackIndexBytes) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v3-unsigned");
  auto m = manifest_file(dir / "v3/manifests/index/index.manifest.json");
  auto text = read_file(dir / v3_blob(m["data"][0]["checksum"]));
  EXPECT_EQ(dump_compact(Json::parse(text)), text);
  EXPECT_EQ(sha256_hex(text), m["data"][0]["checksum"].get<std::string>());
}

TEST(SpecFile, V4NodeCarriesCompilerKey) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v2-unsigned/build_cache");
  auto path = dir / "linux-debian12-x86_64_v4-gcc-12.2.0-peerhello-1.0-bfrqcmmn2zcr4t7jb7ofu5afpwvibri3.spec.json";
  auto raw = json_file(path);
  auto f = parse_spec_file(Json::parse(read_file(path)), path.string());
  EXPECT_EQ(f.spec_version, raw["spec"]["_meta"]["version"].get<int>());
  const auto& n0 = raw["spec"]["nodes"][0];
  EXPECT_EQ(f.root().name, n0["name"]);
  EXPECT_EQ(f.root().hash, n0["hash"]);
  EXPECT_EQ(f.root().compiler_name, n0["compiler"]["name"]);
  EXPECT_EQ(f.root().compiler_version, n0["compiler"]["version"]);
  EXPECT_EQ(f.root().arch(), n0["arch"]["platform"].get<std::string>() + "-" +
                                 n0["arch"]["platform_os"].get<std::string>() + "-" +
                                 n0["arch"]["target"].get<std::string>());
  EXPECT_EQ(f.nodes.size(), raw["spec"]["nodes"].size());
}

TEST(SpecFile, V5CompilerIsTheCDependencyAndItsVersion) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v3-unsigned");
  auto m = manifest_file(dir / "v3/manifests/spec/peerhello/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl.spec.manifest.json");
  auto blob = read_file(dir / v3_blob(m["data"][1]["checksum"]));
  auto text = gunzip(blob, "spec blob");
  auto raw = nlohmann::json::parse(text);
  // Expected: the dependency edge whose virtuals include "c", and that node's version.
  std::string cname, chash, cversion;
  for (auto& d : raw["spec"]["nodes"][0]["dependencies"])
    for (auto& v : d["parameters"]["virtuals"])
      if (v == "c") cname = d["name"], chash = d["hash"];
  for (auto& n : raw["spec"]["nodes"])
    if (n["hash"] == chash) cversion = n["version"];
  ASSERT_FALSE(cname.empty());
  auto f = parse_spec_file(Json::parse(text), "blob");
  EXPECT_EQ(f.spec_version, 5);
  EXPECT_EQ(f.root().compiler_name, cname);
  EXPECT_EQ(f.root().compiler_version, cversion);
  EXPECT_EQ(f.root().hash, "5hn2gvdnbmne734ml6ionv2ba7cemxgl");  // fixtures README
}

TEST(SpecFile, MalformedNodeIsInputErrorNamingTheFile) {
  auto doc = Json::parse(R"({"spec":{"_meta":{"version":5},"nodes":[{"name":"x","version":"1"}]}})");
  try {
    parse_spec_file(doc, "mirror: some.spec.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("some.spec.json"), std::string::npos);
    EXPECT_EQ(e.exit_code(), 2);
  }
}

// Found by libFuzzer: edges that are not a list used to pass parse_node and
// throw nlohmann's type_error later, when update-index walked them.
TEST(SpecFile, DependenciesThatAreNotAListAreRefused) {
  auto doc = Json::parse(R"({"spec":{"_meta":{"version":5},"nodes":[{"name":"x","version":"1","hash":"h",
    "arch":{"platform":"linux","platform_os":"debian12","target":"x86_64"},"dependencies":"h2"}]}})");
  try {
    parse_spec_file(doc, "mirror: some.spec.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("node 'x': 'dependencies' is not a list"), std::string::npos) << e.what();
  }
  IndexBuilder builder;
  EXPECT_THROW(builder.add_spec_file(doc, "mirror: some.spec.json"), InputError);
}

TEST(Index, ParsesEveryRecordOfSpackIndexes) {
  for (const char* rel : {"fixtures/spack/buildcache-v2-unsigned", "fixtures/spack/buildcache-v3-unsigned"}) {
    SPACKEXT_REQUIRE_FIXTURE(dir, rel);
    auto raw = std::string(rel).find("v2") != std::string::npos ? v2_index(dir) : v3_index(dir);
    auto text = raw.dump();
    auto idx = parse_index(text, rel);
    EXPECT_EQ(idx.db_version, raw["database"]["version"].get<std::string>());
    ASSERT_EQ(idx.records.size(), raw["database"]["installs"].size());
    EXPECT_EQ(idx.in_buildcache_count(), in_buildcache(raw).size());
    for (const auto& r : idx.records) {
      const auto& rec = raw["database"]["installs"][r.spec.hash];
      EXPECT_EQ(r.spec.name, rec["spec"]["name"]);
      EXPECT_EQ(r.ref_count, rec["ref_count"].get<int>());
      EXPECT_EQ(r.in_buildcache, rec["in_buildcache"].get<bool>());
    }
  }
}

// Records view text the index owns, not the text it was parsed from: they
// stay right after that text is overwritten, in a copy of the index (which
// shares it) and in an index moved elsewhere.
TEST(Index, RecordsViewTextTheIndexOwns) {
  SPACKEXT_REQUIRE_FIXTURE(dir, "fixtures/spack/buildcache-v3-unsigned");
  const auto raw = v3_index(dir);
  const auto& installs = raw["database"]["installs"];
  std::optional<BuildcacheIndex> copy;
  BuildcacheIndex moved;
  {
    auto text = raw.dump();
    text.reserve(text.size() + kIndexParsePadding);  // parsed in place
    auto idx = parse_index(text, "v3 index");
    text.assign(text.size(), ' ');
    copy = idx;
    moved = std::move(idx);
  }
  for (const BuildcacheIndex* idx : {&*copy, &moved}) {
    ASSERT_EQ(idx->records.size(), installs.size());
    for (const auto& r : idx->records) {
      const auto& spec = installs.at(std::string(r.spec.hash))["spec"];
      EXPECT_EQ(r.spec.name, spec["name"].get<std::string>());
      EXPECT_EQ(r.spec.version, spec["version"].get<std::string>());
      EXPECT_EQ(r.spec.platform, spec["arch"]["platform"].get<std::string>());
      const auto deps = spec.value("dependencies", nlohmann::json::array());
      ASSERT_EQ(r.dependencies.size(), deps.size()) << r.spec.name;
      for (std::size_t i = 0; i < deps.size(); ++i) {
        EXPECT_EQ(r.dependencies[i].name, deps[i]["name"].get<std::string>());
        EXPECT_EQ(r.dependencies[i].hash, deps[i]["hash"].get<std::string>());
      }
      // v5: the compiler's version is that of the node its edge names.
      if (!r.spec.compiler_hash.empty() && installs.contains(std::string(r.spec.compiler_hash)))
        EXPECT_EQ(r.spec.compiler_version,
                  installs[std::string(r.spec.compiler_hash)]["spec"]["version"].get<std::string>())
            << r.spec.name;
    }
  }
}

TEST(Index, MalformedJsonIsInputError) {
  EXPECT_THROW(parse_index("{\"database\": {", "m: index.json"), InputError);
  EXPECT_THROW(parse_index("{\"db\": {}}", "m: index.json"), InputError);
}

TEST(Gzip, RoundTripIsReproducible) {
  std::string data(100000, 'x');
  auto a = gzip(data), b = gzip(data);
  EXPECT_EQ(a, b);
  EXPECT_EQ(gunzip(a, "t"), data);
  EXPECT_THROW(gunzip("not gzip", "t"), Error);
}

TEST(Digest, KnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(is_sha256_hex(sha256_hex("")));
  EXPECT_FALSE(is_sha256_hex("ABC"));
}

}  // namespace
}  // namespace spackext::buildcache
