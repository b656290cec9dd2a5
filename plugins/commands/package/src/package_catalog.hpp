// The package catalog: definitions imported with `package import`, by name,
// in the plugin's own SQLite file under the state dir. An import is one
// transaction: every definition of the folder goes in, or none does.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "package_definition.hpp"
#include "spackext/sqlite.hpp"

namespace spackext::package {

struct CatalogEntry {
  PackageDefinition definition;
  std::string source;       // the file it was imported from
  std::string imported_at;  // ISO-8601 UTC
};

class PackageCatalog {
 public:
  static constexpr int kSchemaVersion = 1;
  explicit PackageCatalog(const std::filesystem::path& file);

  // Adds every definition, or none: a name already in the catalog is an
  // InputError naming the existing entry's source.
  void import(const std::vector<PackageDefinition>& definitions);
  bool contains(const std::string& name) const;
  std::optional<CatalogEntry> find(const std::string& name) const;
  // Sorted by family, then name; all families when `family` is empty.
  std::vector<CatalogEntry> list(const std::string& family = {}) const;
  std::vector<std::string> names() const;

 private:
  CatalogEntry entry(sqlite::Statement& row) const;
  mutable sqlite::Database db_;
};

}  // namespace spackext::package
