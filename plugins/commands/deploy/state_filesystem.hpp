// Where the state database lives decides how SQLite may journal: WAL needs
// shared memory that every process sees coherently, which a network
// filesystem (NFS, GPFS, Lustre, CIFS, ...: the homes of most HPC sites)
// does not give. There a rollback journal is used instead.
#pragma once

#include <filesystem>
#include <string>

namespace spackext::deploy {

// The name of the network filesystem whose statfs(2) f_type this is, or an
// empty string for a local one.
std::string network_filesystem_name(unsigned long f_type);

// The network filesystem `dir` is on ("" if local). Throws spackext::Error if
// `dir` cannot be examined.
std::string network_filesystem_of(const std::filesystem::path& dir);

}  // namespace spackext::deploy
