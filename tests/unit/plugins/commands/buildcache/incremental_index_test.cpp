// An incremental update-index reads only the spec metadata that is new or
// rewritten since the current index, and publishes exactly what a full
// rebuild would: every test runs a full rebuild right after and expects it
// to find the index already right (same bytes), on Spack's fixture caches
// and on generated ones after adds, removes and rewrites.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <random>
#include <set>

#include "buildcache/digest.hpp"
#include "buildcache/incremental_index.hpp"
#include "buildcache/index_store.hpp"
#include "buildcache/spack_json.hpp"
#include "file_store.hpp"
#include "spack_expectations.hpp"
#include "test_host.hpp"

namespace spackext::buildcache {
namespace {

using namespace test;
using namespace std::chrono_literals;
using spackext::testing::read_file;
using spackext::testing::TempDir;
using spackext::testing::write_file;

const char* kMpi = "v3/manifests/spec/peermpi/peermpi-1.0-52khzykl54qj6thnn2sikydwkxf5oeh5.spec.manifest.json";
const char* kHello = "v3/manifests/spec/peerhello/peerhello-1.0-5hn2gvdnbmne734ml6ionv2ba7cemxgl.spec.manifest.json";
const char* kV2Hello = "build_cache/linux-debian12-x86_64_v4-gcc-12.2.0-peerhello-1.0-bfrqcmmn2zcr4t7jb7ofu5afpwvibri3.spec.json";
const char* kV2Lib = "build_cache/linux-debian12-x86_64_v4-gcc-12.2.0-peerlib-1.0-gxi4itk6jtevhxnatgekcn4juz26ttxy.spec.json";

// The file store, counting the spec metadata it is asked for.
class CountingStore final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  void get(std::string_view k, const ByteSink& sink) override {
    if (k.find(".spec.") != std::string_view::npos) {
      std::lock_guard lock(mutex_);
      read.push_back(std::string(k));
    }
    inner_.get(k, sink);
  }
  std::vector<std::string> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(read, {});
  }
  std::vector<std::string> read;

 private:
  std::mutex mutex_;
};

// Everything in the mirror pushed two days ago, its indexes published one
// day ago (so no metadata is within the rewrite margin of them).
void indexed_a_day_ago(const fs::path& dir) {
  age_all(dir, 48h);
  for (const char* index : {"v3/manifests/index/index.manifest.json", "build_cache/index.json",
                            "build_cache/index.json.hash"})
    if (fs::exists(dir / index)) age(dir / index, 24h);
  if (fs::exists(dir / "v3/manifests/index/index.manifest.json")) {
    auto m = manifest_file(dir / "v3/manifests/index/index.manifest.json");
    age(dir / v3_blob(m["data"][0]["checksum"]), 24h);
  }
}

// A copy of a Spack cache, pushed two days ago and indexed one day ago.
fs::path pushed_and_indexed(const fs::path& src, const fs::path& to) {
  auto dir = writable_copy(src, to);
  indexed_a_day_ago(dir);
  return dir;
}

const PublishedIndex& of(const std::vector<PublishedIndex>& published, Layout layout) {
  for (const auto& p : published)
    if (p.layout == layout) return p;
  throw std::runtime_error("no index published for " + to_string(layout));
}

// A full rebuild right after `incremental` finds every index already
// holding its bytes.
void expect_full_agrees(MirrorStore& store, const std::vector<PublishedIndex>& incremental,
                        IndexUpdateOptions options = {}) {
  options.incremental = false;
  const auto full = update_indexes(store, options);
  EXPECT_EQ(incremental.size(), full.size());
  for (const auto& f : full) {
    EXPECT_FALSE(f.changed) << to_string(f.layout) << ": a full rebuild changed the incremental result";
    EXPECT_EQ(of(incremental, f.layout).sha256, f.sha256);
    EXPECT_EQ(of(incremental, f.layout).specs, f.specs);
  }
}

