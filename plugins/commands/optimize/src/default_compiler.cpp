#include "default_compiler.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <vector>

#include <spackext/microarch/compiler_version.hpp>

namespace spackext::optimize {
namespace {

namespace fs = std::filesystem;

// The executable `name` resolves to on PATH (or `name` itself if it is a path).
std::optional<fs::path> which(const std::string& name) {
  if (name.find('/') != std::string::npos) return fs::exists(name) ? std::optional<fs::path>(name) : std::nullopt;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    fs::path candidate = fs::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

// The first line `exe flag` prints on stdout, run without a shell.
std::string first_line(const fs::path& exe, const char* flag) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    if (int null = ::open("/dev/null", O_WRONLY); null >= 0) ::dup2(null, STDERR_FILENO);
    ::execl(exe.c_str(), exe.c_str(), flag, static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  std::array<char, 256> buf;
  for (ssize_t n; (n = ::read(fds[0], buf.data(), buf.size())) > 0;) out.append(buf.data(), static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  if (pid > 0) ::waitpid(pid, &status, 0);
  if (pid <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return {};
  return out.substr(0, out.find('\n'));
}

// gcc@12.2.0 from `gcc -dumpfullversion`, clang@14.0.6 from `clang -dumpversion`.
std::optional<FoundCompiler> ask(const std::string& family, const fs::path& exe) {
  std::string version = first_line(exe, family == "gcc" ? "-dumpfullversion" : "-dumpversion");
  if (version.empty() || !microarch::parse_version(version)) return std::nullopt;
  return FoundCompiler{{family, version}, exe.string()};
}

std::string family_of(const std::string& exe) {
  const std::string base = fs::path(exe).filename().string();
  if (base.find("clang") != std::string::npos) return "clang";
  if (base.find("gcc") != std::string::npos || base == "cc" || base == "c++") return "gcc";
  return {};
}

}  // namespace

std::optional<FoundCompiler> find_default_compiler() {
  if (const char* cc = std::getenv("CC"); cc && *cc) {
    if (auto exe = which(cc); exe && !family_of(cc).empty())
      if (auto found = ask(family_of(cc), *exe)) return found;
  }
  for (const char* name : {"gcc", "clang"})
    if (auto exe = which(name))
      if (auto found = ask(name, *exe)) return found;
  return std::nullopt;
}

}  // namespace spackext::optimize
