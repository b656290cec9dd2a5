#include "disk_check.hpp"

#include <pwd.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <yaml-cpp/yaml.h>

#include <spackext/errors.hpp>
#include <spackext/yaml_alias_guard.hpp>

#include "spack_location.hpp"

namespace spackext::health {

namespace fs = std::filesystem;

namespace {

double number_at(const Config& config, const std::string& key, double fallback) {
  const auto& v = config.at(key);
  if (v.is_null()) return fallback;
  if (v.is_number()) return v.get<double>();
  // Values from SPACK_EXT_* environment variables arrive as strings.
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end && *end == '\0' && std::isfinite(d)) return d;
  }
  throw InputError(key, "expected a number of GiB, got " + v.dump());
}

std::string user_name() {
  if (const char* u = std::getenv("USER"); u && *u) return u;
  if (auto* pw = ::getpwuid(::getuid())) return pw->pw_name;
  return std::to_string(::getuid());
}

std::string home_dir() {
  if (const char* h = std::getenv("HOME"); h && *h) return h;
  if (auto* pw = ::getpwuid(::getuid())) return pw->pw_dir;
  return "/";
}

std::string gib(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  return buf;
}

// A scalar, or the first entry of a list (build_stage is a list Spack tries in order).
std::optional<std::string> first_scalar(const YAML::Node& node) {
  if (!node) return std::nullopt;
  if (node.IsScalar()) return node.as<std::string>();
  if (node.IsSequence() && node.size() > 0 && node[0].IsScalar()) return node[0].as<std::string>();
  return std::nullopt;
}

}  // namespace

DiskThresholds disk_thresholds(const Config& config) {
  DiskThresholds t;
  t.warn_below_gib = number_at(config, "health.disk.warn_below_gib", t.warn_below_gib);
  t.fail_below_gib = number_at(config, "health.disk.fail_below_gib", t.fail_below_gib);
  if (t.fail_below_gib < 0 || t.warn_below_gib < t.fail_below_gib)
    throw InputError("health.disk", "expected 0 <= fail_below_gib <= warn_below_gib");
  return t;
}

std::optional<fs::path> expand_spack_path(const std::string& text, const fs::path& spack_root) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (i == 0 && text[0] == '~') {
      out += home_dir();
      ++i;
      continue;
    }
    if (text[i] != '$') {
      out += text[i++];
      continue;
    }
    // $name or ${name}
    std::size_t start = i + 1;
    bool braced = start < text.size() && text[start] == '{';
    if (braced) ++start;
    std::size_t end = start;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
    const std::string name = text.substr(start, end - start);
    if (braced && (end >= text.size() || text[end] != '}')) return std::nullopt;
    i = braced ? end + 1 : end;
    if (name == "spack") {
      if (spack_root.empty()) return std::nullopt;
      out += spack_root.string();
    } else if (name == "user") {
      out += user_name();
    } else if (name == "tempdir") {
      const char* tmp = std::getenv("TMPDIR");
      out += tmp && *tmp ? tmp : "/tmp";
    } else if (name == "user_cache_path") {
      const char* p = std::getenv("SPACK_USER_CACHE_PATH");
      out += p && *p ? std::string(p) : home_dir() + "/.spack";
    } else if (const char* env = std::getenv(name.c_str())) {
      out += env;  // Spack expands environment variables too
    } else {
      return std::nullopt;
    }
  }
  return fs::path(out);
}

