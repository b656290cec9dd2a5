#include "probe_cache.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace spackext::config {

namespace fs = std::filesystem;

namespace {

bool is_elf(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

// "<size>:<mtime ns>" of the real file, or "" when it cannot be cached.
std::string identity(const fs::path& real) {
  struct stat st {};
  if (stat(real.c_str(), &st) != 0 || !is_elf(real)) return {};
  return std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

}  // namespace

ProbeCache::ProbeCache(fs::path file, bool refresh) : file_(std::move(file)) {
  if (file_.empty() || refresh) return;
  std::ifstream in(file_);
  if (!in) return;
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = nlohmann::json::parse(text.str(), nullptr, false);
  if (parsed.is_object()) entries_ = std::move(parsed);
}

std::optional<CapturedOutput> ProbeCache::capture(const fs::path& program, const std::vector<std::string>& args) {
  if (file_.empty()) return config::capture(program, args);
  std::error_code ec;
  const fs::path real = fs::canonical(program, ec);
  const std::string id = ec ? std::string() : identity(real);
  if (id.empty()) return config::capture(program, args);
  // The name it was called by matters (clang++ vs clang: same binary).
  std::string key = program.string();
  for (const auto& a : args) key += '\x1f' + a;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->value("id", "") == id) {
      return CapturedOutput{it->value("exit_code", -1), it->value("text", "")};
    }
  }
  auto out = config::capture(program, args);
  if (out) {
    std::lock_guard lock(mutex_);
    entries_[key] = {{"id", id}, {"exit_code", out->exit_code}, {"text", out->text}};
    dirty_ = true;
  }
  return out;
}

void ProbeCache::save() {
  std::lock_guard lock(mutex_);
  if (file_.empty() || !dirty_) return;
  std::error_code ec;
  fs::create_directories(file_.parent_path(), ec);
  const fs::path temp = file_.string() + ".tmp-" + std::to_string(getpid());
  {
    std::ofstream out(temp, std::ios::binary);
    out << entries_.dump();
    if (!out) return;  // a cache that cannot be written is only slower
  }
  fs::rename(temp, file_, ec);
  if (ec) fs::remove(temp, ec);
  dirty_ = false;
}

}  // namespace spackext::config