std::vector<PublishedIndex> incremental_equals_full(MirrorStore& store, IndexUpdateOptions options = {}) {
  options.incremental = true;
  auto incremental = update_indexes(store, options);
  expect_full_agrees(store, incremental, options);
  return incremental;
}

void expect_counts(const PublishedIndex& p, std::size_t added, std::size_t removed, std::size_t rewritten,
                   std::size_t reused) {
  EXPECT_TRUE(p.incremental) << p.full_reason;
  EXPECT_EQ(p.added, added);
  EXPECT_EQ(p.removed, removed);
  EXPECT_EQ(p.changed_specs, rewritten);
  EXPECT_EQ(p.reused, reused);
}

TEST(IncrementalIndex, V3FixtureNothingChangedReadsNoSpecMetadata) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = pushed_and_indexed(src, tmp / "m");
  const auto spack_index = read_file(dir / "v3/manifests/index/index.manifest.json");
  mirrors::FileMirrorStore files(dir);
  CountingStore store(files);
  IndexUpdateOptions o;
  o.incremental = true;
  const auto p = of(update_indexes(store, o), Layout::v3);
  expect_counts(p, 0, 0, 0, 3);
  EXPECT_FALSE(p.changed);  // Spack's own index is what a rebuild writes
  EXPECT_EQ(store.take(), std::vector<std::string>{});
  EXPECT_EQ(read_file(dir / "v3/manifests/index/index.manifest.json"), spack_index);
  incremental_equals_full(files);
}

TEST(IncrementalIndex, V3FixtureRemoveAddRewrite) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = pushed_and_indexed(src, tmp / "m");
  const auto all = in_buildcache(v3_index(src));
  mirrors::FileMirrorStore files(dir);
  CountingStore store(files);
  const auto hello = read_file(dir / kHello);

  fs::remove(dir / kHello);  // gone: its own nodes leave, shared ones stay with new ref_counts
  auto p = of(incremental_equals_full(store), Layout::v3);
  auto expected = all;
  expected.erase("5hn2gvdnbmne734ml6ionv2ba7cemxgl");
  EXPECT_EQ(in_buildcache(v3_index(dir)), expected);
  expect_counts(p, 0, 1, 0, 2);
  EXPECT_TRUE(p.changed);

  indexed_a_day_ago(dir);
  store.take();
  write_file(dir / kHello, hello);  // back: read as new
  IndexUpdateOptions o;
  o.incremental = true;
  p = of(update_indexes(store, o), Layout::v3);
  expect_counts(p, 1, 0, 0, 2);
  EXPECT_EQ(store.take(), std::vector<std::string>{kHello});
  EXPECT_EQ(v3_index(dir), v3_index(src));  // Spack's index again, record for record
  incremental_equals_full(files);

  indexed_a_day_ago(dir);
  write_file(dir / kMpi, read_file(dir / kMpi));  // rewritten in place: read again
  store.take();
  p = of(update_indexes(store, o), Layout::v3);
  expect_counts(p, 0, 0, 1, 2);
  EXPECT_EQ(store.take(), std::vector<std::string>{kMpi});
  EXPECT_FALSE(p.changed);
}

// Metadata modified within the margin before the index was published may
// have been rewritten while the previous update ran: it is read again.
TEST(IncrementalIndex, MetadataModifiedJustBeforeTheIndexIsReadAgain) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = pushed_and_indexed(src, tmp / "m");
  age(dir / kMpi, 24h + kRewriteMargin - 1min);
  mirrors::FileMirrorStore store(dir);
  expect_counts(of(incremental_equals_full(store), Layout::v3), 0, 0, 1, 2);
}

