#include "buildcache/command.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include <spackext/errors.hpp>

#include "buildcache/catalog.hpp"
#include "buildcache/check_command.hpp"
#include "buildcache/gpg.hpp"
#include "buildcache/health.hpp"
#include "buildcache/index_store.hpp"
#include "buildcache/mirror_access.hpp"
#include "buildcache/mirror_config.hpp"
#include "buildcache/parallel.hpp"
#include "buildcache/prune.hpp"
#include "buildcache/query.hpp"
#include "buildcache/signing.hpp"
#include "buildcache/stats.hpp"
#include "buildcache/sync.hpp"
#include "buildcache/verify.hpp"

namespace spackext::buildcache {

namespace {

// A decimal number option (days); a UsageError naming it otherwise.
double number(const ParsedArgs& p, const char* option) {
  const std::string text = p.get(option);
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw UsageError(std::string("--") + option + " expects a number, got '" + text + "'\n" + p.usage());
  return value;
}

std::string human_bytes(std::uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  std::ostringstream s;
  s << std::fixed << std::setprecision(u == 0 ? 0 : 1) << v << " " << units[u];
  return s.str();
}

nlohmann::json spec_json(const SpecView& s) {
  return {{"name", s.name},         {"version", s.version}, {"hash", s.hash},
          {"arch", s.arch()},       {"platform", s.platform}, {"os", s.os},
          {"target", s.target},     {"compiler", s.compiler()}, {"namespace", s.namespace_}};
}

// Sorts by name, version, hash. The first eight bytes of the name, as a
// big-endian number, decide most comparisons without following the pointer
// (100,000 specs sorted through the pointers alone took a tenth of `list`).
void sort_for_listing(std::vector<const SpecView*>& specs) {
  struct Keyed {
    std::uint64_t prefix;
    const SpecView* spec;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(specs.size());
  for (const auto* s : specs) {
    std::uint64_t prefix = 0;
    for (std::size_t i = 0; i < 8; ++i)
      prefix = (prefix << 8) | (i < s->name.size() ? static_cast<unsigned char>(s->name[i]) : 0u);
    keyed.push_back({prefix, s});
  }
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    return std::tie(a.spec->name, a.spec->version, a.spec->hash) < std::tie(b.spec->name, b.spec->version, b.spec->hash);
  });
  for (std::size_t i = 0; i < keyed.size(); ++i) specs[i] = keyed[i].spec;
}

class Runner {
 public:
  Runner(HostContext& host, const CommandInvocation& inv, const BuildcacheCommand& cmd)
      : host_(host), inv_(inv), cmd_(cmd) {}

  // The words were parsed by the host against "commands" in plugin.json.
  int run() {
    const std::string& sub = inv_.parsed.subcommand();
    if (sub == "add-mirror") return add_mirror();
    if (sub == "list-mirrors") return list_mirrors();
    if (sub == "remove-mirror") return remove_mirror();
    if (sub == "list") return list();
    if (sub == "stats") return stats();
    if (sub == "verify") return verify();
    if (sub == "update-index") return update_index();
    if (sub.rfind("keys ", 0) == 0) return keys();
    if (sub == "sync") return sync();
    if (sub == "prune") return prune();
    if (sub == "health") return health();
    if (sub == "sign") return sign();
    if (sub == "check") return run_check(host_, inv_, config());
    throw UsageError("buildcache: unknown subcommand '" + sub + "'\n" + inv_.parsed.usage());
  }

 private:
  bool json() const { return inv_.output.json; }
  MirrorsConfig config() const { return MirrorsConfig::load(cmd_.mirrors_file()); }

  OpenedMirror open(const std::string& name_or_url, bool push = false) {
    return open_mirror(host_.registry(), config(), name_or_url, push);
  }

  static std::string one(const ParsedArgs& p, const std::string& sub, const char* what) {
    if (p.positionals().empty()) throw UsageError("buildcache " + sub + ": missing " + what + "\n" + p.usage());
    return p.positionals().front();
  }

  std::optional<std::filesystem::path> keyring_of(const ParsedArgs& p) const {
    if (p.given("keyring")) return std::filesystem::path(p.get("keyring"));
    return cmd_.default_keyring();
  }

