// The microarchitecture database: every known target, linked into family
// DAGs. Three sources feed it:
//   * the built-in table written by spack-ext (facts from archspec), parsed
//     lazily the first time something asks for it;
//   * a Spack installation's archspec `microarchitectures.json`, which then
//     replaces the built-in table (new CPUs without a new spack-ext release);
//   * tables from vendor plugins, merged over either of the above.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "spackext/microarch/microarchitecture.hpp"

namespace spackext::microarch {

class Database {
 public:
  Database() = default;

  // The built-in table (parsed once, on first use; thread-safe).
  static std::shared_ptr<const Database> builtin();
  // A table in spack-ext's own text format (see sdk/src/microarch/tables/).
  // `origin` names it in error messages. Throws InputError on bad syntax.
  static Database parse_table(std::string_view text, const std::string& origin);
  // archspec's microarchitectures.json. Throws InputError when unreadable or
  // malformed.
  static Database load_archspec_json(const std::filesystem::path& file);
  // Where a Spack installation keeps archspec's database:
  // $SPACK_ROOT/lib/spack/spack/vendor/archspec/json/cpu/microarchitectures.json
  // (Spack >= 1.0) or .../lib/spack/external/archspec/json/cpu/... (older).
  static std::optional<std::filesystem::path> find_spack_database(
      const std::optional<std::filesystem::path>& spack_root);
  // --microarch-db FILE if given, else the Spack installation's database
  // (SPACK_ROOT), else the built-in table.
  static std::shared_ptr<const Database> resolve(const std::optional<std::filesystem::path>& file);

  // Adds the other table's targets (and vendor codes); a target with a name
  // already known replaces the old definition in place. Relinks the DAG.
  void merge(const Database& other);

  const Microarchitecture* find(std::string_view name) const;
  // As find(), but a miss is an InputError naming the closest known targets.
  const Microarchitecture& get(std::string_view name) const;
  // All targets in table order (the order breaks detection ties).
  const std::vector<Microarchitecture>& targets() const { return targets_; }
  std::size_t size() const { return targets_.size(); }

  // The vendor name for an aarch64 "CPU implementer" code, or nullopt.
  std::optional<std::string> arm_vendor(std::string_view code) const;
  // The most specialised generic target among `target` and its ancestors:
  // the psABI level on x86_64, the ISA level on aarch64, the family root elsewhere.
  const Microarchitecture& generic_level(const Microarchitecture& target) const;
  // Where the table came from ("built-in", a file path, a plugin name).
  const std::string& source() const { return source_; }

  // Computes ancestors and families; throws InputError for a parent that
  // does not exist or a cycle. Called by the loaders and merge().
  void link();
  // Used by the loaders. With `features_relative` the target's features are
  // only what it adds to its parents'; link() completes them.
  void add(Microarchitecture target, bool features_relative = false);
  void set_arm_vendor(std::string code, std::string vendor);
  void set_source(std::string source) { source_ = std::move(source); }

 private:
  std::vector<Microarchitecture> targets_;
  std::unordered_map<std::string, std::size_t> index_;
  std::map<std::string, std::string> arm_vendors_;
  std::set<std::string> relative_features_;  // targets whose features link() completes
  std::string source_;
};

}  // namespace spackext::microarch
