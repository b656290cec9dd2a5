#include "site_facts.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace spackext::site {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> env(const SiteProbe& probe, const std::string& name) {
  if (probe.getenv) return probe.getenv(name);
  const char* v = std::getenv(name.c_str());
  return v ? std::optional<std::string>(v) : std::nullopt;
}

std::vector<fs::path> search_path(const SiteProbe& probe) {
  if (!probe.search_path.empty()) return probe.search_path;
  std::vector<fs::path> dirs;
  std::stringstream ss(env(probe, "PATH").value_or(""));
  std::string item;
  while (std::getline(ss, item, ':')) {
    if (!item.empty()) dirs.emplace_back(item);
  }
  return dirs;
}

std::optional<fs::path> which(const SiteProbe& probe, const std::string& name) {
  for (const auto& dir : search_path(probe)) {
    if (access((dir / name).c_str(), X_OK) == 0) return dir / name;
  }
  return std::nullopt;
}

std::string shell_quote(const std::string& s) {
  std::string quoted = "'";
  for (char c : s) quoted += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// `<program> --version`, stdout and stderr. These commands print a local
// banner and never contact the controller, so no time limit is needed.
// `slurm_conf` non-empty: run with SLURM_CONF set to it.
std::string version_banner(const fs::path& program, const std::string& slurm_conf = {}) {
  std::string command = (slurm_conf.empty() ? "" : "SLURM_CONF=" + shell_quote(slurm_conf) + " ") +
                        shell_quote(program.string()) + " --version 2>&1";
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    std::array<char, 256> buf{};
    while (std::fgets(buf.data(), buf.size(), pipe)) out += buf.data();
    pclose(pipe);
  }
  return out;
}

std::string decode_octal_escapes(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string parse_slurm_version(const std::string& banner) {
  static const std::regex re(R"(slurm(?:-wlm)?\s+([0-9]+\.[0-9]+(\.[0-9]+)?))");
  std::smatch m;
  return std::regex_search(banner, m, re) ? m[1].str() : std::string();
}

// Slurm clients read their configuration before anything else, even for
// --version, and die without one (no slurm.conf, no configless DNS record).
// A two-line configuration is enough for them to print the version.
std::string version_without_site_config(const fs::path& exe) {
  char name[] = "/tmp/spack-ext-slurm-XXXXXX";
  int fd = mkstemp(name);
  if (fd < 0) return {};
  const std::string minimal = "ClusterName=probe\nSlurmctldHost=localhost\n";
  bool written = write(fd, minimal.data(), minimal.size()) == static_cast<ssize_t>(minimal.size());
  close(fd);
  std::string version = written ? parse_slurm_version(version_banner(exe, name)) : std::string();
  unlink(name);
  return version;
}

std::optional<SlurmInfo> detect_slurm(const SiteProbe& probe) {
  for (const char* tool : {"sinfo", "scontrol"}) {
    auto exe = which(probe, tool);
    if (!exe) continue;
    std::string version = parse_slurm_version(version_banner(*exe));
    if (version.empty()) version = version_without_site_config(*exe);
    if (version.empty()) continue;
    SlurmInfo info{version, *exe, {}};
    // Slurm's own lookup order: SLURM_CONF, then the compiled-in default.
    if (auto conf = env(probe, "SLURM_CONF"); conf && fs::exists(*conf)) {
      info.config = *conf;
    } else {
      for (const auto& candidate : probe.slurm_conf_candidates) {
        if (fs::exists(candidate)) {
          info.config = candidate;
          break;
        }
      }
    }
    return info;
  }
  return std::nullopt;
}

std::vector<SharedFilesystem> parse_mounts(const std::string& text) {
  static const std::set<std::string> shared = {"nfs", "nfs4", "lustre", "gpfs", "beegfs", "cephfs"};
  std::vector<SharedFilesystem> found;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string source, mount, type;
    if (!(fields >> source >> mount >> type)) continue;
    if (!shared.count(type)) continue;
    found.push_back({type, decode_octal_escapes(mount), decode_octal_escapes(source)});
  }
  return found;
}

std::vector<SharedFilesystem> shared_filesystems(const SiteProbe& probe) {
  std::ifstream in(probe.mounts_file);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_mounts(text.str());
}

std::optional<ModuleSystem> detect_module_system(const SiteProbe& probe) {
  // Lmod exports LMOD_CMD and LMOD_VERSION when its init script ran.
  if (auto cmd = env(probe, "LMOD_CMD")) {
    return ModuleSystem{"lmod", env(probe, "LMOD_VERSION").value_or(""), *cmd};
  }
  // Environment Modules (4.x/5.x) sets MODULES_CMD and MODULESHOME.
  auto home = env(probe, "MODULESHOME");
  auto cmd = env(probe, "MODULES_CMD");
  if (home && home->find("lmod") != std::string::npos) {
    return ModuleSystem{"lmod", env(probe, "LMOD_VERSION").value_or(""), cmd.value_or("")};
  }
  if (home || cmd) {
    return ModuleSystem{"environment-modules", env(probe, "MODULE_VERSION").value_or(""), cmd.value_or("")};
  }
  return std::nullopt;
}

nlohmann::json to_json(const SlurmInfo& s) {
  return {{"version", s.version}, {"command", s.command.string()}, {"config", s.config.string()}};
}
nlohmann::json to_json(const SharedFilesystem& f) {
  return {{"type", f.type}, {"mount", f.mount}, {"source", f.source}};
}
nlohmann::json to_json(const ModuleSystem& m) {
  return {{"name", m.name}, {"version", m.version}, {"command", m.command}};
}

}  // namespace spackext::site