TEST(IncrementalIndex, V2FixtureRemoveAddAndMissingTarball) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v2-unsigned");
  TempDir tmp;
  auto dir = pushed_and_indexed(src, tmp / "m");
  mirrors::FileMirrorStore files(dir);
  CountingStore store(files);
  IndexUpdateOptions o;
  o.incremental = true;
  auto p = of(update_indexes(store, o), Layout::v2);
  expect_counts(p, 0, 0, 0, 3);
  EXPECT_FALSE(p.changed);
  EXPECT_EQ(store.take(), std::vector<std::string>{});

  const auto hello = read_file(dir / kV2Hello);
  fs::remove(dir / kV2Hello);
  p = of(incremental_equals_full(store), Layout::v2);
  expect_counts(p, 0, 1, 0, 2);
  EXPECT_FALSE(in_buildcache(v2_index(dir)).count("bfrqcmmn2zcr4t7jb7ofu5afpwvibri3"));
  // index.json.hash is written after index.json and agrees with it.
  EXPECT_EQ(read_file(dir / "build_cache/index.json.hash"), sha256_hex(read_file(dir / "build_cache/index.json")));

  indexed_a_day_ago(dir);
  write_file(dir / kV2Hello, hello);
  store.take();
  p = of(update_indexes(store, o), Layout::v2);
  expect_counts(p, 1, 0, 0, 2);
  EXPECT_EQ(store.take(), std::vector<std::string>{kV2Hello});
  EXPECT_EQ(v2_index(dir), v2_index(src));

  // A v2 tarball is found by name in the listing: an unchanged spec file
  // whose tarball is gone is read, and reported as a full rebuild does.
  indexed_a_day_ago(dir);
  fs::remove(dir / "build_cache/linux-debian12-x86_64_v4/gcc-12.2.0/peerlib-1.0/"
                   "linux-debian12-x86_64_v4-gcc-12.2.0-peerlib-1.0-gxi4itk6jtevhxnatgekcn4juz26ttxy.spack");
  try {
    update_indexes(store, o);
    ADD_FAILURE() << "indexed a spec whose tarball is gone";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(kV2Lib), std::string::npos) << e.what();
  }
  o.skip_broken = true;
  std::vector<std::string> reported;
  o.on_broken = [&](const Problem& pr) { reported.push_back(pr.object); };
  p = of(update_indexes(store, o), Layout::v2);
  EXPECT_EQ(reported, std::vector<std::string>{kV2Lib});
  expect_counts(p, 0, 0, 1, 2);
  expect_full_agrees(store, {p}, o);
}

// Both layouts of a migrated mirror are updated, each from its own index.
TEST(IncrementalIndex, MigratedMirrorUpdatesBothLayouts) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v2-and-v3-migrated-signed");
  TempDir tmp;
  auto dir = pushed_and_indexed(src, tmp / "m");
  mirrors::FileMirrorStore store(dir);
  const auto published = incremental_equals_full(store);
  for (auto layout : {Layout::v2, Layout::v3}) EXPECT_TRUE(of(published, layout).incremental) << to_string(layout);
}

TEST(IncrementalIndex, NewUnreadableManifestIsAnErrorOrSkipped) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = pushed_and_indexed(src, tmp / "m");
  const std::string broken = "v3/manifests/spec/peerzzz/peerzzz-1.0-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.spec.manifest.json";
  write_file(dir / broken, "not json");
  const auto before = read_file(dir / "v3/manifests/index/index.manifest.json");
  mirrors::FileMirrorStore store(dir);
  IndexUpdateOptions o;
  o.incremental = true;
  try {
    update_indexes(store, o);
    ADD_FAILURE() << "indexed a mirror with an unparsable manifest";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitFailure);
    EXPECT_NE(std::string(e.what()).find(broken), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(dir / "v3/manifests/index/index.manifest.json"), before);
  o.skip_broken = true;
  std::vector<std::string> reported;
  o.on_broken = [&](const Problem& pr) { reported.push_back(pr.object); };
  const auto p = of(update_indexes(store, o), Layout::v3);
  EXPECT_EQ(reported, std::vector<std::string>{broken});
  expect_counts(p, 1, 0, 0, 3);
  expect_full_agrees(store, {p}, o);
}