  // --- mirrors ---------------------------------------------------------------
  int add_mirror() {
    const ParsedArgs& p = inv_.parsed;
    auto cfg = config();
    if (p.given("from-spack")) {
      auto imported = MirrorsConfig::load(p.get("from-spack"));
      cfg.merge(imported, p.given("replace"));
      cfg.save(cmd_.mirrors_file());
      if (json())
        inv_.out << nlohmann::json{{"imported", imported.mirrors().size()}}.dump() << "\n";
      else
        inv_.out << "Imported " << imported.mirrors().size() << " mirror(s) into " << cmd_.mirrors_file().string()
                 << "\n";
      return kExitOk;
    }
    if (p.positionals().size() != 2) throw UsageError("buildcache add-mirror: needs NAME and URL\n" + p.usage());
    const auto& name = p.positionals()[0];
    auto url = p.positionals()[1];
    if (!url.empty() && url.front() == '/') url = "file://" + url;
    url_scheme(url);  // validates
    auto flag = [&](const char* k) { return p.given(k); };
    auto str = [&](const char* k) { return p.given(k) ? p.get(k) : std::string(); };
    if (flag("push") && flag("fetch-only")) throw UsageError("buildcache add-mirror: --push and --fetch-only exclude each other");
    if (flag("signed") && flag("unsigned")) throw UsageError("buildcache add-mirror: --signed and --unsigned exclude each other");
    Json entry = Json::object();
    entry[flag("fetch-only") ? "fetch" : "url"] = url;
    Json access_pair = Json::object();
    // Spack's store-specific flag names, or the generic ones (https, gs).
    auto first = [&](std::initializer_list<const char*> keys) {
      for (const char* k : keys)
        if (!str(k).empty()) return str(k);
      return std::string();
    };
    auto id = first({"s3-access-key-id", "oci-username", "username"});
    auto id_var = first({"s3-access-key-id-variable", "oci-username-variable", "username-variable"});
    auto secret_var = first({"s3-access-key-secret-variable", "oci-password-variable", "password-variable"});
    if (!id.empty()) access_pair["id"] = id;
    if (!id_var.empty()) access_pair["id_variable"] = id_var;
    if (!secret_var.empty()) access_pair["secret_variable"] = secret_var;
    if (!access_pair.empty()) entry["access_pair"] = access_pair;
    if (auto t = first({"s3-access-token-variable", "token-variable"}); !t.empty()) entry["access_token_variable"] = t;
    for (auto [flag_name, key] : {std::pair{"ca-bundle", "ca_bundle"}, std::pair{"credentials-file", "credentials_file"}})
      if (!str(flag_name).empty()) entry[key] = std::filesystem::absolute(str(flag_name)).string();
    auto profile = !str("profile").empty() ? str("profile") : str("s3-profile");
    if (!profile.empty()) entry["profile"] = profile;
    auto endpoint = !str("endpoint-url").empty() ? str("endpoint-url") : str("s3-endpoint-url");
    if (!endpoint.empty()) entry["endpoint_url"] = endpoint;
    if (p.given("type")) {
      auto t = str("type");
      if (t != "binary" && t != "source") throw UsageError("buildcache add-mirror: --type is binary or source");
      entry["binary"] = t == "binary";
      entry["source"] = t == "source";
    }
    if (flag("autopush")) entry["autopush"] = true;
    if (flag("signed")) entry["signed"] = true;
    if (flag("unsigned")) entry["signed"] = false;
    // A bare URL stays a bare string, as `spack mirror add` writes it.
    if (entry.size() == 1 && entry.contains("url")) entry = url;
    cfg.add(name, entry);
    cfg.save(cmd_.mirrors_file());
    if (json())
      inv_.out << nlohmann::json{{"added", name}, {"url", redact_url(url)}}.dump() << "\n";
    else
      inv_.out << "Added mirror " << name << " (" << redact_url(url) << ")\n";
    return kExitOk;
  }

