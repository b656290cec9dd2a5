#include "package_catalog.hpp"

#include "spackext/errors.hpp"
#include "spackext/event.hpp"

namespace spackext::package {
namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS packages (
  name TEXT PRIMARY KEY,
  family TEXT NOT NULL,
  version TEXT NOT NULL,
  definition TEXT NOT NULL,
  source TEXT NOT NULL,
  imported_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS packages_by_family ON packages(family, name);
)";

}  // namespace

PackageCatalog::PackageCatalog(const std::filesystem::path& file) : db_(file, kSchemaVersion, kSchema) {}

void PackageCatalog::import(const std::vector<PackageDefinition>& definitions) {
  db_.transaction([&] {
    auto exists = db_.prepare("SELECT source FROM packages WHERE name = ?1");
    auto insert = db_.prepare(
        "INSERT INTO packages (name, family, version, definition, source, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    const std::string now = format_timestamp(Clock::now());
    for (const auto& d : definitions) {
      exists.bind(1, d.name);
      if (exists.step()) {
        const std::string source = exists.text(0);
        throw InputError(d.file + ":" + std::to_string(d.line_of_name),
                         "package '" + d.name + "' is already in the catalog (imported from " + source + ")");
      }
      exists.run();
      insert.bind(1, d.name).bind(2, d.family).bind(3, d.version).bind(4, d.to_json().dump())
          .bind(5, d.file).bind(6, now);
      insert.run();
    }
  });
}

CatalogEntry PackageCatalog::entry(sqlite::Statement& row) const {
  CatalogEntry e{definition_from_json(nlohmann::json::parse(row.text(0)), row.text(1)), row.text(1), row.text(2)};
  return e;
}

bool PackageCatalog::contains(const std::string& name) const {
  auto q = db_.prepare("SELECT 1 FROM packages WHERE name = ?1");
  q.bind(1, name);
  return q.step();
}

std::optional<CatalogEntry> PackageCatalog::find(const std::string& name) const {
  auto q = db_.prepare("SELECT definition, source, imported_at FROM packages WHERE name = ?1");
  q.bind(1, name);
  if (!q.step()) return std::nullopt;
  return entry(q);
}

std::vector<CatalogEntry> PackageCatalog::list(const std::string& family) const {
  auto q = db_.prepare(family.empty()
                           ? "SELECT definition, source, imported_at FROM packages ORDER BY family, name"
                           : "SELECT definition, source, imported_at FROM packages WHERE family = ?1 ORDER BY name");
  if (!family.empty()) q.bind(1, family);
  std::vector<CatalogEntry> out;
  while (q.step()) out.push_back(entry(q));
  return out;
}

std::vector<std::string> PackageCatalog::names() const {
  auto q = db_.prepare("SELECT name FROM packages ORDER BY name");
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

}  // namespace spackext::package