// The current index is the starting point only when it checks out;
// otherwise the layout is rebuilt in full, and the report says why.
TEST(IncrementalIndex, IndexThatDoesNotCheckOutMeansAFullRebuild) {
  SPACKEXT_REQUIRE_FIXTURE(v3src, "fixtures/spack/buildcache-v3-unsigned");
  SPACKEXT_REQUIRE_FIXTURE(v2src, "fixtures/spack/buildcache-v2-unsigned");
  TempDir tmp;
  const auto full_because = [](MirrorStore& store, Layout layout, const std::string& why) {
    const auto p = of(incremental_equals_full(store), layout);
    EXPECT_FALSE(p.incremental);
    EXPECT_NE(p.full_reason.find(why), std::string::npos) << p.full_reason;
  };
  {  // no index yet
    auto dir = pushed_and_indexed(v3src, tmp / "none");
    fs::remove(dir / "v3/manifests/index/index.manifest.json");
    mirrors::FileMirrorStore store(dir);
    full_because(store, Layout::v3, "no index yet");
  }
  {  // the blob is not what the manifest says
    auto dir = pushed_and_indexed(v3src, tmp / "blob");
    auto m = manifest_file(dir / "v3/manifests/index/index.manifest.json");
    const auto blob = dir / v3_blob(m["data"][0]["checksum"]);
    write_file(blob, read_file(blob) + " ");
    mirrors::FileMirrorStore store(dir);
    full_because(store, Layout::v3, "does not hash to");
  }
  {  // index.json and its .hash disagree (a writer killed between the two)
    auto dir = pushed_and_indexed(v2src, tmp / "hash");
    write_file(dir / "build_cache/index.json.hash", std::string(64, '0'));
    mirrors::FileMirrorStore store(dir);
    full_because(store, Layout::v2, "does not match");
  }
  {  // valid, but laid out by another writer: its node texts cannot be copied
    auto dir = pushed_and_indexed(v2src, tmp / "pretty");
    const auto pretty = v2_index(dir).dump(2);
    write_file(dir / "build_cache/index.json", pretty);
    write_file(dir / "build_cache/index.json.hash", sha256_hex(pretty));
    mirrors::FileMirrorStore store(dir);
    full_because(store, Layout::v2, "exact form");
    EXPECT_EQ(v2_index(dir), v2_index(v2src));
  }
  {  // not JSON at all, with a matching hash
    auto dir = pushed_and_indexed(v2src, tmp / "junk");
    write_file(dir / "build_cache/index.json", "{\"database\": [");
    write_file(dir / "build_cache/index.json.hash", sha256_hex("{\"database\": ["));
    mirrors::FileMirrorStore store(dir);
    full_because(store, Layout::v2, "cannot be read");
  }
}

// --- Generated caches: specs sharing dependencies, added, removed and
// rewritten at random; the index checked against the generator's own model.

std::string fake_hash(const std::string& seed) {
  const auto digest = sha256_hex(seed);
  std::string h;
  for (int i = 0; i < 32; ++i) h += "abcdefghijklmnopqrstuvwxyz234567"[std::stoi(digest.substr(i * 2, 2), nullptr, 16) % 32];
  return h;
}