  int list_mirrors() {
    const ParsedArgs& p = inv_.parsed;
    auto cfg = config();
    if (p.given("to-spack")) {
      inv_.out << cfg.to_spack_yaml();
      return kExitOk;
    }
    if (json()) {
      auto arr = nlohmann::json::array();
      for (auto it = cfg.mirrors().begin(); it != cfg.mirrors().end(); ++it) {
        auto f = cfg.fetch(it.key());
        auto pu = cfg.push(it.key());
        arr.push_back({{"name", it.key()},
                       {"fetch_url", f ? redact_url(f->url) : ""},
                       {"push_url", pu ? nlohmann::json(redact_url(pu->url)) : nlohmann::json(nullptr)},
                       {"signed", cfg.signed_(it.key())}});
      }
      inv_.out << arr.dump(2) << "\n";
      return kExitOk;
    }
    for (auto it = cfg.mirrors().begin(); it != cfg.mirrors().end(); ++it) {
      auto f = cfg.fetch(it.key());
      auto pu = cfg.push(it.key());
      inv_.out << it.key() << "  " << (f ? redact_url(f->url) : "-");
      if (!pu)
        inv_.out << " (fetch-only)";
      else if (!f || pu->url != f->url)
        inv_.out << " (push: " << redact_url(pu->url) << ")";
      inv_.out << (cfg.signed_(it.key()) ? "" : " [unsigned]") << "\n";
    }
    return kExitOk;
  }

  int remove_mirror() {
    const ParsedArgs& p = inv_.parsed;
    auto name = one(p, "remove-mirror", "NAME");
    auto cfg = config();
    cfg.remove(name);
    cfg.save(cmd_.mirrors_file());
    if (!json()) inv_.out << "Removed mirror " << name << "\n";
    else inv_.out << nlohmann::json{{"removed", name}}.dump() << "\n";
    return kExitOk;
  }

  // --- inspection ------------------------------------------------------------
  int list() {
    const ParsedArgs& p = inv_.parsed;
    auto target = one(p, "list", "NAME or URL");
    std::string query_text;
    for (std::size_t i = 1; i < p.positionals().size(); ++i) query_text += (i > 1 ? " " : "") + p.positionals()[i];
    auto query = SpecQuery::parse(query_text);
    auto m = open(target);
    // Views into the index (or the catalog), which live until the listing is
    // written: a 100,000-spec index lists without copying a string.
    std::vector<const SpecView*> specs;
    std::vector<SpecView> scanned;
    std::string source;
    std::optional<LoadedIndex> index;
    std::optional<Catalog> cat;
    if (!p.given("scan")) index = load_index(*m.store);
    if (index) {
      source = index->key;
      for (const auto& r : index->index.records)
        if (r.in_buildcache && query.matches(r.spec)) specs.push_back(&r.spec);
    } else {
      cat = scan_mirror(*m.store);
      source = "scan";
      for (const auto& pr : cat->problems) host_.logger()->warn("{}: {}", pr.object, pr.message);
      for (const auto* e : cat->unique_entries())
        if (query.matches(e->spec)) scanned.push_back(e->spec.view());
      for (const auto& s : scanned) specs.push_back(&s);
    }
    sort_for_listing(specs);
    const auto mirror = redact_url(m.url);
    auto topic = host_.bus().topic("mirror.object.listed");
    if (host_.bus().has_subscribers(topic))
      for (const auto* s : specs)
        host_.bus().publish(topic, {{"mirror", mirror}, {"spec", s->hash}, {"name", s->name}}, "buildcache");
    if (json()) {
      auto arr = nlohmann::json::array();
      for (const auto* s : specs) arr.push_back(spec_json(*s));
      inv_.out << nlohmann::json{{"mirror", mirror}, {"source", source}, {"specs", arr}}.dump(2) << "\n";
      return kExitOk;
    }
    // Lines are formatted into one buffer written in 64 KiB pieces, not
    // streamed field by field (no temporary string per line either).
    const bool long_form = p.given("long");
    std::string text;
    text.reserve(1 << 16);
    for (const auto* s : specs) {
      if (long_form) {
        text.append(s->hash.substr(0, 7)).append(1, ' ').append(s->name).append(1, '@').append(s->version);
        if (!s->compiler_name.empty()) text.append(1, '%').append(s->compiler());
        text.append(" arch=").append(s->arch());
      } else {
        s->append_display(text);
      }
      text.append(1, '\n');
      if (text.size() >= (1 << 16) - 512) {
        inv_.out.write(text.data(), static_cast<std::streamsize>(text.size()));
        text.clear();
      }
    }
    inv_.out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!inv_.output.quiet) inv_.err << "==> " << specs.size() << " spec(s) in " << mirror << "\n";
    return kExitOk;
  }

