#include "plugins/manifest_cache.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "spackext/version.hpp"

namespace spackext::core {
namespace {

constexpr char kMagic[8] = {'S', 'P', 'X', 'M', 'C', 'v', '0', '4'};

// Little binary writer/reader: integers in host order (the file name carries
// the machine), strings and lists length-prefixed. The reader checks every
// length against what is left, so a corrupt file fails cleanly.
class Writer {
 public:
  template <class T>
  void num(T v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void str(const std::string& s) {
    num<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <class T>
  T num() {
    if (in_.size() < sizeof(T)) throw std::runtime_error("short");
    T v;
    std::memcpy(&v, in_.data(), sizeof v);
    in_.remove_prefix(sizeof v);
    return v;
  }
  std::string str() {
    auto n = num<std::uint32_t>();
    if (in_.size() < n) throw std::runtime_error("short");
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }
  std::uint32_t count() {
    auto n = num<std::uint32_t>();
    if (n > in_.size()) throw std::runtime_error("bad count");  // every item takes a byte at least
    return n;
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

void write_manifest(Writer& w, const Manifest& m) {
  w.num<std::int32_t>(m.api_major);
  w.num<std::int32_t>(m.api_minor);
  w.str(m.abi);
  w.str(m.name);
  w.str(m.version.str());
  w.str(m.description);
  w.str(m.vendor);
  w.str(m.license);
  w.num<std::int32_t>(m.priority);
  w.num<std::uint32_t>(static_cast<std::uint32_t>(m.services.size()));
  for (const auto& s : m.services) {
    w.str(s.kind);
    w.str(s.name);
    w.num<std::int32_t>(s.priority);
    w.num<std::uint32_t>(static_cast<std::uint32_t>(s.aliases.size()));
    for (const auto& a : s.aliases) w.str(a);
  }
  w.num<std::uint32_t>(static_cast<std::uint32_t>(m.commands.size()));
  for (const auto& c : m.commands) {
    w.str(c.name);
    w.str(c.description);
    w.num<std::uint32_t>(static_cast<std::uint32_t>(c.subcommands.size()));
    for (const auto& [n, d] : c.subcommands) {
      w.str(n);
      w.str(d);
    }
    w.str(c.definition);
    w.num<std::uint8_t>(c.modelled ? 1 : 0);
  }
  w.num<std::uint32_t>(static_cast<std::uint32_t>(m.requires_.size()));
  for (const auto& r : m.requires_) {
    w.str(r.name);
    w.str(r.range);
  }
}

Manifest read_manifest(Reader& r) {
  Manifest m;
  m.api_major = r.num<std::int32_t>();
  m.api_minor = r.num<std::int32_t>();
  m.abi = r.str();
  m.name = r.str();
  auto v = SemVer::parse(r.str());
  if (!v) throw std::runtime_error("bad version");
  m.version = *v;
  m.description = r.str();
  m.vendor = r.str();
  m.license = r.str();
  m.priority = r.num<std::int32_t>();
  for (auto n = r.count(); n > 0; --n) {
    ManifestService s;
    s.kind = r.str();
    s.name = r.str();
    s.priority = r.num<std::int32_t>();
    for (auto k = r.count(); k > 0; --k) s.aliases.push_back(r.str());
    m.services.push_back(std::move(s));
  }
  for (auto n = r.count(); n > 0; --n) {
    ManifestCommand c;
    c.name = r.str();
    c.description = r.str();
    for (auto k = r.count(); k > 0; --k) {
      auto name = r.str();
      c.subcommands.emplace_back(std::move(name), r.str());
    }
    c.definition = r.str();
    c.modelled = r.num<std::uint8_t>() != 0;
    m.commands.push_back(std::move(c));
  }
  for (auto n = r.count(); n > 0; --n) {
    ManifestRequirement q;
    q.name = r.str();
    q.range = r.str();
    m.requires_.push_back(std::move(q));
  }
  return m;
}

}  // namespace

ManifestCache::ManifestCache(std::filesystem::path file) : file_(std::move(file)) {}

std::filesystem::path ManifestCache::default_file(const std::filesystem::path& cache_dir) {
  utsname u{};
  ::uname(&u);
  return cache_dir / ("plugin-manifests." + std::string(u.machine) + ".api" + std::to_string(kApiMajor) + "." +
                      std::to_string(kApiMinor) + ".bin");
}

void ManifestCache::load() {
  loaded_ = true;
  if (file_.empty()) return;
  std::ifstream in(file_, std::ios::binary);
  if (!in) return;
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string data = buf.str();
  if (data.size() < sizeof kMagic || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) return;
  std::map<std::string, Entry> entries;
  try {
    Reader r(std::string_view(data).substr(sizeof kMagic));
    while (!r.done()) {
      std::string path = r.str();
      Entry e;
      e.size = r.num<std::uint64_t>();
      e.mtime_ns = r.num<std::int64_t>();
      e.outcome.state = static_cast<PluginState>(r.num<std::uint8_t>());
      e.outcome.reason = r.str();
      if (r.num<std::uint8_t>()) e.outcome.manifest = read_manifest(r);
      entries.emplace(std::move(path), std::move(e));
    }
  } catch (const std::exception&) {
    return;  // corrupt: start afresh, it is only a cache
  }
  entries_ = std::move(entries);
}

std::optional<ManifestOutcome> ManifestCache::lookup(const std::string& path, std::uintmax_t size,
                                                     std::int64_t mtime_ns) {
  if (file_.empty()) return std::nullopt;
  if (!loaded_) load();
  auto it = entries_.find(path);
  if (it == entries_.end() || it->second.size != size || it->second.mtime_ns != mtime_ns) return std::nullopt;
  it->second.seen = true;
  return it->second.outcome;
}

void ManifestCache::store(const std::string& path, std::uintmax_t size, std::int64_t mtime_ns,
                          const ManifestOutcome& outcome) {
  if (file_.empty()) return;
  if (!loaded_) load();
  entries_[path] = Entry{size, mtime_ns, outcome, true};
  dirty_ = true;
}

void ManifestCache::save() {
  if (file_.empty() || !loaded_ || !dirty_) return;  // nothing new read: the common, fast case
  Writer w;
  w.bytes().append(kMagic, sizeof kMagic);
  std::error_code exists_ec;
  for (const auto& [path, e] : entries_) {
    // Keep entries of other search paths, drop those of files that are gone.
    if (!e.seen && !std::filesystem::exists(path, exists_ec)) continue;
    w.str(path);
    w.num<std::uint64_t>(e.size);
    w.num<std::int64_t>(e.mtime_ns);
    w.num<std::uint8_t>(static_cast<std::uint8_t>(e.outcome.state));
    w.str(e.outcome.reason);
    w.num<std::uint8_t>(e.outcome.manifest ? 1 : 0);
    if (e.outcome.manifest) write_manifest(w, *e.outcome.manifest);
  }
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  auto tmp = file_;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(w.bytes().data(), static_cast<std::streamsize>(w.bytes().size()));
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return;  // many jobs may start at once; no cache is fine
    }
  }
  std::filesystem::rename(tmp, file_, ec);
  if (ec) std::filesystem::remove(tmp, ec);
  dirty_ = false;
}

}  // namespace spackext::core
