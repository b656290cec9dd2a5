// Issue 9: "A registry that accepted an index manifest damaged in transit: a
// rerun rewrites it only if the index changed". The index blob is intact in
// both cases below, so the index itself has not changed; the rerun must
// still notice the manifest naming it is not the one it writes, and repair it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aged_dump.hpp"
#include "oci_store.hpp"
#include "registry_server.hpp"

namespace {

using spackext::testing::read_file;
using spackext::testing::run_host;
using spackext::testing::TempDir;
using Json = nlohmann::json;

// The 2-byte `{}` config every index image names (spack-formats.md, section 2).
const std::string kEmptyConfig = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

std::string read_all(spackext::MirrorStore& store, const std::string& key) {
  std::string out;
  store.get(key, [&](const char* d, std::size_t n) {
    out.append(d, n);
    return true;
  });
  return out;
}

std::size_t listed(const std::string& url, const std::filesystem::path& home) {
  auto r = run_host({"--json", "buildcache", "list", url}, home);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? Json::parse(r.out)["specs"].size() : 0;
}

// The registry took a manifest whose config was damaged into another blob's
// digest (it checks only that the blob exists); that blob is gone since.
TEST(OciIndexRepair, SyncRerunReplacesAnIndexManifestNamingAMissingBlob) {
  SPACKEXT_REQUIRE_REGISTRY();
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  TempDir home;
  spackext::test::RegistryServer server(home.path());
  ASSERT_TRUE(server.ready()) << server.failure();
  const auto url = server.mirror_url("peer/buildcache");
  const std::vector<std::string> sync = {"buildcache", "sync", "file://" + dump.string(), url};
  ASSERT_EQ(run_host(sync, home.path()).exit_code, 0);
  spackext::mirrors::oci::OciStore store(url, {});
  auto good = Json::parse(read_all(store, "manifests/index.spack"));
  ASSERT_EQ(good["config"]["digest"], kEmptyConfig);

  const std::string other = "{ }";
  spackext::testing::write_file(home / "other", other);
  const auto other_digest = "sha256:" + spackext::test::sha256_of_file(home / "other");
  spackext::put_bytes(store, "blobs/sha256/" + other_digest.substr(7), other);
  auto damaged = good;
  damaged["config"]["digest"] = other_digest;
  damaged["config"]["size"] = other.size();
  spackext::put_bytes(store, "manifests/index.spack", damaged.dump(),
                      {.content_type = "application/vnd.oci.image.manifest.v1+json"});
  store.remove("blobs/sha256/" + other_digest.substr(7));
  ASSERT_EQ(Json::parse(read_all(store, "manifests/index.spack")), damaged);

  auto again = run_host({"--json", "buildcache", "sync", "file://" + dump.string(), url}, home.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_GT(Json::parse(again.out)["index_changed"].get<int>(), 0) << again.out;
  EXPECT_EQ(Json::parse(read_all(store, "manifests/index.spack")), good);
  EXPECT_TRUE(store.stat("blobs/sha256/" + kEmptyConfig.substr(7)));
  EXPECT_EQ(listed(url, home.path()), 3u);
  auto verify = run_host({"buildcache", "verify", url, "--no-signatures"}, home.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // Repaired once: the next rerun has nothing to rewrite.
  auto third = run_host({"--json", "buildcache", "sync", "file://" + dump.string(), url}, home.path());
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(Json::parse(third.out)["index_changed"].get<int>(), 0) << third.out;
}

// A registry dump on disk, whose index manifest holds bytes that do not parse.
TEST(OciIndexRepair, UpdateIndexRewritesAnIndexManifestThatDoesNotParse) {
  SPACKEXT_REQUIRE_FIXTURE(dump, "fixtures/spack/oci/registry-dump/v2/peer/buildcache");
  TempDir home;
  const auto copy = home / "dump";
  std::filesystem::copy(dump, copy, std::filesystem::copy_options::recursive);
  for (auto& e : std::filesystem::recursive_directory_iterator(copy))
    std::filesystem::permissions(e.path(), std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  const auto good = Json::parse(read_file(dump / "manifests/index.spack"));
  const auto text = read_file(dump / "manifests/index.spack");
  spackext::testing::write_file(copy / "manifests/index.spack", text.substr(0, text.size() / 2));
  const auto url = "file://" + copy.string();
  auto r = run_host({"--json", "buildcache", "update-index", url}, home.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto now = Json::parse(read_file(copy / "manifests/index.spack"));
  EXPECT_EQ(now["config"], good["config"]);
  EXPECT_TRUE(std::filesystem::exists(copy / "blobs/sha256" / now["layers"][0]["digest"].get<std::string>().substr(7)));
  EXPECT_EQ(listed(url, home.path()), 3u);
  auto verify = run_host({"buildcache", "verify", url, "--no-signatures"}, home.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