  int stats() {
    const ParsedArgs& p = inv_.parsed;
    auto m = open(one(p, "stats", "NAME or URL"));
    auto cat = scan_mirror(*m.store, {static_cast<unsigned>(p.integer("jobs", 0))});
    cat.mirror = redact_url(cat.mirror);
    auto s = compute_stats(cat);
    if (json()) {
      inv_.out << s.to_json().dump(2) << "\n";
      return kExitOk;
    }
    auto& out = inv_.out;
    out << "mirror:        " << s.mirror << "\n";
    out << "specs:         " << s.spec_count;
    for (const auto& [l, n] : s.specs_by_layout) out << "  [" << l << ": " << n << "]";
    out << "\nobjects:       " << s.object_count << " (" << human_bytes(s.total_bytes) << ")\n";
    out << "entry bytes:   " << human_bytes(s.entry_bytes) << "\n";
    auto groups = [&](const char* title, const std::map<std::string, GroupStats>& g) {
      out << title << "\n";
      for (const auto& [k, v] : g) out << "  " << std::left << std::setw(32) << k << std::right << std::setw(6) << v.specs << "  " << human_bytes(v.bytes) << "\n";
    };
    groups("by package:", s.by_package);
    groups("by arch:", s.by_arch);
    groups("by compiler:", s.by_compiler);
    if (s.oldest) out << "oldest:        " << s.oldest->spec << "  " << format_timestamp(s.oldest->time) << "\n";
    if (s.newest) out << "newest:        " << s.newest->spec << "  " << format_timestamp(s.newest->time) << "\n";
    out << "orphan blobs:  " << s.orphan_blobs.size() << "\n";
    for (const auto& k : s.orphan_blobs) out << "  " << k << "\n";
    out << "missing blobs: " << s.missing_blobs.size() << "\n";
    for (const auto& k : s.missing_blobs) out << "  " << k << "\n";
    for (const auto& i : s.indexes) {
      out << "index " << to_string(i.layout) << ":      " << (i.current ? "current" : "NOT current") << "\n";
      for (const auto& r : i.reasons) out << "  " << r << "\n";
    }
    for (const auto& pr : s.problems) out << "problem: " << pr.object << ": " << pr.message << "\n";
    return kExitOk;
  }

  int verify() {
    const ParsedArgs& p = inv_.parsed;
    auto m = open(one(p, "verify", "NAME or URL"));
    auto cat = scan_mirror(*m.store);
    cat.mirror = redact_url(cat.mirror);
    VerifyOptions vo;
    vo.jobs = static_cast<unsigned>(p.integer("jobs", 0));
    vo.check_signatures = !p.given("no-signatures");
    vo.keyring = keyring_of(p);
    vo.bus = &host_.bus();
    auto report = verify_mirror(*m.store, cat, vo);
    if (json()) {
      auto j = report.to_json();
      j["mirror"] = cat.mirror;
      j["specs"] = cat.unique_entries().size();
      inv_.out << j.dump(2) << "\n";
    } else {
      inv_.out << "verified " << cat.mirror << ": " << cat.unique_entries().size() << " spec(s), "
               << report.objects_checked << " object(s), " << human_bytes(report.bytes_hashed) << " hashed, "
               << report.signatures_checked << " signature(s)\n";
      for (const auto& pr : report.problems) inv_.out << "FAIL " << pr.object << ": " << pr.message << "\n";
      inv_.out << (report.ok() ? "OK\n" : std::to_string(report.problems.size()) + " problem(s)\n");
    }
    return report.ok() ? kExitOk : kExitFailure;
  }

