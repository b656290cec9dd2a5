// Reads the members of a bundle and writes bundles member by member, links,
// devices and lies included, to test what `plugin install` refuses.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace spackext::testing {

struct ArchiveMember {
  enum class Type { file, directory, symlink, hardlink, char_device, fifo } type = Type::file;
  std::string path;
  std::string data;
  unsigned mode = 0644;
  std::string link;  // target of a symlink or hard link
  long long declared_size = -1;  // tar header size when it must differ from data.size()
};

std::vector<ArchiveMember> read_members(const std::filesystem::path& bundle);
void write_members(const std::filesystem::path& bundle, const std::vector<ArchiveMember>& members, bool gzip = false);
std::string sha256_hex(const std::string& data);

}  // namespace spackext::testing
