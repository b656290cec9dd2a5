#include "prefix_strings.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <spackext/errors.hpp>

namespace spackext::product {

namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("cannot read " + file.string());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Rewrites the file's bytes in place (no rename: the staging folder it lives
// in is what gets published, once, at the end).
void overwrite(const fs::path& file, const std::string& data) {
  int fd = ::open(file.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) throw Error("cannot write " + file.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      throw Error("cannot write " + file.string() + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

// A file Spack installed read-only (0444/0555) is made writable for the
// rewrite and given its mode back.
struct Writable {
  fs::path file;
  fs::perms before;
  explicit Writable(const fs::path& f) : file(f), before(fs::status(f).permissions()) {
    fs::permissions(file, before | fs::perms::owner_write);
  }
  ~Writable() {
    std::error_code ec;
    fs::permissions(file, before, ec);
  }
};

constexpr std::string_view kPattern = "/__spack-ext_product_placeholder_";

bool ends_a_path(const std::string& data, std::size_t end) {
  return end == data.size() || data[end] == '/' || data[end] == ':' || data[end] == '\0';
}

}  // namespace

std::string padded_placeholder(std::size_t length) {
  std::string out;
  while (out.size() < length) out += kPattern;
  out.resize(length);
  return out;
}

bool looks_like_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char buf[8192];
  in.read(buf, sizeof buf);
  return std::memchr(buf, '\0', static_cast<std::size_t>(in.gcount())) == nullptr;
}

bool replace_in_text_file(const fs::path& file, const std::vector<std::pair<std::string, std::string>>& replacements) {
  auto order = replacements;
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  const std::string data = read_all(file);
  std::string out;
  out.reserve(data.size());
  bool changed = false;
  for (std::size_t i = 0; i < data.size();) {
    bool hit = false;
    for (const auto& [from, to] : order) {
      if (!from.empty() && data.compare(i, from.size(), from) == 0) {
        out += to;
        i += from.size();
        hit = changed = true;
        break;
      }
    }
    if (!hit) out += data[i++];
  }
  if (changed) {
    Writable w(file);
    overwrite(file, out);
  }
  return changed;
}

std::vector<PrefixOccurrence> placeholder_binary_prefixes(const fs::path& file, const std::vector<std::string>& prefixes) {
  std::string data = read_all(file);
  std::vector<PrefixOccurrence> found;
  auto order = prefixes;
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& prefix : order) {
    for (auto pos = data.find(prefix); pos != std::string::npos; pos = data.find(prefix, pos + 1)) {
      if (!ends_a_path(data, pos + prefix.size())) continue;
      data.replace(pos, prefix.size(), padded_placeholder(prefix.size()));
      found.push_back({pos, prefix.size(), prefix});
    }
  }
  if (!found.empty()) {
    Writable w(file);
    overwrite(file, data);
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
  return found;
}

void write_binary_prefix(const fs::path& file, std::uint64_t offset, std::uint64_t length, const std::string& prefix) {
  std::string data = read_all(file);
  const std::string where = file.string() + " at byte " + std::to_string(offset);
  if (offset + length > data.size() || data.compare(offset, length, padded_placeholder(length)) != 0)
    throw InputError(where, "expected the product placeholder there (the tarball does not match its manifest)");
  std::size_t end = data.find('\0', offset + length);
  if (end == std::string::npos) end = data.size();
  const std::string rest = data.substr(offset + length, end - offset - length);
  if (prefix.size() > length)
    throw InputError(where, "the prefix '" + prefix + "' is " + std::to_string(prefix.size()) +
                                " bytes; this string has room for " + std::to_string(length));
  std::string replacement = prefix + rest;
  replacement.resize(end - offset, '\0');
  data.replace(offset, replacement.size(), replacement);
  Writable w(file);
  overwrite(file, data);
}

}  // namespace spackext::product