std::vector<DiskTarget> disk_targets(const Config& config, const fs::path& spack_scope, const fs::path& spack_root) {
  // Spack 1.x defaults (etc/spack/defaults/config.yaml).
  struct Role {
    const char* role;
    std::string fallback;
    std::optional<std::string> from_scope;
  };
  std::vector<Role> roles = {{"install", "$spack/opt/spack", {}},
                             {"stage", "$tempdir/$user/spack-stage", {}},
                             {"cache", "$spack/var/spack/cache", {}}};
  fs::path scope_file;
  if (!spack_scope.empty() && fs::exists(spack_scope / "config.yaml")) {
    scope_file = spack_scope / "config.yaml";
    YAML::Node doc;
    try {
      doc = YAML::LoadFile(scope_file.string());
    } catch (const YAML::Exception& e) {
      throw InputError(scope_file.string() + ":" + std::to_string(e.mark.line + 1), e.msg);
    }
    check_yaml_aliases(doc, scope_file.string());
    auto cfg = doc["config"];
    if (cfg) {
      // install_tree is a map with `root` (0.19+) or a plain path (older).
      auto tree = cfg["install_tree"];
      roles[0].from_scope = tree && tree.IsMap() ? first_scalar(tree["root"]) : first_scalar(tree);
      roles[1].from_scope = first_scalar(cfg["build_stage"]);
      roles[2].from_scope = first_scalar(cfg["source_cache"]);
    }
  }
  std::vector<DiskTarget> out;
  for (auto& r : roles) {
    const auto& configured = config.at(std::string("health.disk.paths.") + r.role);
    std::string text, source;
    if (configured.is_string()) {
      text = configured.get<std::string>();
      source = "spack-ext config health.disk.paths." + std::string(r.role);
    } else if (r.from_scope) {
      text = *r.from_scope;
      source = scope_file.string();
    } else {
      text = r.fallback;
      source = "Spack default";
    }
    if (auto p = expand_spack_path(text, spack_root)) out.push_back({r.role, *p, source});
  }
  return out;
}

HealthResult measure_disk(const DiskTarget& target, const DiskThresholds& thresholds) {
  HealthResult r;
  r.item = target.role;
  // The path may not exist yet (first install): the space that matters is on
  // the file system it will be created in.
  fs::path probe = target.path;
  std::error_code ec;
  while (!fs::exists(probe, ec) && probe.has_parent_path() && probe != probe.parent_path()) probe = probe.parent_path();
  struct statvfs st {};
  if (::statvfs(probe.c_str(), &st) != 0) {
    r.status = HealthStatus::fail;
    r.value = target.path.string() + ": cannot read file system (" + std::strerror(errno) + ")";
    r.advice = "check that " + probe.string() + " is mounted and readable";
    return r;
  }
  const double free_bytes = static_cast<double>(st.f_bavail) * st.f_frsize;
  const double total_bytes = static_cast<double>(st.f_blocks) * st.f_frsize;
  const double free_gib = free_bytes / (1024.0 * 1024 * 1024);
  const int percent = total_bytes > 0 ? static_cast<int>(100.0 * free_bytes / total_bytes + 0.5) : 0;
  r.value = gib(free_bytes) + " free of " + gib(total_bytes) + " (" + std::to_string(percent) + "%) for " +
            target.path.string();
  if (probe != target.path) r.value += " (not created yet; measured at " + probe.string() + ")";
  r.data = {{"path", target.path.string()},  {"measured_at", probe.string()}, {"source", target.source},
            {"free_bytes", free_bytes},      {"total_bytes", total_bytes},    {"free_percent", percent},
            {"warn_below_gib", thresholds.warn_below_gib}, {"fail_below_gib", thresholds.fail_below_gib}};
  const bool writable = ::access(probe.c_str(), W_OK) == 0;
  r.data["writable"] = writable;
  if (free_gib < thresholds.fail_below_gib) {
    r.status = HealthStatus::fail;
    r.advice = "free space on " + probe.string() + " (below " + gib(thresholds.fail_below_gib * 1073741824.0) +
               ") or point the " + target.role + " path elsewhere";
  } else if (free_gib < thresholds.warn_below_gib) {
    r.status = HealthStatus::warn;
    r.advice = "free space on " + probe.string() + " (below " + gib(thresholds.warn_below_gib * 1073741824.0) + ")";
  } else if (!writable) {
    r.status = HealthStatus::warn;
    r.value += ", not writable by you";
    r.advice = "fine for a site-installed Spack; otherwise fix the permissions of " + probe.string();
  }
  return r;
}

std::vector<HealthResult> DiskCheck::run(const HealthRequest& request) {
  const auto thresholds = disk_thresholds(config_);
  auto spack = locate_spack();
  auto targets = disk_targets(config_, request.spack_scope, spack ? spack->root : fs::path());
  std::vector<HealthResult> results;
  for (const auto& t : targets) results.push_back(measure_disk(t, thresholds));
  for (const char* role : {"install", "cache"}) {
    bool have = false;
    for (const auto& t : targets) have = have || t.role == role;
    if (!have)
      results.push_back({role, HealthStatus::skipped, "unknown: Spack not found",
                         std::string("set health.disk.paths.") + role + " or SPACK_ROOT", nlohmann::json::object()});
  }
  return results;
}

}  // namespace spackext::health
