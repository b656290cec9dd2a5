#include "state_filesystem.hpp"

#include <sys/vfs.h>

#include <cerrno>
#include <cstring>

#include "spackext/errors.hpp"

namespace spackext::deploy {

std::string network_filesystem_name(unsigned long f_type) {
  // Magic numbers from <linux/magic.h> and the filesystems' own sources
  // (GPFS, Lustre, BeeGFS, CephFS and AFS do not put theirs in linux/magic.h).
  switch (f_type) {
    case 0x6969: return "nfs";
    case 0x517B: return "smb";
    case 0xFF534D42: return "cifs";
    case 0xFE534D42: return "smb2";
    case 0x47504653: return "gpfs";
    case 0x0BD00BD0: return "lustre";
    case 0x19830326: return "beegfs";
    case 0x00C36400: return "ceph";
    case 0x5346414F: return "afs";
    case 0x6B414653: return "kafs";
    case 0x564C: return "ncp";
    case 0x65735546: return "fuse";  // sshfs, glusterfs, ...: may be remote, so not trusted with WAL
    default: return {};
  }
}

std::string network_filesystem_of(const std::filesystem::path& dir) {
  struct statfs st {};
  if (::statfs(dir.c_str(), &st) != 0)
    throw Error("cannot examine the filesystem of " + dir.string() + ": " + std::strerror(errno));
  return network_filesystem_name(static_cast<unsigned long>(st.f_type));
}

}  // namespace spackext::deploy
