// export/import round trip, and archives that must be refused.
#include <gtest/gtest.h>

#include <archive.h>
#include <archive_entry.h>

#include "snapshot_archive.hpp"
#include "snapshot_service.hpp"
#include "spackext/errors.hpp"
#include "spackext_testing/testing.hpp"

namespace {

namespace fs = std::filesystem;
using namespace spackext::snapshot;
using spackext::testing::TempDir;

struct Member {
  std::string name, content;
  int type = AE_IFREG;
  std::string link;
};

void write_tar(const fs::path& file, const std::vector<Member>& members) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  archive_write_open_filename(a, file.c_str());
  for (const auto& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.name.c_str());
    archive_entry_set_filetype(e, static_cast<unsigned>(m.type));
    archive_entry_set_perm(e, 0644);
    if (!m.link.empty()) archive_entry_set_symlink(e, m.link.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(m.type == AE_IFREG ? m.content.size() : 0));
    archive_write_header(a, e);
    if (m.type == AE_IFREG) archive_write_data(a, m.content.data(), m.content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

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

  write_tar(tmp / "abs.tar.gz", {good_manifest, y, l, {"/etc/evil", "x"}});
  EXPECT_NE(expect_refused(tmp / "abs.tar.gz").find("absolute"), std::string::npos);
  write_tar(tmp / "dots.tar.gz", {good_manifest, y, l, {"objects/../../evil", "x"}});
  EXPECT_NE(expect_refused(tmp / "dots.tar.gz").find("'..'"), std::string::npos);
  write_tar(tmp / "link.tar.gz", {good_manifest, y, l, {"objects/x", "", AE_IFLNK, "/etc/passwd"}});
  EXPECT_NE(expect_refused(tmp / "link.tar.gz").find("links"), std::string::npos);
  auto altered = manifest;
  altered["description"] = "changed";
  write_tar(tmp / "altered.tar.gz", {{"snapshot.json", altered.dump()}, y, l});
  EXPECT_NE(expect_refused(tmp / "altered.tar.gz").find("does not hash to its id"), std::string::npos);
  write_tar(tmp / "bytes.tar.gz", {good_manifest, {y.name, yaml + " "}, l});
  EXPECT_NE(expect_refused(tmp / "bytes.tar.gz").find("checksum"), std::string::npos);
  write_tar(tmp / "missing.tar.gz", {good_manifest, y});
  EXPECT_NE(expect_refused(tmp / "missing.tar.gz").find("missing"), std::string::npos);
  spackext::testing::write_file(tmp / "junk.tar.gz", "not an archive");
  expect_refused(tmp / "junk.tar.gz");
}

}  // namespace
