#include "elf_rpath.hpp"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <spackext/errors.hpp>

extern char** environ;

namespace spackext::product {

namespace {

struct ElfFile {
  int fd = -1;
  Elf* elf = nullptr;
  explicit ElfFile(const std::filesystem::path& file) {
    elf_version(EV_CURRENT);
    fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) elf = elf_begin(fd, ELF_C_READ, nullptr);
  }
  ~ElfFile() {
    if (elf) elf_end(elf);
    if (fd >= 0) ::close(fd);
  }
  bool is_elf() const { return elf && elf_kind(elf) == ELF_K_ELF; }
};

// Runs patchelf with `args`; its stderr becomes the message of the Error.
void run_patchelf(const std::vector<std::string>& args, const std::string& what) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw Error(what + ": cannot create a pipe: " + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> storage{"patchelf"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "patchelf", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    throw Error(what + ": cannot run patchelf (" + std::strerror(rc) + "; install the Debian package patchelf)");
  }
  std::string message;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    message.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw Error(what + ": patchelf failed: " + message);
}

}  // namespace

bool is_elf(const std::filesystem::path& file) { return ElfFile(file).is_elf(); }

ElfSearchPath read_search_path(const std::filesystem::path& file) {
  ElfSearchPath out;
  ElfFile f(file);
  if (!f.is_elf()) return out;
  out.elf = true;
  for (Elf_Scn* scn = elf_nextscn(f.elf, nullptr); scn; scn = elf_nextscn(f.elf, scn)) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_DYNAMIC) continue;
    out.dynamic = true;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || shdr.sh_entsize == 0) break;
    const std::size_t count = shdr.sh_size / shdr.sh_entsize;
    for (std::size_t i = 0; i < count; ++i) {
      GElf_Dyn dyn;
      if (!gelf_getdyn(data, static_cast<int>(i), &dyn)) break;
      if (dyn.d_tag != DT_RPATH && dyn.d_tag != DT_RUNPATH) continue;
      // DT_RUNPATH wins over DT_RPATH for the loader; report that one.
      if (out.present && out.runpath) continue;
      const char* s = elf_strptr(f.elf, shdr.sh_link, dyn.d_un.d_val);
      out.present = true;
      out.runpath = dyn.d_tag == DT_RUNPATH;
      out.value = s ? s : "";
    }
    break;
  }
  return out;
}

void write_search_path(const std::filesystem::path& file, const std::string& value, bool runpath) {
  const std::string what = "relocating " + file.string();
  if (value.empty()) {
    run_patchelf({"--remove-rpath", file.string()}, what);
    return;
  }
  std::vector<std::string> args;
  if (!runpath) args.push_back("--force-rpath");
  args.insert(args.end(), {"--set-rpath", value, file.string()});
  run_patchelf(args, what);
}

}  // namespace spackext::product
