// The catalog: all-or-none imports, duplicates refused, lists by family.
#include <gtest/gtest.h>

#include "package_catalog.hpp"
#include "spackext_testing/testing.hpp"

namespace {

using namespace spackext::package;

PackageDefinition def(const std::string& name, const std::string& family) {
  auto r = load_definition_text("name: " + name + "\nfamily: " + family + "\nversion: '1.0'\ndependencies: [zlib]\n",
                                name + ".yaml");
  EXPECT_TRUE(r.ok());
  return r.definitions.at(0);
}

TEST(PackageCatalog, ImportListFind) {
  spackext::testing::TempDir tmp;
  PackageCatalog catalog(tmp / "state/packages.db");
  catalog.import({def("b", "f"), def("a", "f"), def("c", "g")});
  auto f = catalog.list("f");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].definition.name, "a");
  EXPECT_EQ(f[0].definition.dependencies.at(0).text, "zlib");
  EXPECT_EQ(f[0].source, "a.yaml");
  EXPECT_EQ(catalog.list().size(), 3u);
  EXPECT_TRUE(catalog.contains("c"));
  EXPECT_FALSE(catalog.find("zzz").has_value());
}

TEST(PackageCatalog, DuplicateRefusedAndNothingOfTheBatchKept) {
  spackext::testing::TempDir tmp;
  {
    PackageCatalog catalog(tmp / "packages.db");
    catalog.import({def("a", "f")});
    try {
      catalog.import({def("new", "f"), def("a", "f")});
      FAIL() << "duplicate accepted";
    } catch (const spackext::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("'a' is already in the catalog (imported from a.yaml)"), std::string::npos);
    }
  }
  PackageCatalog reopened(tmp / "packages.db");
  EXPECT_FALSE(reopened.contains("new"));
  EXPECT_EQ(reopened.list().size(), 1u);
}

TEST(PackageCatalog, NewerSchemaIsRefused) {
  spackext::testing::TempDir tmp;
  { spackext::sqlite::Database db(tmp / "packages.db", PackageCatalog::kSchemaVersion + 1, "SELECT 1;"); }
  EXPECT_THROW(PackageCatalog(tmp / "packages.db"), spackext::Error);
}

}  // namespace
