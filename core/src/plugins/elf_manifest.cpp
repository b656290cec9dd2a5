#include "plugins/elf_manifest.hpp"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "spackext/plugin.hpp"

namespace spackext::core {
namespace {

// The ELF machine this host was built for: a plugin for another machine (a
// shared home seen from an aarch64 login node) is refused with a clear reason.
constexpr int host_machine() {
#if defined(__x86_64__)
  return EM_X86_64;
#elif defined(__aarch64__)
  return EM_AARCH64;
#elif defined(__powerpc64__)
  return EM_PPC64;
#elif defined(__riscv)
  return EM_RISCV;
#else
  return EM_NONE;
#endif
}

std::string machine_name(int m) {
  switch (m) {
    case EM_X86_64: return "x86_64";
    case EM_AARCH64: return "aarch64";
    case EM_PPC64: return "ppc64";
    case EM_RISCV: return "riscv";
    case EM_386: return "i386";
    case EM_ARM: return "arm";
    default: return "machine " + std::to_string(m);
  }
}

struct FdCloser {
  int fd;
  ~FdCloser() { if (fd >= 0) ::close(fd); }
};
struct ElfCloser {
  Elf* e;
  ~ElfCloser() { if (e) elf_end(e); }
};

}  // namespace

namespace {

// Everything after the ELF magic has been checked: the header, the machine,
// the bounds of the header tables against `size`, then the manifest section.
ElfManifestResult read_opened(Elf* e, std::uint64_t file_size) {
  using Status = ElfManifestResult::Status;
  if (!e || elf_kind(e) != ELF_K_ELF)
    return {Status::bad_file, {}, std::string("not a readable ELF file: ") + elf_errmsg(-1)};
  GElf_Ehdr ehdr;
  if (!gelf_getehdr(e, &ehdr))
    return {Status::bad_file, {}, std::string("cannot read the ELF header: ") + elf_errmsg(-1)};
  if (ehdr.e_type != ET_DYN) return {Status::bad_file, {}, "not a shared object (ELF type is not DYN)"};
  if (ehdr.e_machine != host_machine())
    return {Status::bad_file, {},
            "built for " + machine_name(ehdr.e_machine) + ", this host is " + machine_name(host_machine())};

  // libelf quietly reports "no sections" when the section header table lies
  // beyond the end of a cut-short file; check the bounds ourselves.
  const std::uint64_t sh_end = ehdr.e_shoff + std::uint64_t{ehdr.e_shnum} * ehdr.e_shentsize;
  const std::uint64_t ph_end = ehdr.e_phoff + std::uint64_t{ehdr.e_phnum} * ehdr.e_phentsize;
  if (ehdr.e_shoff == 0 || sh_end > file_size || ph_end > file_size)
    return {Status::bad_file, {},
            "truncated file: its ELF headers end at byte " + std::to_string(std::max(sh_end, ph_end)) +
                " but the file has " + std::to_string(file_size) + " bytes (truncated file?)"};

  std::size_t shstrndx = 0;
  if (elf_getshdrstrndx(e, &shstrndx) != 0)
    return {Status::bad_file, {}, std::string("cannot read the ELF section headers (truncated file?): ") + elf_errmsg(-1)};
  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(e, scn)) != nullptr) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr))
      return {Status::bad_file, {}, std::string("cannot read an ELF section header: ") + elf_errmsg(-1)};
    const char* name = elf_strptr(e, shstrndx, shdr.sh_name);
    if (!name) return {Status::bad_file, {}, std::string("cannot read ELF section names (truncated file?): ") + elf_errmsg(-1)};
    if (std::strcmp(name, kManifestSection) != 0) continue;
    if (shdr.sh_type == SHT_NOBITS) break;
    if (shdr.sh_offset + shdr.sh_size > file_size)
      return {Status::bad_file, {}, "truncated file: the manifest section runs past the end (truncated file?)"};
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || !data->d_buf)
      return {Status::bad_file, {}, std::string("cannot read the manifest section (truncated file?): ") + elf_errmsg(-1)};
    return {Status::ok, std::string(static_cast<const char*>(data->d_buf), data->d_size), {}};
  }
  if (elf_errno() != 0)
    return {Status::bad_file, {}, std::string("cannot read the ELF sections (truncated file?): ") + elf_errmsg(-1)};
  return {Status::no_section, {}, {}};
}

bool libelf_ready() {
  static const bool initialised = elf_version(EV_CURRENT) != EV_NONE;
  return initialised;
}

}  // namespace

ElfManifestResult read_elf_manifest(const std::filesystem::path& file) {
  using Status = ElfManifestResult::Status;
  if (!libelf_ready()) return {Status::bad_file, {}, "libelf cannot be initialised"};

  FdCloser fd{::open(file.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0) return {Status::bad_file, {}, std::string("cannot open: ") + std::strerror(errno)};
  // Check the magic ourselves: libelf happily "reads" any file as ELF_K_NONE.
  unsigned char ident[EI_NIDENT] = {};
  if (::pread(fd.fd, ident, sizeof ident, 0) != static_cast<ssize_t>(sizeof ident) ||
      std::memcmp(ident, ELFMAG, SELFMAG) != 0)
    return {Status::bad_file, {}, "not an ELF file"};
  struct stat st;
  if (::fstat(fd.fd, &st) != 0) return {Status::bad_file, {}, std::string("cannot stat: ") + std::strerror(errno)};
  ElfCloser elf{elf_begin(fd.fd, ELF_C_READ_MMAP, nullptr)};
  return read_opened(elf.e, static_cast<std::uint64_t>(st.st_size));
}

ElfManifestResult read_elf_manifest_image(std::string_view image) {
  using Status = ElfManifestResult::Status;
  if (!libelf_ready()) return {Status::bad_file, {}, "libelf cannot be initialised"};
  if (image.size() < EI_NIDENT || std::memcmp(image.data(), ELFMAG, SELFMAG) != 0)
    return {Status::bad_file, {}, "not an ELF file"};
  // elf_memory() wants a mutable buffer but only reads it with ELF_C_READ.
  ElfCloser elf{elf_memory(const_cast<char*>(image.data()), image.size())};
  return read_opened(elf.e, image.size());
}

}  // namespace spackext::core
