// What an on-prem HPC site looks like from a login node: the Slurm release
// and its configuration file, the shared filesystems mounted, and the module
// system users load software with.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spackext::site {

struct SlurmInfo {
  std::string version;             // 22.05.8
  std::filesystem::path command;   // the sinfo/scontrol that answered
  std::filesystem::path config;    // slurm.conf, "" when none was found
};

struct SharedFilesystem {
  std::string type;    // nfs, nfs4, lustre, gpfs, beegfs, cephfs
  std::string mount;   // /scratch
  std::string source;  // server:/export, mgs@tcp:/fs
};

struct ModuleSystem {
  std::string name;     // lmod | environment-modules
  std::string version;  // 8.6.19 / 5.2.0, "" when not advertised
  std::string command;  // LMOD_CMD / MODULES_CMD
};

// Where to look; every source is overridable so tests need no real cluster.
struct SiteProbe {
  std::filesystem::path mounts_file = "/proc/mounts";
  std::vector<std::filesystem::path> search_path;  // empty: $PATH
  std::function<std::optional<std::string>(const std::string&)> getenv;  // empty: std::getenv
  std::vector<std::filesystem::path> slurm_conf_candidates = {"/etc/slurm/slurm.conf",
                                                              "/etc/slurm-llnl/slurm.conf"};
};

std::optional<SlurmInfo> detect_slurm(const SiteProbe& probe);
std::vector<SharedFilesystem> shared_filesystems(const SiteProbe& probe);
std::optional<ModuleSystem> detect_module_system(const SiteProbe& probe);

// "slurm 22.05.8" / "slurm-wlm 22.05.8" -> "22.05.8"; "" when not a Slurm banner.
std::string parse_slurm_version(const std::string& banner);
// /proc/mounts text -> the shared filesystems in it (octal escapes decoded).
std::vector<SharedFilesystem> parse_mounts(const std::string& text);

nlohmann::json to_json(const SlurmInfo& s);
nlohmann::json to_json(const SharedFilesystem& f);
nlohmann::json to_json(const ModuleSystem& m);

}  // namespace spackext::site
