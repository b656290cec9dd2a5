#include "snapshot_service.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "environment.hpp"
#include "spackext/atomic_file.hpp"
#include "spackext/errors.hpp"
#include "spackext/event.hpp"
#include "spackext/spack/install_database.hpp"
#include "spackext/spack/lockfile.hpp"

namespace spackext::snapshot {
namespace fs = std::filesystem;
namespace {

std::string read_whole(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string(), "cannot read the file");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::chrono::system_clock::time_point parse_time(const std::string& iso) {
  std::tm tm{};
  std::istringstream in(iso.substr(0, 19));
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

std::chrono::seconds parse_age(const std::string& text) {
  std::size_t used = 0;
  long long n = -1;
  try {
    n = std::stoll(text, &used);
  } catch (...) {
  }
  const std::string unit = used < text.size() ? text.substr(used) : "";
  static const std::map<std::string, long long> units{{"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"w", 604800}};
  auto it = units.find(unit);
  if (n < 0 || it == units.end())
    throw InputError("--older-than " + text, "expected a number and a unit: s, m, h, d or w (e.g. 30d)");
  return std::chrono::seconds(n * it->second);
}

SnapshotService::SnapshotService(const fs::path& root) : store_(root), catalog_(root / "catalog.db") {}

SnapshotRecord SnapshotService::require(const std::string& key) const {
  auto r = catalog_.find(key);
  if (!r) throw InputError("", "no snapshot '" + key + "' (see `spack-ext snapshot list`)");
  return *r;
}

SnapshotRecord SnapshotService::create(const std::string& name, const fs::path& env, const std::string& description,
                                       const std::optional<fs::path>& install_db, const std::string& kind) {
  finish_interrupted_restore(env, store_);
  const auto files = read_environment(env);
  // A lockfile that does not read is refused now, not found at restore time.
  if (files.spack_lock) spack::parse_lockfile(nlohmann::json::parse(*files.spack_lock, nullptr, false), (env / "spack.lock").string());
  SnapshotRecord r;
  r.name = name;
  r.description = description;
  r.environment = env.string();
  r.created_at = format_timestamp(Clock::now());
  r.kind = kind;
  // Objects first; the catalog row that names them is published last.
  r.spack_yaml = store_.put(files.spack_yaml);
  if (files.spack_lock) r.spack_lock = store_.put(*files.spack_lock);
  if (install_db) {
    fs::path index = fs::is_directory(*install_db) ? spack::install_database_path(*install_db) : *install_db;
    const std::string text = read_whole(index);
    spack::parse_install_database(nlohmann::json::parse(text, nullptr, false), index.string());
    r.install_db = store_.put(text);
  }
  r.id = r.compute_id();
  catalog_.add(r);
  return r;
}

spack::SpecSet SnapshotService::specs_of(const SnapshotRecord& r) const {
  if (r.spack_lock.empty()) return {};
  return spack::parse_lockfile(nlohmann::json::parse(store_.get(r.spack_lock)), r.id + ":spack.lock");
}

spack::SpecSet SnapshotService::specs_of_environment(const fs::path& env) {
  std::error_code ec;
  if (!fs::exists(env / "spack.lock", ec)) return {};
  return spack::read_lockfile(env / "spack.lock");
}

RestorePlan SnapshotService::plan_restore(const SnapshotRecord& snapshot, const fs::path& env) {
  finish_interrupted_restore(env, store_);
  RestorePlan plan{snapshot, env, false, false, {}, {}};
  // Every object is read and checked before a plan is offered.
  const auto target_specs = specs_of(snapshot);
  store_.get(snapshot.spack_yaml);
  const auto current = read_environment(env);
  plan.yaml_changes = sha256_hex(current.spack_yaml) != snapshot.spack_yaml;
  plan.lock_changes = (current.spack_lock ? sha256_hex(*current.spack_lock) : "") != snapshot.spack_lock;
  const auto current_specs = specs_of_environment(env);
  plan.diff = diff_specs(current_specs, target_specs);
  for (const auto& [hash, spec] : target_specs.all())
    if (!current_specs.contains(hash) && !spec.external()) plan.to_install.push_back({spec.name, spec.version, hash});
  return plan;
}

std::string SnapshotService::restore(const RestorePlan& plan) {
  if (plan.up_to_date()) return "";
  EnvironmentLock lock(plan.environment);
  // The environment must still be what the plan saw.
  const auto now_files = read_environment(plan.environment);
  // Keep what is there now, so this restore can be undone.
  const auto pre = create("pre-restore-" + plan.snapshot.id, plan.environment,
                          "before restoring " + plan.snapshot.id + " (" + plan.snapshot.name + ")", std::nullopt,
                          "pre-restore");
  const auto after = read_environment(plan.environment);
  if (after.spack_yaml != now_files.spack_yaml || after.spack_lock != now_files.spack_lock)
    throw Error("the environment " + plan.environment.string() + " changed during the restore; nothing was replaced");
  nlohmann::json journal{{"snapshot", plan.snapshot.id}, {"spack.yaml", plan.snapshot.spack_yaml},
                         {"spack.lock", plan.snapshot.spack_lock}, {"pre-restore", pre.id}};
  write_file_atomically(restore_journal(plan.environment), journal.dump(2) + "\n");
  apply_files(plan.environment, store_, plan.snapshot.spack_yaml, plan.snapshot.spack_lock);
  return pre.id;
}

CleanupPlan SnapshotService::plan_cleanup(std::optional<std::size_t> keep_last, std::optional<std::chrono::seconds> older_than,
                                          std::chrono::system_clock::time_point now) const {
  CleanupPlan plan;
  const auto all = catalog_.list();  // newest first
  for (std::size_t i = 0; i < all.size(); ++i) {
    const bool protected_by_count = keep_last && i < *keep_last;
    const bool old_enough = !older_than || parse_time(all[i].created_at) < now - *older_than;
    const bool beyond_count = !keep_last || i >= *keep_last;
    if (!protected_by_count && old_enough && beyond_count) plan.remove.push_back(all[i]);
    else plan.keep.push_back(all[i]);
  }
  return plan;
}

std::size_t SnapshotService::cleanup(const CleanupPlan& plan) {
  std::vector<std::string> ids;
  for (const auto& r : plan.remove) ids.push_back(r.id);
  catalog_.remove(ids);
  // Objects go after the rows: a kill in between leaves unreferenced
  // objects, which the next cleanup removes.
  const auto referenced = catalog_.referenced_objects();
  const std::set<std::string> keep(referenced.begin(), referenced.end());
  // An object younger than an hour may belong to a snapshot being created
  // right now (objects are stored before their row): it stays.
  const auto young = fs::file_time_type::clock::now() - std::chrono::hours(1);
  std::size_t removed = 0;
  for (const auto& sha : store_.objects()) {
    std::error_code ec;
    const auto mtime = fs::last_write_time(store_.path_of(sha), ec);
    if (!keep.count(sha) && !ec && mtime < young) {
      store_.remove(sha);
      ++removed;
    }
  }
  store_.sweep_temporaries();
  return removed;
}

}  // namespace spackext::snapshot
