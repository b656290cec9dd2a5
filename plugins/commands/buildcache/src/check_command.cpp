#include "buildcache/check_command.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <optional>

#include <spackext/errors.hpp>
#include <spackext/progress.hpp>
#include <spackext/spack/install_database.hpp>
#include <spackext/spack/lockfile.hpp>

#include "buildcache/check.hpp"
#include "buildcache/mirror_access.hpp"

namespace spackext::buildcache {

namespace {

namespace fs = std::filesystem;

// --db names an install tree (holding .spack-db/index.json) or its .spack-db.
fs::path database_file(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw InputError(dir.string(), "no such install tree (expected a folder holding .spack-db)");
  if (!fs::is_directory(dir, ec)) throw InputError(dir.string(), "is not a folder (expected an install tree)");
  if (dir.filename() == ".spack-db" || (dir.filename().empty() && dir.parent_path().filename() == ".spack-db"))
    return dir / "index.json";
  return spack::install_database_path(dir);
}

// Binary mirrors of the configuration, in its order (a mirror Spack would
// use only for sources is not asked).
std::vector<std::string> configured_binary_mirrors(const MirrorsConfig& config) {
  std::vector<std::string> out;
  for (auto it = config.mirrors().begin(); it != config.mirrors().end(); ++it)
    if (!(it->is_object() && it->contains("binary") && (*it)["binary"] == false)) out.push_back(it.key());
  return out;
}

std::string holding_text(const Holding& h) {
  std::string s = h.mirror + " (" + to_string(h.layout);
  if (h.layout == Layout::oci)
    s += ", no signatures";
  else if (!h.signed_)
    s += ", unsigned";
  return s + ")";
}

struct Counts {
  std::size_t present = 0, unsigned_only = 0, missing = 0;
};

Counts count(const std::vector<CheckedSpec>& rows) {
  Counts c;
  for (const auto& r : rows) {
    switch (r.status()) {
      case CheckStatus::present: ++c.present; break;
      case CheckStatus::unsigned_only: ++c.unsigned_only; break;
      case CheckStatus::missing: ++c.missing; break;
    }
  }
  return c;
}

struct CheckedMirror {
  std::string name;
  std::string url;
  MirrorFindings findings;
};

nlohmann::json to_json(const std::vector<CheckedMirror>& mirrors, const std::vector<CheckedSpec>& rows,
                       const Selection& selection, const std::string& source) {
  auto ms = nlohmann::json::array();
  for (const auto& m : mirrors) {
    auto layouts = nlohmann::json::array();
    for (auto l : m.findings.layouts) layouts.push_back(to_string(l));
    ms.push_back({{"name", m.name},
                  {"url", redact_url(m.url)},
                  {"read", m.findings.from_index ? "index" : "scan"},
                  {"index", m.findings.from_index ? nlohmann::json(m.findings.index_key) : nlohmann::json(nullptr)},
                  {"layouts", layouts},
                  {"stale_index_entries", m.findings.stale}});
  }
  auto specs = nlohmann::json::array();
  for (const auto& r : rows) {
    auto held = nlohmann::json::array();
    for (const auto& h : r.holdings)
      held.push_back({{"mirror", h.mirror},
                      {"layout", to_string(h.layout)},
                      // OCI buildcaches carry no signatures at all: null, not false.
                      {"signed", h.layout == Layout::oci ? nlohmann::json(nullptr) : nlohmann::json(h.signed_)},
                      {"metadata", h.metadata_key}});
    specs.push_back({{"hash", r.spec.hash},
                     {"name", r.spec.name.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.spec.name)},
                     {"version", r.spec.version.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.spec.version)},
                     {"status", to_string(r.status())},
                     {"mirrors", held}});
  }
  auto externals = nlohmann::json::array();
  for (const auto& e : selection.externals)
    externals.push_back({{"hash", e.hash}, {"name", e.name}, {"version", e.version}});
  const auto c = count(rows);
  return {{"source", source},
          {"mirrors", ms},
          {"specs", specs},
          {"skipped_externals", externals},
          {"summary",
           {{"checked", rows.size()},
            {"present", c.present},
            {"unsigned_only", c.unsigned_only},
            {"missing", c.missing},
            {"externals_skipped", selection.externals.size()}}}};
}