  int update_index() {
    const ParsedArgs& p = inv_.parsed;
    auto m = open(one(p, "update-index", "NAME or URL"), /*push=*/true);
    IndexUpdateOptions io;
    io.skip_broken = p.given("skip-broken");
    io.incremental = !p.given("full");
    auto broken = nlohmann::json::array();
    io.on_broken = [&](const Problem& pr) {
      host_.logger()->warn("skipped {}: {}", pr.object, pr.message);
      broken.push_back({{"object", pr.object}, {"message", pr.message}});
    };
    auto published = update_indexes(*m.store, io);
    auto topic = host_.bus().topic("mirror.object.pushed");
    auto arr = nlohmann::json::array();
    for (const auto& pi : published) {
      if (pi.changed)
        host_.bus().publish(topic, {{"mirror", redact_url(m.url)}, {"key", pi.key}, {"sha256", pi.sha256}}, "buildcache");
      nlohmann::json item{{"layout", to_string(pi.layout)}, {"key", pi.key}, {"sha256", pi.sha256},
                          {"specs", pi.specs}, {"changed", pi.changed},
                          {"mode", pi.incremental ? "incremental" : "full"}};
      if (pi.incremental)
        item.update({{"added", pi.added}, {"removed", pi.removed}, {"rewritten", pi.changed_specs},
                     {"reused", pi.reused}});
      if (!pi.full_reason.empty()) item["full_reason"] = pi.full_reason;
      arr.push_back(item);
      if (json()) continue;
      inv_.out << "index " << to_string(pi.layout) << ": " << pi.specs << " spec(s), "
               << (pi.changed ? "published " : "unchanged ") << pi.key;
      if (pi.incremental)
        inv_.out << " (incremental: " << pi.added << " added, " << pi.removed << " removed, " << pi.changed_specs
                 << " rewritten, " << pi.reused << " reused)";
      inv_.out << "\n";
      if (!pi.full_reason.empty())
        inv_.out << "  rebuilt in full: " << pi.full_reason << "\n";
    }
    if (json())
      inv_.out << nlohmann::json{{"mirror", redact_url(m.url)}, {"indexes", arr}, {"skipped_broken", broken}}.dump(2)
               << "\n";
    else if (!broken.empty())
      inv_.out << broken.size() << " broken object(s) left out of the index\n";
    return kExitOk;
  }

  int sync() {
    const ParsedArgs& p = inv_.parsed;
    if (p.positionals().size() != 2) throw UsageError("buildcache sync: needs SRC and DST\n" + p.usage());
    auto src = open(p.positionals()[0]);
    auto dst = open(p.positionals()[1], /*push=*/true);
    SyncOptions so;
    if (p.given("only")) so.only = SpecQuery::parse(p.get("only"));
    so.jobs = std::max(1u, static_cast<unsigned>(p.integer("jobs", 0)));
    so.dry_run = p.given("dry-run");
    so.skip_broken = p.given("skip-broken");
    so.bus = &host_.bus();
    so.ledger = host_.paths().state_dir / "buildcache" / "proved-digests.sqlite";
    nlohmann::json finished{{"source", redact_url(src.url)}, {"destination", redact_url(dst.url)},
                            {"dry_run", so.dry_run}};
    SyncReport r;
    try {
      r = sync_mirrors(*src.store, *dst.store, so);
    } catch (const std::exception& e) {
      // Subscribers (webhooks, the event log) hear about a failed sync too.
      finished["status"] = "failed";
      finished["error"] = e.what();
      host_.bus().publish("buildcache.sync.finished", finished, "buildcache");
      throw;
    }
    auto broken = nlohmann::json::array();
    for (const auto& pr : r.broken) {
      host_.logger()->warn("skipped {}: {}", pr.object, pr.message);
      broken.push_back({{"object", pr.object}, {"message", pr.message}});
    }
    finished.update({{"status", "succeeded"}, {"specs", r.specs}, {"copied", r.copied}, {"skipped", r.skipped},
                     {"bytes_copied", r.bytes_copied}, {"index_changed", r.index_changed},
                     {"skipped_broken", broken.size()}});
    host_.bus().publish("buildcache.sync.finished", finished, "buildcache");
    if (json()) {
      inv_.out << nlohmann::json{{"source", redact_url(src.url)}, {"destination", redact_url(dst.url)},
                                 {"specs", r.specs}, {"copied", r.copied}, {"skipped", r.skipped},
                                 {"bytes_copied", r.bytes_copied}, {"read_back", r.read_back}, {"rehashed", r.rehashed},
                                 {"planned", r.planned},
                                 {"indexes", r.indexes}, {"index_changed", r.index_changed},
                                 {"skipped_broken", broken}, {"dry_run", so.dry_run}}
                      .dump(2)
               << "\n";
    } else if (so.dry_run) {
      for (const auto& k : r.planned) inv_.out << "would copy " << k << "\n";
      inv_.out << r.planned.size() << " object(s) to copy, " << r.skipped << " already present\n";
    } else {
      inv_.out << "synced " << r.specs << " spec(s): " << r.copied << " object(s) copied ("
               << human_bytes(r.bytes_copied) << "), " << r.skipped << " already present";
      if (r.index_changed) inv_.out << ", index published";
      if (!broken.empty()) inv_.out << ", " << broken.size() << " broken object(s) skipped";
      inv_.out << "\n";
    }
    return kExitOk;
  }

