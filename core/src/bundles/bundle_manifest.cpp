#include "bundles/bundle_manifest.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "spackext/errors.hpp"
#include "spackext/json_input.hpp"

namespace spackext::bundles {
namespace {

using nlohmann::json;

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Reads a required key of the expected type, naming it when it is not there.
template <class T>
T required(const json& obj, const char* key, const std::string& where, const std::string& source) {
  auto it = obj.find(key);
  if (it == obj.end()) throw InputError(source, where + ": missing key '" + key + "'");
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw InputError(source, where + "." + key + ": expected " +
                                 (std::is_same_v<T, std::string> ? "a string" : std::is_same_v<T, bool> ? "true or false" : "a number"));
  }
}

}  // namespace

bool valid_bundle_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  auto ok = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (!first && (c == '.' || c == '_' || c == '+' || c == '-'));
  };
  for (std::size_t i = 0; i < name.size(); ++i)
    if (!ok(name[i], i == 0)) return false;
  return true;
}

std::string member_path_problem(std::string_view path) {
  if (path.empty()) return "empty path";
  if (path.size() > 255) return "path longer than 255 bytes";
  if (path.front() == '/') return "absolute path";
  if (path == kManifestMember || path == kSignatureMember) return "reserved name";
  int depth = 0;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    auto part = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty()) return "empty path component";
    if (part == "." || part == "..") return "'" + std::string(part) + "' path component";
    if (part.front() == '.') return "hidden path component '" + std::string(part) + "'";
    for (unsigned char c : part)
      if (c < 0x20 || c == 0x7f || c == '\\') return "control character or backslash in the path";
    if (++depth > 8) return "more than 8 levels";
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return {};
}

const BundleFile* BundleManifest::find(std::string_view path) const {
  for (const auto& f : files)
    if (f.path == path) return &f;
  return nullptr;
}

std::uint64_t BundleManifest::total_size() const {
  std::uint64_t sum = 0;
  for (const auto& f : files) sum += f.size;
  return sum;
}

BundleManifest BundleManifest::parse(std::string_view text, const std::string& source) {
  const json doc = parse_json_input(text, source, "a bundle manifest");
  if (!doc.is_object()) throw InputError(source, "expected a JSON object");
  BundleManifest m;
  auto format = required<std::string>(doc, "format", "manifest", source);
  if (format != kBundleFormat)
    throw InputError(source, "format '" + format + "' is not supported (expected '" + kBundleFormat + "')");
  m.name = required<std::string>(doc, "name", "manifest", source);
  if (!valid_bundle_name(m.name))
    throw InputError(source, "name '" + m.name + "' is not a valid bundle name ([a-z0-9][a-z0-9._+-]*)");
  if (auto it = doc.find("created_by"); it != doc.end() && it->is_string()) m.created_by = *it;

  auto files = doc.find("files");
  if (files == doc.end() || !files->is_array() || files->empty())
    throw InputError(source, "files: expected a non-empty array");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < files->size(); ++i) {
    const auto& f = (*files)[i];
    const std::string where = "files[" + std::to_string(i) + "]";
    if (!f.is_object()) throw InputError(source, where + ": expected an object");
    BundleFile bf;
    bf.path = required<std::string>(f, "path", where, source);
    if (auto why = member_path_problem(bf.path); !why.empty())
      throw InputError(source, where + ".path '" + bf.path + "': " + why);
    if (!seen.insert(bf.path).second) throw InputError(source, where + ".path '" + bf.path + "' is listed twice");
    bf.size = required<std::uint64_t>(f, "size", where, source);
    bf.sha256 = required<std::string>(f, "sha256", where, source);
    if (!is_hex64(bf.sha256)) throw InputError(source, where + ".sha256: expected 64 lowercase hex digits");
    if (f.contains("executable")) bf.executable = required<bool>(f, "executable", where, source);
    m.files.push_back(std::move(bf));
  }
  // A file and a folder of the same name cannot both be installed.
  for (const auto& f : m.files)
    for (auto slash = f.path.find('/'); slash != std::string::npos; slash = f.path.find('/', slash + 1))
      if (seen.count(f.path.substr(0, slash)))
        throw InputError(source, "files: '" + f.path.substr(0, slash) + "' is both a file and a folder");

  auto plugins = doc.find("plugins");
  if (plugins == doc.end() || !plugins->is_array()) throw InputError(source, "plugins: expected an array");
  std::set<std::string> plugin_files;
  for (std::size_t i = 0; i < plugins->size(); ++i) {
    const auto& p = (*plugins)[i];
    const std::string where = "plugins[" + std::to_string(i) + "]";
    if (!p.is_object()) throw InputError(source, where + ": expected an object");
    BundlePlugin bp;
    bp.file = required<std::string>(p, "file", where, source);
    bp.manifest = required<std::string>(p, "manifest", where, source);
    bp.name = required<std::string>(p, "name", where, source);
    bp.version = required<std::string>(p, "version", where, source);
    bp.api_version = required<std::string>(p, "api_version", where, source);
    bp.abi = required<std::string>(p, "abi", where, source);
    if (!m.find(bp.file)) throw InputError(source, where + ".file '" + bp.file + "' is not listed in files");
    if (!m.find(bp.manifest)) throw InputError(source, where + ".manifest '" + bp.manifest + "' is not listed in files");
    if (bp.file.find('/') != std::string::npos || bp.file.size() < 4 || bp.file.substr(bp.file.size() - 3) != ".so")
      throw InputError(source, where + ".file '" + bp.file + "': plugins are .so files at the top of the bundle");
    if (!plugin_files.insert(bp.file).second) throw InputError(source, where + ".file '" + bp.file + "' is listed twice");
    m.plugins.push_back(std::move(bp));
  }
  // Every top-level .so is loaded by the host, so every one must be declared.
  for (const auto& f : m.files)
    if (f.path.find('/') == std::string::npos && f.path.size() > 3 && f.path.substr(f.path.size() - 3) == ".so" &&
        !plugin_files.count(f.path))
      throw InputError(source, "files: '" + f.path + "' would be loaded as a plugin but is not listed in plugins");
  return m;
}

std::string BundleManifest::dump() const {
  json doc{{"format", kBundleFormat}, {"name", name}, {"created_by", created_by}};
  doc["files"] = json::array();
  for (const auto& f : files) {
    json j{{"path", f.path}, {"size", f.size}, {"sha256", f.sha256}};
    if (f.executable) j["executable"] = true;
    doc["files"].push_back(std::move(j));
  }
  doc["plugins"] = json::array();
  for (const auto& p : plugins)
    doc["plugins"].push_back({{"file", p.file}, {"manifest", p.manifest}, {"name", p.name}, {"version", p.version},
                              {"api_version", p.api_version}, {"abi", p.abi}});
  return doc.dump(2) + "\n";
}

}  // namespace spackext::bundles