// Package i depends on packages i/2 and i/3 (when distinct and below i),
// so specs share nodes down to package 0.
struct Generated {
  fs::path dir;
  int packages;
  std::string hash(int i) const { return fake_hash("pkg" + std::to_string(i)); }
  std::string name(int i) const { return "pkg" + std::to_string(i); }
  std::vector<int> deps(int i) const {
    std::set<int> d;
    for (int j : {i / 2, i / 3})
      if (j < i) d.insert(j);
    return {d.begin(), d.end()};
  }
  nlohmann::ordered_json node(int i, const std::string& note) const {
    nlohmann::ordered_json n;
    n["name"] = name(i);
    n["version"] = "1." + std::to_string(i % 7);
    n["arch"] = {{"platform", "linux"}, {"platform_os", "debian12"}, {"target", "x86_64_v3"}};
    n["namespace"] = "builtin";
    n["parameters"] = {{"build_system", "generic"}, {"cflags", nlohmann::ordered_json::array()}};
    auto deps_json = nlohmann::ordered_json::array();
    for (int d : deps(i))
      deps_json.push_back({{"name", name(d)},
                           {"hash", hash(d)},
                           {"parameters", {{"deptypes", {"build", "link"}}, {"virtuals", nlohmann::ordered_json::array()}}}});
    if (!deps_json.empty()) n["dependencies"] = deps_json;
    n["annotations"] = {{"original_specfile_version", 5}};
    if (!note.empty()) n["annotations"]["note"] = note;
    n["hash"] = hash(i);
    return n;
  }
  std::string manifest_key(int i) const {
    return "v3/manifests/spec/" + name(i) + "/" + name(i) + "-1." + std::to_string(i % 7) + "-" + hash(i) +
           ".spec.manifest.json";
  }
  std::string blob(const std::string& data) const {
    const auto sha = sha256_hex(data);
    write_file(dir / v3_blob(sha), data);
    return sha;
  }
  // Pushes spec i: its closure as a spec file, a tarball, the manifest last.
  void push(int i, const std::string& note = "", const std::string& tarball_salt = "") const {
    auto nodes = nlohmann::ordered_json::array();
    std::set<int> seen;
    std::vector<int> todo{i};
    while (!todo.empty()) {
      int n = todo.front();
      todo.erase(todo.begin());
      if (!seen.insert(n).second) continue;
      nodes.push_back(node(n, n == i ? note : ""));
      for (int d : deps(n)) todo.push_back(d);
    }
    nlohmann::ordered_json spec{{"spec", {{"_meta", {{"version", 5}}}, {"nodes", nodes}}}};
    const auto spec_text = dump_compact(spec);
    const auto tarball = "tarball of " + name(i) + tarball_salt;
    nlohmann::ordered_json manifest{{"version", 3}, {"data", nlohmann::ordered_json::array()}};
    for (auto [data, media] : {std::pair{tarball, "application/vnd.spack.install.v2.tar+gzip"},
                               std::pair{spec_text, "application/vnd.spack.spec.v5+json"}})
      manifest["data"].push_back({{"contentLength", data.size()},
                                  {"mediaType", media},
                                  {"compression", "none"},
                                  {"checksumAlgorithm", "sha256"},
                                  {"checksum", blob(data)}});
    write_file(dir / manifest_key(i), dump_token_per_line(manifest));
  }
};

// The index against the model: the roots are the pushed specs, every node
// they reach is there once, and each ref_count is the number of recorded
// nodes with an edge to it (computed here from the index's own edges).
void expect_matches_model(const nlohmann::json& index, const Generated& g, const std::set<int>& pushed) {
  std::set<std::string> roots, reachable;
  std::vector<int> todo(pushed.begin(), pushed.end());
  for (int i : pushed) roots.insert(g.hash(i));
  while (!todo.empty()) {
    int n = todo.back();
    todo.pop_back();
    if (!reachable.insert(g.hash(n)).second) continue;
    for (int d : g.deps(n)) todo.push_back(d);
  }
  EXPECT_EQ(in_buildcache(index), roots);
  std::set<std::string> recorded;
  std::map<std::string, int> refs;
  for (auto& [h, rec] : index["database"]["installs"].items()) {
    recorded.insert(h);
    for (auto& d : rec["spec"].value("dependencies", nlohmann::json::array())) ++refs[d["hash"].get<std::string>()];
  }
  EXPECT_EQ(recorded, reachable);
  for (auto& [h, rec] : index["database"]["installs"].items()) EXPECT_EQ(rec["ref_count"].get<int>(), refs[h]) << h;
}

