#include "plugins/catalog.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "plugins/elf_manifest.hpp"
#include "plugins/trust.hpp"

namespace spackext::core {
namespace fs = std::filesystem;

Catalog::Catalog(std::vector<SearchRoot> roots, ManifestCache& cache, CatalogOptions options)
    : roots_(std::move(roots)), cache_(cache), options_(std::move(options)) {}

namespace {

// Plugin files in a folder and its direct subfolders (one folder per plugin
// is allowed), sorted so the outcome never depends on readdir order. Hidden
// folders and separate debug files are skipped.
std::vector<fs::path> plugin_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  auto add_from = [&](const fs::path& d, bool descend) {
    for (auto it = fs::directory_iterator(d, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const auto& p = it->path();
      auto name = p.filename().string();
      if (name.empty() || name[0] == '.') continue;
      std::error_code sec;
      if (it->is_directory(sec)) {
        if (descend && name != ".debug") {
          std::error_code sub_ec;
          for (auto sub = fs::directory_iterator(p, sub_ec); !sub_ec && sub != fs::directory_iterator(); sub.increment(sub_ec))
            if (sub->path().extension() == ".so" && sub->path().filename().string()[0] != '.')
              out.push_back(sub->path());
        }
      } else if (p.extension() == ".so") {
        out.push_back(p);
      }
    }
  };
  add_from(dir, true);
  std::sort(out.begin(), out.end());
  return out;
}

// Reads and validates one file's manifest (no code of the plugin runs).
ManifestOutcome read_manifest_outcome(const fs::path& file) {
  ManifestOutcome o;
  auto elf = read_elf_manifest(file);
  switch (elf.status) {
    case ElfManifestResult::Status::bad_file:
      o.state = PluginState::bad_file;
      o.reason = elf.error;
      return o;
    case ElfManifestResult::Status::no_section:
      o.state = PluginState::no_manifest;
      o.reason = "no .spackext_manifest section: not a spack-ext plugin (build it with spackext_add_plugin)";
      return o;
    case ElfManifestResult::Status::ok:
      break;
  }
  try {
    o.manifest = Manifest::from_envelope(elf.text);
  } catch (const ManifestError& e) {
    o.state = PluginState::bad_manifest;
    o.reason = e.what();
  }
  return o;
}

}  // namespace

void Catalog::scan() {
  records_.clear();
  std::set<std::pair<dev_t, ino_t>> seen;  // the same file reached through two roots
  for (std::size_t rank = 0; rank < roots_.size(); ++rank) {
    for (auto& file : plugin_files(roots_[rank].dir)) {
      PluginRecord r;
      r.path = file;
      r.origin = roots_[rank].origin;
      r.origin_rank = static_cast<int>(rank);
      struct stat st;
      if (::stat(file.c_str(), &st) != 0) {
        r.state = PluginState::bad_file;
        r.reason = "cannot stat the file";
      } else {
        if (!seen.emplace(st.st_dev, st.st_ino).second) continue;
        read_one(r, st);
      }
      records_.push_back(std::move(r));
    }
  }
  cache_.save();
  resolve_duplicates();
  resolve_dependencies();
  command_index_.clear();
  for (auto& r : records_)
    if (r.manifest && r.usable())
      for (const auto& c : r.manifest->commands) command_index_[c.name].push_back(&r);
  for (auto& [name, list] : command_index_)
    std::stable_sort(list.begin(), list.end(), [](const PluginRecord* a, const PluginRecord* b) {
      return a->manifest->priority > b->manifest->priority;
    });
}

void Catalog::read_one(PluginRecord& r, const struct stat& st) {
  r.device = st.st_dev;
  r.inode = st.st_ino;
  r.size = static_cast<std::uintmax_t>(st.st_size);
  r.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;

  // Trust first: a file others could have replaced is not even parsed.
  auto verdict = check_trust(r.path, options_.allow_insecure, &folder_verdicts_);
  if (!verdict.trusted) {
    r.state = PluginState::untrusted;
    r.reason = verdict.reason;
    return;
  }

  auto key = r.path.string();
  auto outcome = cache_.lookup(key, r.size, r.mtime_ns);
  if (!outcome) {
    outcome = read_manifest_outcome(r.path);
    cache_.store(key, r.size, r.mtime_ns, *outcome);
  }
  if (!outcome->manifest) {
    r.state = outcome->state;
    r.reason = outcome->reason;
    return;
  }
  r.manifest = std::move(outcome->manifest);
  check_compatibility(r);
}

std::string compatibility_problem(const Manifest& m, const CatalogOptions& host) {
  const std::string host_api = std::to_string(host.host_api_major) + "." + std::to_string(host.host_api_minor);
  if (m.api_major != host.host_api_major)
    return "built for plugin API " + m.api_version() + ", this host has API " + host_api +
           ": the major versions differ (rebuild the plugin against SDK " +
           std::to_string(host.host_api_major) + ".x)";
  if (m.api_minor > host.host_api_minor)
    return "built for plugin API " + m.api_version() + ", this host has API " + host_api +
           ": the plugin needs a newer host (API " + m.api_version() + " or later)";
  if (m.abi != host.host_abi)
    return "built with C++ ABI '" + m.abi + "', this host uses '" + host.host_abi +
           "' (rebuild the plugin with the host's compiler and standard library)";
  return {};
}

void Catalog::check_compatibility(PluginRecord& r) {
  if (auto problem = compatibility_problem(*r.manifest, options_); !problem.empty()) {
    r.state = PluginState::incompatible;
    r.reason = std::move(problem);
  }
}

void Catalog::resolve_duplicates() {
  std::map<std::string, std::vector<PluginRecord*>> by_name;
  for (auto& r : records_)
    if (r.usable()) by_name[r.name()].push_back(&r);
  for (auto& [name, group] : by_name) {
    if (group.size() < 2) continue;
    // Highest declared priority wins; on a tie the earlier search-path entry.
    std::stable_sort(group.begin(), group.end(), [](const PluginRecord* a, const PluginRecord* b) {
      if (a->manifest->priority != b->manifest->priority) return a->manifest->priority > b->manifest->priority;
      return a->origin_rank < b->origin_rank;
    });
    const PluginRecord* winner = group.front();
    for (std::size_t i = 1; i < group.size(); ++i) {
      PluginRecord* loser = group[i];
      loser->state = PluginState::shadowed;
      if (loser->manifest->priority != winner->manifest->priority)
        loser->reason = "shadowed by " + winner->path.string() + " (priority " +
                        std::to_string(winner->manifest->priority) + " > " +
                        std::to_string(loser->manifest->priority) + ")";
      else
        loser->reason = "shadowed by " + winner->path.string() + " (same priority " +
                        std::to_string(winner->manifest->priority) + ", earlier in the search path: " +
                        winner->origin + ")";
    }
  }
}

void Catalog::resolve_dependencies() {
  enum Mark { unvisited, visiting, done };
  std::map<const PluginRecord*, Mark> marks;
  std::vector<PluginRecord*> stack;

  std::function<bool(PluginRecord&)> visit = [&](PluginRecord& r) -> bool {
    auto& mark = marks[&r];
    if (mark == done) return r.usable();
    if (mark == visiting) return false;  // reported by the caller that closed the cycle
    mark = visiting;
    stack.push_back(&r);
    for (const auto& req : r.manifest->requires_) {
      auto range = VersionRange::parse(req.range);  // validated when the manifest was read
      PluginRecord* dep = usable(req.name);
      if (!dep) {
        PluginRecord* other = any(req.name);
        r.state = PluginState::unresolved;
        r.reason = other ? "requires plugin '" + req.name + "' (" + req.range + "), which cannot be used: " +
                               std::string(to_string(other->state)) + ": " + other->reason
                         : "requires plugin '" + req.name + "' (" + req.range + "), which is not installed";
        break;
      }
      if (!range.contains(dep->manifest->version)) {
        r.state = PluginState::unresolved;
        r.reason = "requires plugin '" + req.name + "' " + req.range + ", found version " +
                   dep->manifest->version.str() + " at " + dep->path.string();
        break;
      }
      if (marks[dep] == visiting) {
        // Name the cycle from where it starts: a -> b -> a.
        std::string cycle;
        auto start = std::find(stack.begin(), stack.end(), dep);
        for (auto it = start; it != stack.end(); ++it) cycle += (*it)->name() + " -> ";
        cycle += dep->name();
        for (auto it = start; it != stack.end(); ++it) {
          (*it)->state = PluginState::unresolved;
          (*it)->reason = "dependency cycle: " + cycle;
        }
        break;
      }
      if (!visit(*dep)) {
        if (r.state != PluginState::unresolved) {
          r.state = PluginState::unresolved;
          r.reason = "requires plugin '" + req.name + "', which cannot be used: " + dep->reason;
        }
        break;
      }
    }
    stack.pop_back();
    marks[&r] = done;
    return r.usable();
  };

  for (auto& r : records_)
    if (r.usable()) visit(r);
}

PluginRecord* Catalog::usable(std::string_view name) {
  for (auto& r : records_)
    if (r.usable() && r.name() == name) return &r;
  return nullptr;
}

PluginRecord* Catalog::any(std::string_view name) {
  if (auto* r = usable(name)) return r;
  for (auto& r : records_)
    if (r.name() == name && r.state != PluginState::shadowed) return &r;
  for (auto& r : records_)
    if (r.name() == name) return &r;
  return nullptr;
}

PluginRecord* Catalog::command_provider(std::string_view command) {
  auto it = command_index_.find(std::string(command));
  if (it == command_index_.end()) return nullptr;
  for (PluginRecord* r : it->second)
    if (r->usable()) return r;  // a provider that failed to load gives way to the next
  return nullptr;
}

std::vector<PluginRecord*> Catalog::service_providers(std::string_view kind, std::string_view name) {
  std::vector<std::pair<int, PluginRecord*>> hits;
  for (auto& r : records_) {
    if (!r.usable()) continue;
    for (const auto& s : r.manifest->services)
      if (s.kind == kind && (s.name == name || std::find(s.aliases.begin(), s.aliases.end(), name) != s.aliases.end())) {
        hits.emplace_back(s.priority, &r);
        break;
      }
  }
  std::stable_sort(hits.begin(), hits.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::vector<PluginRecord*> out;
  for (auto& h : hits) out.push_back(h.second);
  return out;
}

std::vector<PluginRecord*> Catalog::kind_providers(std::string_view kind) {
  std::vector<PluginRecord*> out;
  for (auto& r : records_)
    if (r.usable() && r.manifest->provides_kind(kind)) out.push_back(&r);
  return out;
}

}  // namespace spackext::core
