#include "snapshot_command.hpp"

#include <future>
#include <iomanip>
#include <ostream>

#include <nlohmann/json.hpp>

#include "environment.hpp"
#include "snapshot_archive.hpp"
#include "snapshot_service.hpp"
#include "spackext/errors.hpp"
#include "spackext/event.hpp"

namespace spackext::snapshot {
namespace fs = std::filesystem;
namespace {

nlohmann::json record_json(const SnapshotRecord& r) {
  auto j = r.manifest();
  j.erase("format");
  j.erase("version");
  j["id"] = r.id;
  return j;
}

void print_diff(std::ostream& out, const SpecDiff& d) {
  for (const auto& r : d.roots_added) out << "  root added    " << r << "\n";
  for (const auto& r : d.roots_removed) out << "  root removed  " << r << "\n";
  for (const auto& r : d.added) out << "+ " << r.to_string() << "\n";
  for (const auto& r : d.removed) out << "- " << r.to_string() << "\n";
  for (const auto& c : d.changed) {
    out << "~ " << c.from.name << ":";
    std::string sep = " ";
    for (const auto& [what, change] : c.changes) {
      out << sep << what << " " << change;
      sep = "; ";
    }
    out << "\n";
  }
  out << d.added.size() << " added, " << d.removed.size() << " removed, " << d.changed.size() << " changed, "
      << d.same.size() << " the same\n";
}

}  // namespace

fs::path SnapshotCommand::environment(const std::string& dir_or_name) const {
  return resolve_environment(dir_or_name,
                             environment_roots(host_.config().value<std::string>("snapshot.environments_root", "")));
}

int SnapshotCommand::run(const CommandInvocation& inv) {
  SnapshotService s(host_.paths().state_dir / "snapshots");
  const auto& sub = inv.parsed.subcommand();
  if (sub == "create") return create(inv, s);
  if (sub == "list") return list(inv, s);
  if (sub == "show") return show(inv, s);
  if (sub == "diff") return diff(inv, s);
  if (sub == "restore") return restore(inv, s);
  if (sub == "cleanup") return cleanup(inv, s);
  if (sub == "export") return export_(inv, s);
  if (sub == "import") return import(inv, s);
  throw UsageError(inv.parsed.usage());
}

int SnapshotCommand::create(const CommandInvocation& inv, SnapshotService& s) {
  const auto& a = inv.parsed;
  const fs::path env = environment(a.get("env"));
  std::optional<fs::path> db;
  if (a.given("spack-db")) {
    db = fs::path(a.get("spack-db"));
    if (!fs::exists(*db)) throw InputError(db->string(), "no such file or folder (expected an install tree or its .spack-db/index.json)");
  }
  const auto r = s.create(a.positional(0), env, a.get("desc"), db);
  host_.bus().publish("snapshot.created", {{"id", r.id}, {"name", r.name}, {"environment", r.environment}}, "snapshot");
  if (inv.output.json) inv.out << record_json(r).dump(2) << "\n";
  else inv.out << "created " << r.id << " (" << r.name << ") of " << r.environment << (r.spack_lock.empty() ? " (no spack.lock yet)" : "") << "\n";
  return kExitOk;
}

int SnapshotCommand::list(const CommandInvocation& inv, SnapshotService& s) {
  const auto all = s.catalog().list();
  if (inv.output.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : all) out.push_back(record_json(r));
    inv.out << out.dump(2) << "\n";
    return kExitOk;
  }
  if (all.empty()) {
    inv.err << "no snapshots (take one with `spack-ext snapshot create NAME --env ENV`)\n";
    return kExitOk;
  }
  inv.out << std::left << std::setw(19) << "ID" << std::setw(28) << "CREATED" << std::setw(12) << "KIND" << "NAME\n";
  for (const auto& r : all) {
    inv.out << std::left << std::setw(19) << r.id << std::setw(28) << r.created_at << std::setw(12) << r.kind << r.name
            << (r.description.empty() ? "" : "  - " + r.description) << "\n";
  }
  return kExitOk;
}

int SnapshotCommand::show(const CommandInvocation& inv, SnapshotService& s) {
  const auto r = s.require(inv.parsed.positional(0));
  const auto specs = s.specs_of(r);
  if (inv.output.json) {
    auto j = record_json(r);
    j["specs"] = specs.size();
    nlohmann::json roots = nlohmann::json::array();
    for (const auto& h : specs.roots())
      if (const auto* sp = specs.find(h)) roots.push_back({{"name", sp->name}, {"version", sp->version}, {"hash", h}});
    j["roots"] = roots;
    inv.out << j.dump(2) << "\n";
    return kExitOk;
  }
  inv.out << r.id << "  " << r.name << "\n  created " << r.created_at << " (" << r.kind << ")\n  environment "
          << r.environment << "\n";
  if (!r.description.empty()) inv.out << "  " << r.description << "\n";
  inv.out << "  spack.yaml " << r.spack_yaml.substr(0, 12) << "\n  spack.lock "
          << (r.spack_lock.empty() ? "(none)" : r.spack_lock.substr(0, 12)) << "\n";
  if (!r.install_db.empty()) inv.out << "  install database " << r.install_db.substr(0, 12) << "\n";
  inv.out << "  " << specs.size() << " concrete specs; roots:\n";
  for (const auto& h : specs.roots())
    if (const auto* sp = specs.find(h)) inv.out << "    " << sp->name << "@" << sp->version << " /" << h.substr(0, 7) << "\n";
  return kExitOk;
}