TEST(IncrementalIndex, GeneratedCacheThroughAddsRemovesAndRewrites) {
  TempDir tmp;
  Generated g{tmp / "m", 60};
  std::set<int> pushed;
  for (int i = 0; i < g.packages; i += 2) {
    g.push(i);
    pushed.insert(i);
  }
  write_file(g.dir / "v3/layout.json", "{\"signing\": \"gpg\"}");
  mirrors::FileMirrorStore files(g.dir);
  CountingStore store(files);
  update_indexes(store);  // the first index, in full
  std::mt19937 random(7);
  for (int round = 0; round < 12; ++round) {
    indexed_a_day_ago(g.dir);
    std::size_t added = 0, removed = 0, rewritten = 0;
    std::set<int> picked;  // distinct: each change is seen as one
    while (picked.size() < 5) picked.insert(static_cast<int>(random() % g.packages));
    for (int i : picked) {
      if (!pushed.count(i)) {
        g.push(i);
        pushed.insert(i);
        ++added;
      } else if (random() % 2) {
        fs::remove(g.dir / g.manifest_key(i));  // a dependency of others stays as a node
        pushed.erase(i);
        ++removed;
      } else {
        g.push(i, "", "rebuilt in round " + std::to_string(round));  // same spec, new tarball
        ++rewritten;
      }
    }
    store.take();
    IndexUpdateOptions o;
    o.incremental = true;
    const auto p = of(update_indexes(store, o), Layout::v3);
    EXPECT_TRUE(p.incremental) << p.full_reason;
    EXPECT_EQ(p.added, added) << "round " << round;
    EXPECT_EQ(p.removed, removed) << "round " << round;
    EXPECT_EQ(p.changed_specs, rewritten) << "round " << round;
    EXPECT_EQ(p.reused + p.added + p.changed_specs, pushed.size()) << "round " << round;
    EXPECT_EQ(store.take().size(), p.added + p.changed_specs);  // nothing else was read
    expect_matches_model(v3_index(g.dir), g, pushed);
    expect_full_agrees(store, {p});
  }
}

// A spec read again whose node bytes differ from the index's copy of the
// same hash (annotations may differ under one DAG hash): which copy a full
// rebuild keeps depends on the order it visits specs, so it does one.
TEST(IncrementalIndex, NodeThatDiffersFromTheIndexCopyMeansAFullRebuild) {
  TempDir tmp;
  Generated g{tmp / "m", 12};
  for (int i = 0; i < g.packages; ++i) g.push(i);
  mirrors::FileMirrorStore store(g.dir);
  update_indexes(store);
  indexed_a_day_ago(g.dir);
  g.push(1, "re-pushed with another annotation");  // pkg1 is also a dependency of pkg2 and pkg3
  const auto p = of(incremental_equals_full(store), Layout::v3);
  EXPECT_FALSE(p.incremental);
  EXPECT_NE(p.full_reason.find("differ"), std::string::npos) << p.full_reason;
  expect_matches_model(v3_index(g.dir), g, [&] {
    std::set<int> all;
    for (int i = 0; i < g.packages; ++i) all.insert(i);
    return all;
  }());
}

TEST(IncrementalIndex, CommandReportsModeAndCounts) {
  SPACKEXT_REQUIRE_FIXTURE(src, "fixtures/spack/buildcache-v3-unsigned");
  TempDir tmp;
  auto dir = pushed_and_indexed(src, tmp / "m");
  fs::remove(dir / kHello);
  TestHost host(tmp / "home");
  const auto url = "file://" + dir.string();
  auto r = run_buildcache(host, {"update-index", url}, /*json=*/true);
  ASSERT_EQ(r.code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  auto idx = doc["indexes"][0];
  EXPECT_EQ(idx["mode"], "incremental");
  EXPECT_EQ(idx["removed"], 1);
  EXPECT_EQ(idx["reused"], 2);
  EXPECT_EQ(idx["added"], 0);
  EXPECT_EQ(idx["rewritten"], 0);
  EXPECT_EQ(idx["changed"], true);
  r = run_buildcache(host, {"update-index", "--full", url}, /*json=*/true);
  ASSERT_EQ(r.code, 0) << r.err;
  idx = nlohmann::json::parse(r.out)["indexes"][0];
  EXPECT_EQ(idx["mode"], "full");
  EXPECT_EQ(idx["changed"], false);
  EXPECT_FALSE(idx.contains("full_reason"));  // asked for, not fallen back to
  r = run_buildcache(host, {"update-index", url});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("incremental: 0 added, 0 removed"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace spackext::buildcache
