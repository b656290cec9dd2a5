#include "environment.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "snapshot_store.hpp"
#include "spackext/atomic_file.hpp"
#include "spackext/errors.hpp"
#include "spackext/yaml_alias_guard.hpp"

namespace spackext::snapshot {
namespace fs = std::filesystem;
namespace {

std::optional<std::string> read_optional(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

namespace {

// Spack's `config:environments_root` from its configuration scopes, highest
// precedence first: user (~/.spack or $SPACK_USER_CONFIG_PATH), spack
// ($SPACK_ROOT/etc/spack), system (/etc/spack or $SPACK_SYSTEM_CONFIG_PATH);
// "$spack", "${spack}" and a leading "~" expanded as Spack does. Empty if no
// scope sets it.
std::string spack_environments_root(const char* spack_root) {
  const char* home = std::getenv("HOME");
  const char* user_scope = std::getenv("SPACK_USER_CONFIG_PATH");
  const char* system_scope = std::getenv("SPACK_SYSTEM_CONFIG_PATH");
  std::vector<fs::path> scopes;
  if (user_scope && *user_scope) scopes.emplace_back(user_scope);
  else if (home && *home) scopes.push_back(fs::path(home) / ".spack");
  if (spack_root && *spack_root) scopes.push_back(fs::path(spack_root) / "etc" / "spack");
  scopes.emplace_back(system_scope && *system_scope ? system_scope : "/etc/spack");
  for (const auto& scope : scopes) {
    const fs::path file = scope / "config.yaml";
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) continue;
    YAML::Node doc;
    try {
      doc = YAML::LoadFile(file.string());
    } catch (const YAML::Exception& e) {
      throw InputError(file.string() + ":" + std::to_string(e.mark.line + 1), "malformed YAML: " + e.msg);
    }
    check_yaml_aliases(doc, file.string());
    const auto root = doc.IsMap() && doc["config"] && doc["config"].IsMap() ? doc["config"]["environments_root"]
                                                                            : YAML::Node();
    if (!root || !root.IsScalar() || root.Scalar().empty()) continue;
    std::string path = root.Scalar();
    for (const std::string var : {"${spack}", "$spack"})
      for (auto at = path.find(var); at != std::string::npos && spack_root; at = path.find(var))
        path.replace(at, var.size(), spack_root);
    if (path.starts_with("~") && home) path.replace(0, 1, home);
    return path;
  }
  return {};
}

}  // namespace

std::vector<fs::path> environment_roots(const std::string& configured) {
  std::vector<fs::path> roots;
  if (!configured.empty()) roots.emplace_back(configured);
  const char* spack = std::getenv("SPACK_ROOT");
  if (auto from_spack = spack_environments_root(spack); !from_spack.empty()) roots.emplace_back(from_spack);
  else if (spack && *spack) roots.push_back(fs::path(spack) / "var" / "spack" / "environments");
  return roots;
}

fs::path resolve_environment(const std::string& dir_or_name, const std::vector<fs::path>& roots) {
  std::error_code ec;
  const fs::path given(dir_or_name);
  std::vector<std::string> looked;
  auto check = [&](const fs::path& dir) -> std::optional<fs::path> {
    looked.push_back(dir.string());
    if (fs::is_directory(dir, ec) && fs::is_regular_file(dir / "spack.yaml", ec)) return fs::absolute(dir).lexically_normal();
    return std::nullopt;
  };
  if (fs::is_directory(given, ec)) {
    if (auto d = check(given)) return *d;
    throw InputError(dir_or_name, "no spack.yaml in this folder (expected a Spack environment)");
  }
  const bool plain_name = dir_or_name.find('/') == std::string::npos && !dir_or_name.empty() && dir_or_name[0] != '.';
  if (plain_name) {
    for (const auto& root : roots)
      if (auto d = check(root / dir_or_name)) return *d;
  } else {
    looked.push_back(dir_or_name);
  }
  std::string where;
  for (const auto& l : looked) where += (where.empty() ? "" : ", ") + l;
  throw InputError(dir_or_name, "no such environment (looked for " + (where.empty() ? "a folder" : where) +
                                    (plain_name && roots.empty() ? "; set SPACK_ROOT or snapshot.environments_root" : "") + ")");
}

EnvironmentFiles read_environment(const fs::path& env) {
  EnvironmentFiles files;
  auto yaml = read_optional(env / "spack.yaml");
  if (!yaml) throw InputError((env / "spack.yaml").string(), "cannot read the environment's spack.yaml");
  files.spack_yaml = std::move(*yaml);
  files.spack_lock = read_optional(env / "spack.lock");
  return files;
}

EnvironmentLock::EnvironmentLock(const fs::path& env) {
  const fs::path dir = env / ".spack-env";
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path file = dir / "transaction_lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error("cannot open " + file.string() + ": " + std::strerror(errno));
  struct flock lock{};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  if (::fcntl(fd_, F_SETLK, &lock) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw Error("the environment " + env.string() + " is being modified (another process holds " + file.string() +
                "); try again when it is done");
  }
}

EnvironmentLock::~EnvironmentLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the fcntl lock
}

fs::path restore_journal(const fs::path& env) { return env / ".spack-ext-restore.json"; }

void apply_files(const fs::path& env, const SnapshotStore& store, const std::string& yaml_sha, const std::string& lock_sha) {
  // Objects are read (and checked) before anything is replaced.
  const std::string yaml = store.get(yaml_sha);
  const std::optional<std::string> lock = lock_sha.empty() ? std::nullopt : std::optional<std::string>(store.get(lock_sha));
  auto current = read_optional(env / "spack.yaml");
  if (!current || sha256_hex(*current) != yaml_sha) write_file_atomically(env / "spack.yaml", yaml);
  auto current_lock = read_optional(env / "spack.lock");
  if (lock) {
    if (!current_lock || sha256_hex(*current_lock) != lock_sha) write_file_atomically(env / "spack.lock", *lock);
  } else if (current_lock) {
    std::error_code ec;
    fs::remove(env / "spack.lock", ec);
  }
  std::error_code ec;
  fs::remove(restore_journal(env), ec);
  sync_path(env);
}

std::string finish_interrupted_restore(const fs::path& env, const SnapshotStore& store) {
  auto text = read_optional(restore_journal(env));
  if (!text) return "";
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(*text);
  } catch (const nlohmann::json::exception&) {
    // The journal is published by rename, so a damaged one was not ours to finish.
    throw Error(restore_journal(env).string() + " is damaged; remove it after checking the environment's files");
  }
  apply_files(env, store, j.at("spack.yaml").get<std::string>(), j.value("spack.lock", ""));
  return j.value("snapshot", "");
}

}  // namespace spackext::snapshot