int SnapshotCommand::diff(const CommandInvocation& inv, SnapshotService& s) {
  const auto& a = inv.parsed;
  const auto from = s.require(a.positional(0));
  // Each side's lockfile is read and parsed on its own thread: the two
  // parses are most of a diff's time.
  auto left_specs = std::async(std::launch::async, [&] { return s.specs_of(from); });
  spack::SpecSet right;
  std::string to_label;
  if (!a.positional(1).empty()) {
    const auto to = s.require(a.positional(1));
    right = s.specs_of(to);
    to_label = to.id;
  } else {
    // Against an environment as it is now: --env, or where the snapshot was taken.
    const fs::path env = a.given("env") ? environment(a.get("env")) : environment(from.environment);
    finish_interrupted_restore(env, s.store());
    right = SnapshotService::specs_of_environment(env);
    to_label = env.string();
  }
  const spack::SpecSet left = left_specs.get();
  const auto d = diff_specs(left, right);
  if (inv.output.json) {
    auto j = d.to_json();
    j["from"] = from.id;
    j["to"] = to_label;
    inv.out << j.dump(2) << "\n";
  } else {
    inv.out << from.id << " -> " << to_label << "\n";
    print_diff(inv.out, d);
  }
  return kExitOk;
}

int SnapshotCommand::restore(const CommandInvocation& inv, SnapshotService& s) {
  const auto& a = inv.parsed;
  const auto r = s.require(a.positional(0));
  const fs::path env = environment(a.given("env") ? a.get("env") : r.environment);
  const auto plan = s.plan_restore(r, env);
  const bool dry = a.has("dry-run");
  std::string pre;
  if (!dry) pre = s.restore(plan);
  if (!dry && !plan.up_to_date())
    host_.bus().publish("snapshot.restored", {{"id", r.id}, {"environment", env.string()}, {"pre_restore", pre}}, "snapshot");
  if (inv.output.json) {
    nlohmann::json install = nlohmann::json::array();
    for (const auto& x : plan.to_install) install.push_back({{"name", x.name}, {"version", x.version}, {"hash", x.hash}});
    nlohmann::json j{{"snapshot", r.id}, {"environment", env.string()}, {"dry_run", dry},
                     {"changes", {{"spack.yaml", plan.yaml_changes}, {"spack.lock", plan.lock_changes}}},
                     {"diff", plan.diff.to_json()}, {"to_install", install}};
    if (!pre.empty()) j["pre_restore"] = pre;
    inv.out << j.dump(2) << "\n";
    return kExitOk;
  }
  if (plan.up_to_date()) {
    inv.out << env.string() << " already matches " << r.id << "\n";
    return kExitOk;
  }
  inv.out << (dry ? "would restore " : "restored ") << r.id << " (" << r.name << ") into " << env.string() << "\n";
  print_diff(inv.out, plan.diff);
  if (!plan.to_install.empty()) {
    inv.out << "Spack must install " << plan.to_install.size() << " spec" << (plan.to_install.size() == 1 ? "" : "s")
            << " (`spack -e " << env.string() << " install`):\n";
    for (const auto& x : plan.to_install) inv.out << "  " << x.to_string() << "\n";
  }
  if (!pre.empty()) inv.out << "undo with: spack-ext snapshot restore " << pre << "\n";
  return kExitOk;
}

int SnapshotCommand::cleanup(const CommandInvocation& inv, SnapshotService& s) {
  const auto& a = inv.parsed;
  if (!a.given("keep-last") && !a.given("older-than"))
    throw UsageError("give --keep-last N, --older-than AGE or both\n" + a.usage());
  std::optional<std::size_t> keep;
  if (a.given("keep-last")) {
    const long n = a.integer("keep-last", 0);
    if (n < 0) throw InputError("--keep-last", "expected a number of snapshots, 0 or more");
    keep = static_cast<std::size_t>(n);
  }
  std::optional<std::chrono::seconds> age;
  if (a.given("older-than")) age = parse_age(a.get("older-than"));
  const auto plan = s.plan_cleanup(keep, age, std::chrono::system_clock::now());
  const bool dry = a.has("dry-run");
  std::size_t objects = 0;
  if (!dry) objects = s.cleanup(plan);
  if (inv.output.json) {
    nlohmann::json removed = nlohmann::json::array();
    for (const auto& r : plan.remove) removed.push_back(record_json(r));
    inv.out << nlohmann::json{{"dry_run", dry}, {"removed", removed}, {"kept", plan.keep.size()}, {"objects_removed", objects}}.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& r : plan.remove) inv.out << (dry ? "would remove " : "removed ") << r.id << "  " << r.created_at << "  " << r.name << "\n";
  inv.out << plan.remove.size() << (dry ? " would be removed, " : " removed, ") << plan.keep.size() << " kept\n";
  return kExitOk;
}

int SnapshotCommand::export_(const CommandInvocation& inv, SnapshotService& s) {
  const auto r = s.require(inv.parsed.positional(0));
  const fs::path file = inv.parsed.positional(1);
  export_snapshot(r, s.store(), file);
  if (inv.output.json) inv.out << nlohmann::json{{"id", r.id}, {"file", file.string()}}.dump(2) << "\n";
  else inv.out << "exported " << r.id << " to " << file.string() << "\n";
  return kExitOk;
}

int SnapshotCommand::import(const CommandInvocation& inv, SnapshotService& s) {
  const fs::path file = inv.parsed.positional(0);
  auto r = import_snapshot(file, s.store());
  const bool known = s.catalog().find(r.id).has_value();
  s.add(r);
  if (inv.output.json) inv.out << nlohmann::json{{"id", r.id}, {"name", r.name}, {"already_present", known}}.dump(2) << "\n";
  else inv.out << (known ? "already present: " : "imported ") << r.id << " (" << r.name << ")\n";
  return kExitOk;
}

}  // namespace spackext::snapshot