  int prune() {
    const ParsedArgs& p = inv_.parsed;
    auto target = one(p, "prune", "NAME or URL");
    PruneOptions po_;
    if (p.given("older-than")) {
      auto days = number(p, "older-than");
      if (days < 0) throw UsageError("buildcache prune: --older-than must not be negative");
      po_.older_than = std::chrono::hours(static_cast<long>(days * 24));
    }
    po_.orphans = p.given("orphans");
    if (p.given("orphan-grace")) {
      auto hours = number(p, "orphan-grace");
      if (hours < 0) throw UsageError("buildcache prune: --orphan-grace must not be negative");
      po_.orphan_grace = std::chrono::seconds(static_cast<long>(hours * 3600));
    }
    po_.dry_run = p.given("dry-run");
    if (!po_.older_than && !po_.orphans)
      throw UsageError("buildcache prune: say what to prune (--older-than DAYS and/or --orphans)");
    if (p.given("keep-lock"))
      for (const auto& f : p.all("keep-lock"))
        for (auto& h : lockfile_hashes(f)) po_.keep.insert(h);
    po_.bus = &host_.bus();
    auto m = open(target, /*push=*/!po_.dry_run);
    auto r = prune_mirror(*m.store, po_);
    if (json()) {
      inv_.out << nlohmann::json{{"mirror", redact_url(m.url)}, {"dry_run", po_.dry_run}, {"specs", r.specs},
                                 {"objects", r.keys}, {"kept", r.kept}, {"skipped_new", r.skipped_new},
                                 {"pinned", r.pinned}, {"undated", r.undated}, {"cascade_rounds", r.cascade_rounds}}
                      .dump(2)
               << "\n";
      return kExitOk;
    }
    const char* verb = po_.dry_run ? "would delete " : "deleted ";
    for (const auto& s : r.specs) inv_.out << verb << s << "\n";
    for (const auto& k : r.kept) inv_.out << "kept (lock file) " << k << "\n";
    for (const auto& k : r.skipped_new) inv_.out << "left (changed after the prune started) " << k << "\n";
    for (const auto& k : r.pinned) inv_.out << "kept (a registry cannot remove one tag alone) " << k << "\n";
    for (const auto& k : r.undated) inv_.out << "left (no age known) " << k << "\n";
    inv_.out << verb << r.keys.size() << " object(s) of " << r.specs.size() << " spec(s)\n";
    return kExitOk;
  }

  int health() {
    const ParsedArgs& p = inv_.parsed;
    auto targets = p.positionals();
    auto cfg = config();
    if (targets.empty())
      for (auto it = cfg.mirrors().begin(); it != cfg.mirrors().end(); ++it) targets.push_back(it.key());
    if (targets.empty()) throw UsageError("buildcache health: no mirrors configured and none given");
    bool all_ok = true;
    auto arr = nlohmann::json::array();
    for (const auto& t : targets) {
      HealthReport r;
      try {
        auto m = open(t, /*push=*/false);
        // Probe writes only where pushing is configured (a bare URL counts as pushable).
        const bool probe = !p.given("no-write") && (!cfg.contains(t) || cfg.push(t).has_value());
        r = check_health(*m.store, probe);
        r.mirror = t;
      } catch (const InputError&) {
        throw;
      } catch (const std::exception& e) {
        r.mirror = t;
        r.error = e.what();
      }
      all_ok &= r.ok();
      arr.push_back(r.to_json());
      if (!json()) {
        inv_.out << (r.ok() ? "OK   " : "FAIL ") << t;
        if (r.head_p50_ms)
          inv_.out << "  HEAD p50 " << std::fixed << std::setprecision(1) << *r.head_p50_ms << " ms, p95 "
                   << *r.head_p95_ms << " ms";
        if (r.index_readable) inv_.out << "  index: " << r.index_specs << " spec(s)";
        if (r.write_ok) inv_.out << "  write: " << (*r.write_ok ? "ok" : "failed");
        if (!r.error.empty()) inv_.out << "  (" << r.error << ")";
        inv_.out << "\n";
      }
    }
    if (json()) inv_.out << arr.dump(2) << "\n";
    return all_ok ? kExitOk : kExitFailure;
  }