void print_table(std::ostream& out, const std::vector<CheckedSpec>& rows) {
  std::size_t width = 4;
  auto spec_text = [](const CheckedSpec& r) {
    return r.spec.name.empty() ? std::string("?") : r.spec.name + "@" + r.spec.version;
  };
  for (const auto& r : rows) width = std::max(width, spec_text(r).size());
  out << std::left << std::setw(9) << "HASH" << std::setw(static_cast<int>(width) + 2) << "SPEC" << std::setw(15)
      << "STATUS" << "MIRRORS\n";
  for (const auto& r : rows) {
    std::string where;
    for (const auto& h : r.holdings) where += (where.empty() ? "" : ", ") + holding_text(h);
    out << std::left << std::setw(9) << r.spec.hash.substr(0, 7) << std::setw(static_cast<int>(width) + 2)
        << spec_text(r) << std::setw(15) << to_string(r.status()) << (where.empty() ? "-" : where) << "\n";
  }
  out << std::right;
}

}  // namespace

int run_check(HostContext& host, const CommandInvocation& inv, const MirrorsConfig& config) {
  const ParsedArgs& p = inv.parsed;
  const bool lock = p.given("lock"), db = p.given("db");
  if (lock && db) throw UsageError("buildcache check: --lock and --db exclude each other\n" + p.usage());
  if (!lock && !db && p.positionals().empty())
    throw UsageError("buildcache check: say what to check: --lock FILE, --db DIR or SPEC...\n" + p.usage());

  // What to look for.
  Selection selection;
  std::string source = "arguments";
  if (lock || db) {
    const fs::path file = lock ? fs::path(p.get("lock")) : database_file(p.get("db"));
    const auto set = lock ? spack::read_lockfile(file) : spack::read_install_database(file);
    source = file.string();
    selection = select_specs(set, group_spec_words(p.positionals()), source);
  } else {
    selection.specs = hash_specs(p.positionals());
  }

  // Where to look.
  std::vector<std::string> names = p.given("mirror") ? p.all("mirror") : configured_binary_mirrors(config);
  if (names.empty())
    throw UsageError("buildcache check: no binary mirrors configured and none given with --mirror\n" + p.usage());

  CheckOptions options;
  options.scan = p.given("scan");
  options.jobs = std::max(1u, static_cast<unsigned>(p.integer("jobs", 8)));
  options.warn = [&](const std::string& m) { host.logger()->warn("{}", m); };
  std::vector<CheckedMirror> mirrors;
  {
    Progress progress(host.bus(), "buildcache.check", "Checking mirrors", names.size(), "mirrors", "buildcache");
    for (const auto& name : names) {
      auto m = open_mirror(host.registry(), config, name, /*push=*/false);
      // A mirror given as a URL is named by it: never with its credentials.
      const auto shown = redact_url(m.name);
      mirrors.push_back({shown, m.url, find_on_mirror(*m.store, shown, selection.specs, options)});
      for (const auto& h : mirrors.back().findings.stale)
        host.logger()->warn("{}: the index lists {} but its metadata is gone (stale index; run update-index)", shown,
                            h);
      progress.advance();
    }
    progress.finish();
  }
  std::vector<MirrorFindings> findings;
  for (auto& m : mirrors) findings.push_back(m.findings);
  const auto rows = merge_findings(selection.specs, findings);
  const auto c = count(rows);

  if (inv.output.json) {
    inv.out << to_json(mirrors, rows, selection, source).dump(2) << "\n";
  } else {
    print_table(inv.out, rows);
    inv.out << rows.size() << " spec(s) checked against " << mirrors.size() << " mirror(s): " << c.present
            << " present, " << c.unsigned_only << " unsigned-only, " << c.missing << " missing";
    if (!selection.externals.empty())
      inv.out << "; " << selection.externals.size() << " external(s) skipped (never in a buildcache)";
    inv.out << "\n";
  }
  return c.missing == 0 ? kExitOk : kExitFailure;
}

}  // namespace spackext::buildcache
