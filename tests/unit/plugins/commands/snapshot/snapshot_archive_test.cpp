// export/import round trip, and archives that must be refused.
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "snapshot_archive.hpp"
#include "snapshot_service.hpp"
#include "spackext/errors.hpp"
#include "spackext_testing/tar_writer.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
using namespace spackext::snapshot;
using spackext::testing::TempDir;

using Member = spackext::testing::TarMember;
using spackext::testing::write_tar_gz;

class SnapshotArchive : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fixture = spackext::testing::shared_fixture("fixtures/spack/env");
    if (!fixture) GTEST_SKIP() << "shared fixture 'spack/env' not found (expected ../shared beside the checkout)";
    service = std::make_unique<SnapshotService>(tmp / "a");
    record = service->create("exported", *fixture, "for export", std::nullopt);
  }
  std::string expect_refused(const fs::path& file) {
    SnapshotStore store(tmp / "b");
    try {
      import_snapshot(file, store);
    } catch (const spackext::InputError& e) {
      EXPECT_TRUE(store.objects().empty());  // nothing stored from a refused archive
      return e.what();
    }
    ADD_FAILURE() << "archive accepted";
    return "";
  }
  TempDir tmp;
  std::unique_ptr<SnapshotService> service;
  SnapshotRecord record;
};

TEST_F(SnapshotArchive, RoundTrip) {
  export_snapshot(record, service->store(), tmp / "snap.tar.gz");
  SnapshotService other(tmp / "b");
  auto imported = import_snapshot(tmp / "snap.tar.gz", other.store());
  other.add(imported);
  EXPECT_EQ(imported.id, record.id);
  EXPECT_EQ(other.specs_of(other.require(record.id)).size(), 7u);
}

TEST_F(SnapshotArchive, UnsafeOrAlteredArchivesAreRefused) {
  auto manifest = record.manifest();
  manifest["id"] = record.id;
  const std::string yaml = service->store().get(record.spack_yaml);
  const std::string lock = service->store().get(record.spack_lock);
  const Member good_manifest{"snapshot.json", manifest.dump()};
  const Member y{"objects/" + record.spack_yaml, yaml}, l{"objects/" + record.spack_lock, lock};

  write_tar_gz(tmp / "abs.tar.gz", {good_manifest, y, l, {"/etc/evil", "x"}});
  EXPECT_NE(expect_refused(tmp / "abs.tar.gz").find("absolute"), std::string::npos);
  write_tar_gz(tmp / "dots.tar.gz", {good_manifest, y, l, {"objects/../../evil", "x"}});
  EXPECT_NE(expect_refused(tmp / "dots.tar.gz").find("'..'"), std::string::npos);
  write_tar_gz(tmp / "link.tar.gz", {good_manifest, y, l, {"objects/x", "", "/etc/passwd"}});
  EXPECT_NE(expect_refused(tmp / "link.tar.gz").find("links"), std::string::npos);
  auto altered = manifest;
  altered["description"] = "changed";
  write_tar_gz(tmp / "altered.tar.gz", {{"snapshot.json", altered.dump()}, y, l});
  EXPECT_NE(expect_refused(tmp / "altered.tar.gz").find("does not hash to its id"), std::string::npos);
  write_tar_gz(tmp / "bytes.tar.gz", {good_manifest, {y.name, yaml + " "}, l});
  EXPECT_NE(expect_refused(tmp / "bytes.tar.gz").find("checksum"), std::string::npos);
  write_tar_gz(tmp / "missing.tar.gz", {good_manifest, y});
  EXPECT_NE(expect_refused(tmp / "missing.tar.gz").find("missing"), std::string::npos);
  spackext::testing::write_file(tmp / "junk.tar.gz", "not an archive");
  expect_refused(tmp / "junk.tar.gz");
}

// A hand-edited snapshot.json with fields of the wrong type: refused as
// input (exit 2), not a JSON library type error.
TEST_F(SnapshotArchive, ManifestFieldsOfTheWrongTypeAreRefused) {
  const Member y{"objects/" + record.spack_yaml, service->store().get(record.spack_yaml)};
  for (const auto& [key, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"format", 7}, {"version", "1"}, {"id", 12}, {"name", nlohmann::json::array()}}) {
    auto manifest = record.manifest();
    manifest["id"] = record.id;
    manifest[key] = value;
    write_tar_gz(tmp / "typed.tar.gz", {{"snapshot.json", manifest.dump()}, y});
    EXPECT_FALSE(expect_refused(tmp / "typed.tar.gz").empty()) << key;
  }
}

}  // namespace