  int sign() {
    const ParsedArgs& p = inv_.parsed;
    if (!p.given("key")) throw UsageError("buildcache sign: --key FINGERPRINT is required");
    auto m = open(one(p, "sign", "NAME or URL"), /*push=*/true);
    Keyring keyring(keyring_of(p));
    auto r = sign_mirror(*m.store, keyring, p.get("key"));
    auto topic = host_.bus().topic("mirror.object.pushed");
    for (const auto& k : r.published) host_.bus().publish(topic, {{"mirror", redact_url(m.url)}, {"key", k}}, "buildcache");
    for (const auto& k : r.signed_keys) host_.bus().publish(topic, {{"mirror", redact_url(m.url)}, {"key", k}}, "buildcache");
    if (json())
      inv_.out << nlohmann::json{{"signed", r.signed_keys}, {"already_signed", r.already_signed}, {"published", r.published}}.dump(2) << "\n";
    else
      inv_.out << "signed " << r.signed_keys.size() << " manifest(s), " << r.already_signed << " already signed; key published\n";
    return kExitOk;
  }

  // --- keys --------------------------------------------------------------------
  int keys() {
    const std::string action = inv_.parsed.subcommand().substr(std::string("keys ").size());
    const ParsedArgs& p = inv_.parsed;
    Keyring keyring(keyring_of(p));
    if (action == "list") {
      auto keys = keyring.list(p.given("secret"));
      if (json()) {
        auto arr = nlohmann::json::array();
        for (const auto& k : keys)
          arr.push_back({{"fingerprint", k.fingerprint}, {"uid", k.uid}, {"secret", k.secret}, {"can_sign", k.can_sign}});
        inv_.out << arr.dump(2) << "\n";
      } else {
        for (const auto& k : keys) inv_.out << k.fingerprint << "  " << k.uid << (k.secret ? "  [secret]" : "") << "\n";
      }
      return kExitOk;
    }
    if (action == "import" || action == "trust") {
      std::vector<std::string> armored;
      if (p.given("from-mirror")) {
        auto m = open(p.get("from-mirror"));
        auto cat = scan_mirror(*m.store);
        for (const auto& k : cat.public_keys) armored.push_back(read_object(*m.store, k));
        if (armored.empty()) throw Error(redact_url(m.url) + " publishes no public keys");
      }
      for (const auto& f : p.positionals()) {
        std::ifstream in(f, std::ios::binary);
        if (!in) throw InputError(f, "cannot read key file");
        armored.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
      if (armored.empty()) throw UsageError("buildcache keys " + action + ": needs key files or --from-mirror");
      std::vector<std::string> fprs;
      for (const auto& a : armored)
        for (auto& f : keyring.import_keys(a)) fprs.push_back(f);
      if (action == "trust")
        for (const auto& f : fprs) keyring.set_ultimate_trust(f);
      if (json())
        inv_.out << nlohmann::json{{action == "trust" ? "trusted" : "imported", fprs}}.dump() << "\n";
      else
        for (const auto& f : fprs) inv_.out << (action == "trust" ? "trusted " : "imported ") << f << "\n";
      return kExitOk;
    }
    if (action == "export") {
      auto fpr = one(p, "keys export", "FINGERPRINT");
      auto text = keyring.export_public(fpr);
      if (p.given("output")) {
        std::filesystem::path out = p.get("output");
        auto tmp = out;
        tmp += ".tmp";
        {
          std::ofstream f(tmp, std::ios::binary);
          f << text;
          if (!f) throw Error("cannot write " + tmp.string());
        }
        std::filesystem::rename(tmp, out);
      } else {
        inv_.out << text;
      }
      return kExitOk;
    }
    throw UsageError("buildcache keys: unknown action '" + action + "' (list|import|export|trust)");
  }

  HostContext& host_;
  const CommandInvocation& inv_;
  const BuildcacheCommand& cmd_;
};

}  // namespace

std::filesystem::path BuildcacheCommand::mirrors_file() const { return host_.paths().config_dir / "mirrors.yaml"; }

std::filesystem::path BuildcacheCommand::default_keyring() const {
  return buildcache::default_keyring(host_.paths().config_dir / "gpg");
}

int BuildcacheCommand::run(const CommandInvocation& invocation) {
  return Runner(host_, invocation, *this).run();
}

}  // namespace spackext::buildcache
