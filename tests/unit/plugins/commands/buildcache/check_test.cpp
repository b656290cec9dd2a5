// `buildcache check` logic on Spack's own files: which nodes of a lockfile
// are selected, how SPEC words group and resolve, and what each fixture
// mirror holds (index fast path, scan, stale index, v2/v3/OCI, signatures).
// Expected hashes come from the lockfile and the indexes Spack wrote.
#include <gtest/gtest.h>

#include <spackext/errors.hpp>
#include <spackext/spack/lockfile.hpp>

#include "buildcache/check.hpp"
#include "file_store.hpp"
#include "spack_expectations.hpp"
#include "test_host.hpp"

namespace spackext::buildcache {
namespace {

using namespace test;
using spackext::testing::TempDir;

const std::string kHello = "5hn2gvdnbmne734ml6ionv2ba7cemxgl";  // fixtures README: peerhello (1.1.0)

// The lockfile's nodes, split as Spack marks them: with or without `external`.
struct LockNodes {
  std::set<std::string> built, external;
  std::map<std::string, std::string> names;
};
LockNodes lock_nodes(const fs::path& lock) {
  LockNodes out;
  const auto doc = json_file(lock);
  for (auto& [h, node] : doc["concrete_specs"].items()) {
    (node.contains("external") ? out.external : out.built).insert(h);
    out.names[h] = node["name"];
  }
  return out;
}

std::string hash_named(const LockNodes& n, const std::string& name) {
  for (const auto& [h, nm] : n.names)
    if (nm == name) return h;
  return {};
}

std::set<std::string> hashes(const std::vector<WantedSpec>& specs) {
  std::set<std::string> out;
  for (const auto& s : specs) out.insert(s.hash);
  return out;
}

std::vector<WantedSpec> exact(const std::set<std::string>& hs) {
  std::vector<WantedSpec> out;
  for (const auto& h : hs) out.push_back({h, "", "", true});
  return out;
}

std::set<std::string> held(const MirrorFindings& f) {
  std::set<std::string> out;
  for (const auto& [h, hs] : f.held) out.insert(h);
  return out;
}

std::set<std::string> intersect(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::set<std::string> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
  return out;
}

TEST(CheckSpecWords, NamesAndHashesStartASpecModifiersJoinIt) {
  EXPECT_EQ(group_spec_words({"peerhello@1.0", "%gcc@12", "target=x86_64_v4", "/52khzyk", "peermpi"}),
            (std::vector<std::string>{"peerhello@1.0 %gcc@12 target=x86_64_v4", "/52khzyk", "peermpi"}));
  EXPECT_TRUE(group_spec_words({}).empty());
}

TEST(CheckSelect, EveryConcreteNodeOfALockfileExternalsSetAside) {
  SPACKEXT_REQUIRE_FIXTURE(env, "fixtures/spack/env");
  const auto nodes = lock_nodes(env / "spack.lock");
  ASSERT_FALSE(nodes.external.empty());  // the fixture has gcc and glibc as externals
  const auto sel = select_specs(spack::read_lockfile(env / "spack.lock"), {}, "spack.lock");
  EXPECT_EQ(hashes(sel.specs), nodes.built);
  std::set<std::string> ext;
  for (const auto& e : sel.externals) ext.insert(e.hash);
  EXPECT_EQ(ext, nodes.external);
  for (const auto& s : sel.specs) EXPECT_EQ(s.name, nodes.names.at(s.hash));
}

TEST(CheckSelect, QueriesSelectOnlyTheNodesTheyMatch) {
  SPACKEXT_REQUIRE_FIXTURE(env, "fixtures/spack/env");
  const auto nodes = lock_nodes(env / "spack.lock");
  const auto set = spack::read_lockfile(env / "spack.lock");
  const auto mpi = hash_named(nodes, "peermpi");
  auto sel = select_specs(set, {"peerhello@1.0 %gcc", "/" + mpi.substr(0, 7)}, "spack.lock");
  EXPECT_EQ(hashes(sel.specs), (std::set<std::string>{hash_named(nodes, "peerhello"), mpi}));
  EXPECT_TRUE(sel.externals.empty());
  sel = select_specs(set, {"glibc"}, "spack.lock");
  EXPECT_TRUE(sel.specs.empty());
  ASSERT_EQ(sel.externals.size(), 1u);
  EXPECT_EQ(sel.externals[0].hash, hash_named(nodes, "glibc"));
  try {
    select_specs(set, {"nosuchpackage"}, "spack.lock");
    FAIL() << "a query matching nothing must be an input error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nosuchpackage"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("spack.lock"), std::string::npos) << e.what();
    EXPECT_EQ(e.exit_code(), 2);
  }
}

TEST(CheckSelect, HashesAloneAreHashesOrPrefixes) {
  auto w = hash_specs({"/" + kHello.substr(0, 7), kHello, "/" + kHello});
  ASSERT_EQ(w.size(), 2u);  // the full hash given twice counts once
  EXPECT_FALSE(w[0].exact);
  EXPECT_EQ(w[0].hash, kHello.substr(0, 7));
  EXPECT_TRUE(w[1].exact);
  for (const std::string& bad :
       std::vector<std::string>{"peerhello", kHello.substr(0, 7), "/5hn2", "/5HN2GVDNBMNE", "/" + kHello + "a", "/5hn2gvd1"})
    EXPECT_THROW(hash_specs({bad}), UsageError) << bad;
}

TEST(CheckStatus, SignedAnywhereIsPresentUnsignedEverywhereIsUnsignedOnly) {
  EXPECT_EQ(status_of({}), CheckStatus::missing);
  EXPECT_EQ(status_of({{"a", Layout::v3, false, "k"}}), CheckStatus::unsigned_only);
  EXPECT_EQ(status_of({{"a", Layout::oci, false, "k"}, {"b", Layout::v2, true, "k"}}), CheckStatus::present);
}

// Each fixture mirror, fast path: what it holds of the lockfile is exactly
// what its index marks in_buildcache, signed as the push was.
TEST(CheckMirror, V3IndexFastPathSignedAndUnsigned) {
  SPACKEXT_REQUIRE_FIXTURE(env, "fixtures/spack/env");
  SPACKEXT_REQUIRE_FIXTURE(v3s, "fixtures/spack/buildcache-v3-signed");
  SPACKEXT_REQUIRE_FIXTURE(v3u, "fixtures/spack/buildcache-v3-unsigned");
  const auto wanted = exact(lock_nodes(env / "spack.lock").built);
  for (auto [dir, is_signed] : {std::pair{v3s, true}, std::pair{v3u, false}}) {
    mirrors::FileMirrorStore store(dir, false);
    const auto f = find_on_mirror(store, "m", wanted, {});
    EXPECT_TRUE(f.from_index);
    EXPECT_EQ(held(f), intersect(hashes(wanted), in_buildcache(v3_index(dir))));
    EXPECT_FALSE(held(f).empty());
    EXPECT_TRUE(f.stale.empty());
    for (const auto& [h, hs] : f.held) {
      ASSERT_EQ(hs.size(), 1u);
      EXPECT_EQ(hs[0].layout, Layout::v3);
      EXPECT_EQ(hs[0].signed_, is_signed) << h;
      EXPECT_TRUE(fs::exists(dir / hs[0].metadata_key)) << hs[0].metadata_key;
    }
  }
}

TEST(CheckMirror, V2IndexFastPathFindsSigAndPlainSpecFiles) {
  SPACKEXT_REQUIRE_FIXTURE(v2s, "fixtures/spack/buildcache-v2-signed");
  SPACKEXT_REQUIRE_FIXTURE(v2u, "fixtures/spack/buildcache-v2-unsigned");
  for (auto [dir, is_signed] : {std::pair{v2s, true}, std::pair{v2u, false}}) {
    const auto expected = in_buildcache(v2_index(dir));
    mirrors::FileMirrorStore store(dir, false);
    const auto f = find_on_mirror(store, "m", exact(expected), {});
    EXPECT_TRUE(f.from_index);
    EXPECT_EQ(held(f), expected);
    for (const auto& [h, hs] : f.held) {
      EXPECT_EQ(hs[0].layout, Layout::v2);
      EXPECT_EQ(hs[0].signed_, is_signed) << h;
      EXPECT_TRUE(fs::exists(dir / hs[0].metadata_key)) << hs[0].metadata_key;
    }
  }
}

TEST(CheckMirror, OciHoldsUnsignedOnly) {
  SPACKEXT_REQUIRE_FIXTURE(repo, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  const auto expected = in_buildcache(oci_index(repo));
  mirrors::FileMirrorStore store(repo, false);
  for (bool scan : {false, true}) {
    const auto f = find_on_mirror(store, "oci", exact(expected), {scan});
    EXPECT_EQ(f.from_index, !scan);
    EXPECT_EQ(held(f), expected);
    for (const auto& [h, hs] : f.held) {
      EXPECT_EQ(hs[0].layout, Layout::oci);
      EXPECT_FALSE(hs[0].signed_);
    }
  }
}

// A spec whose manifest was deleted (index not rebuilt) is not held: the
// index path notices the stale entry, the scan never sees it.
TEST(CheckMirror, DeletedManifestIsMissingOnBothPaths) {
  SPACKEXT_REQUIRE_FIXTURE(v3s, "fixtures/spack/buildcache-v3-signed");
  TempDir tmp;
  const auto dir = writable_copy(v3s, tmp / "m");
  const auto all = in_buildcache(v3_index(dir));
  ASSERT_TRUE(all.count(kHello));
  fs::remove(dir / "v3/manifests/spec/peerhello/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl.spec.manifest.json");
  mirrors::FileMirrorStore store(dir, false);
  auto rest = all;
  rest.erase(kHello);
  auto f = find_on_mirror(store, "m", exact(all), {});
  EXPECT_TRUE(f.from_index);
  EXPECT_EQ(held(f), rest);
  EXPECT_EQ(f.stale, std::vector<std::string>{kHello});
  f = find_on_mirror(store, "m", exact(all), {true});
  EXPECT_FALSE(f.from_index);
  EXPECT_EQ(held(f), rest);
  EXPECT_TRUE(f.stale.empty());
}

TEST(CheckMirror, WithoutAnIndexOrWithABrokenOneTheMetadataIsScanned) {
  SPACKEXT_REQUIRE_FIXTURE(v3s, "fixtures/spack/buildcache-v3-signed");
  TempDir tmp;
  const auto dir = writable_copy(v3s, tmp / "m");
  const auto all = in_buildcache(v3_index(dir));
  spackext::testing::write_file(dir / "v3/manifests/index/index.manifest.json", "{not json");
  mirrors::FileMirrorStore store(dir, false);
  std::vector<std::string> warnings;
  CheckOptions o;
  o.warn = [&](const std::string& w) { warnings.push_back(w); };
  auto f = find_on_mirror(store, "m", exact(all), o);
  EXPECT_FALSE(f.from_index);
  EXPECT_EQ(held(f), all);
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings[0].find("index unreadable"), std::string::npos) << warnings[0];
  fs::remove(dir / "v3/manifests/index/index.manifest.json");
  f = find_on_mirror(store, "m", exact(all), o);
  EXPECT_FALSE(f.from_index);
  EXPECT_EQ(held(f), all);
}

TEST(CheckMirror, MissingMirrorRootIsAnInputError) {
  TempDir tmp;
  mirrors::FileMirrorStore store(tmp / "nonexistent", false);
  try {
    find_on_mirror(store, "m", exact({kHello}), {});
    FAIL() << "a mirror that does not exist must be an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

TEST(CheckMerge, PrefixesResolveFromTheMirrorsAndUnknownOnesStayMissing) {
  SPACKEXT_REQUIRE_FIXTURE(v3u, "fixtures/spack/buildcache-v3-unsigned");
  SPACKEXT_REQUIRE_FIXTURE(oci, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  const std::vector<WantedSpec> wanted{{kHello.substr(0, 7), "", "", false}, {"aaaaaaa", "", "", false}};
  mirrors::FileMirrorStore a(v3u, false), b(oci, false);
  const auto rows = merge_findings(wanted, {find_on_mirror(a, "v3u", wanted), find_on_mirror(b, "oci", wanted)});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].spec.hash, kHello);
  EXPECT_TRUE(rows[0].spec.exact);
  EXPECT_EQ(rows[0].spec.name, "peerhello");
  EXPECT_EQ(rows[0].status(), CheckStatus::unsigned_only);
  ASSERT_EQ(rows[0].holdings.size(), 2u);
  EXPECT_EQ(rows[0].holdings[0].mirror, "v3u");
  EXPECT_EQ(rows[0].holdings[1].mirror, "oci");
  EXPECT_EQ(rows[1].spec.hash, "aaaaaaa");
  EXPECT_FALSE(rows[1].spec.exact);
  EXPECT_EQ(rows[1].status(), CheckStatus::missing);
}

TEST(CheckMerge, APrefixStandingForTwoHashesIsAnInputError) {
  MirrorFindings one, two;
  one.held["aaaaaaabbbbbbbbbbbbbbbbbbbbbbbbb"].push_back({"one", Layout::v3, true, "k"});
  two.held["aaaaaaacccccccccccccccccccccccccc"].push_back({"two", Layout::v3, true, "k"});
  EXPECT_THROW(merge_findings({{"aaaaaaa", "", "", false}}, {one, two}), InputError);
}

}  // namespace
}  // namespace spackext::buildcache
