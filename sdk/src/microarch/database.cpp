// The database model: lookup, merging tables, linking the family DAGs.
#include "spackext/microarch/database.hpp"
#include "spackext/suggest.hpp"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <mutex>

#include "spackext/errors.hpp"
#include "spackext/microarch/cpuinfo.hpp"
#include "tables/builtin_tables.hpp"

namespace spackext::microarch {

bool Microarchitecture::has_ancestor(const std::string& other) const {
  return std::find(ancestors.begin(), ancestors.end(), other) != ancestors.end();
}

std::shared_ptr<const Database> Database::builtin() {
  static std::once_flag once;
  static std::shared_ptr<const Database> table;
  std::call_once(once, [] {
    Database db;
    for (auto part : {tables::kX86, tables::kAarch64, tables::kPower, tables::kRiscv64,
                      tables::kSparc})
      db.merge(parse_table(part, "built-in table"));
    db.set_source("built-in");
    table = std::make_shared<const Database>(std::move(db));
  });
  return table;
}

std::optional<std::filesystem::path> Database::find_spack_database(
    const std::optional<std::filesystem::path>& spack_root) {
  if (!spack_root || spack_root->empty()) return std::nullopt;
  for (const char* rel : {"lib/spack/spack/vendor/archspec/json/cpu/microarchitectures.json",
                          "lib/spack/external/archspec/json/cpu/microarchitectures.json"}) {
    std::error_code ec;
    auto candidate = *spack_root / rel;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

std::shared_ptr<const Database> Database::resolve(
    const std::optional<std::filesystem::path>& file) {
  if (file) return std::make_shared<const Database>(load_archspec_json(*file));
  std::optional<std::filesystem::path> root;
  if (const char* env = std::getenv("SPACK_ROOT")) root = std::filesystem::path(env);
  if (auto found = find_spack_database(root))
    return std::make_shared<const Database>(load_archspec_json(*found));
  return builtin();
}

void Database::add(Microarchitecture target, bool features_relative) {
  if (features_relative)
    relative_features_.insert(target.name);
  else
    relative_features_.erase(target.name);
  if (auto it = index_.find(target.name); it != index_.end()) {
    targets_[it->second] = std::move(target);
    return;
  }
  index_.emplace(target.name, targets_.size());
  targets_.push_back(std::move(target));
}

void Database::set_arm_vendor(std::string code, std::string vendor) {
  arm_vendors_[std::move(code)] = std::move(vendor);
}

void Database::merge(const Database& other) {
  for (const auto& t : other.targets_) add(t, other.relative_features_.count(t.name) > 0);
  for (const auto& [code, vendor] : other.arm_vendors_) arm_vendors_[code] = vendor;
  if (source_.empty()) source_ = other.source_;
  link();
}

void Database::link() {
  // Depth-first over parents, memoised; `state` catches cycles.
  std::vector<int> state(targets_.size(), 0);  // 0 new, 1 in progress, 2 done
  std::function<void(std::size_t)> visit = [&](std::size_t i) {
    if (state[i] == 2) return;
    auto& t = targets_[i];
    if (state[i] == 1) throw InputError(t.origin, "microarchitecture '" + t.name + "' is its own ancestor");
    state[i] = 1;
    std::vector<std::string> ancestors = t.parents;
    std::string family = t.parents.empty() ? t.name : std::string();
    for (const auto& p : t.parents) {
      auto it = index_.find(p);
      if (it == index_.end())
        throw InputError(t.origin, "microarchitecture '" + t.name + "' names unknown parent '" + p + "'");
      visit(it->second);
      const auto& parent = targets_[it->second];
      for (const auto& a : parent.ancestors)
        if (std::find(ancestors.begin(), ancestors.end(), a) == ancestors.end()) ancestors.push_back(a);
      if (family.empty()) family = parent.family;
      if (relative_features_.count(t.name))
        targets_[i].features.insert(parent.features.begin(), parent.features.end());
    }
    add_implied_features(targets_[i].features);
    targets_[i].ancestors = std::move(ancestors);
    targets_[i].family = std::move(family);
    state[i] = 2;
  };
  for (std::size_t i = 0; i < targets_.size(); ++i) visit(i);
}

const Microarchitecture* Database::find(std::string_view name) const {
  auto it = index_.find(std::string(name));
  return it == index_.end() ? nullptr : &targets_[it->second];
}

const Microarchitecture& Database::get(std::string_view name) const {
  if (const auto* t = find(name)) return *t;
  std::vector<std::string> names;
  for (const auto& t : targets_) names.push_back(t.name);
  std::sort(names.begin(), names.end());  // ties resolve alphabetically, as before
  auto near = closest_names(name, names, 3);
  std::string msg = "unknown microarchitecture '" + std::string(name) + "'";
  if (!near.empty()) {
    msg += "; closest known:";
    for (std::size_t i = 0; i < near.size(); ++i) msg += (i ? ", " : " ") + near[i];
  }
  throw InputError("--arch", msg);
}

std::optional<std::string> Database::arm_vendor(std::string_view code) const {
  auto it = arm_vendors_.find(std::string(code));
  if (it == arm_vendors_.end()) return std::nullopt;
  return it->second;
}

const Microarchitecture& Database::generic_level(const Microarchitecture& target) const {
  // Most ancestors wins, then most features: the same order detection uses.
  const Microarchitecture* best = target.generic() ? &target : nullptr;
  auto better = [](const Microarchitecture& a, const Microarchitecture* b) {
    if (!b) return true;
    if (a.ancestors.size() != b->ancestors.size()) return a.ancestors.size() > b->ancestors.size();
    return a.features.size() > b->features.size();
  };
  for (const auto& name : target.ancestors) {
    const auto* a = find(name);
    if (a && a->generic() && better(*a, best)) best = a;
  }
  return best ? *best : target;
}

}  // namespace spackext::microarch
