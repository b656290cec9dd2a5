// A MirrorStore over objects in memory, for harnesses that feed an input to
// the buildcache scanner the way a mirror serves it: the fixture mirror's
// objects loaded once, the fuzzed object put under the key being tested.
// Not a stand-in for a server (no protocol is involved): the scanner only
// sees keys and bytes, whichever store they come from.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>

#include <spackext/services/mirror.hpp>

namespace spackext::fuzz {

class MemoryStore final : public MirrorStore {
 public:
  // Every file below `root`, keyed by its path relative to `root`; an absent
  // root gives an empty store (fixtures are optional for regressions).
  void load_tree(const std::filesystem::path& root) {
    if (!std::filesystem::is_directory(root)) return;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      objects_[std::filesystem::relative(e.path(), root).generic_string()] = s.str();
    }
  }
  void set(const std::string& key, std::string bytes) { objects_[key] = std::move(bytes); }
  void erase(const std::string& key) { objects_.erase(key); }

  std::string url() const override { return "memory://fuzz"; }
  bool pushable() const override { return false; }
  void list(std::string_view prefix, const std::function<void(const ObjectInfo&)>& visit) override {
    for (const auto& [key, bytes] : objects_)
      if (key.compare(0, prefix.size(), prefix) == 0) visit(ObjectInfo{key, bytes.size(), {}, std::nullopt});
  }
  std::optional<ObjectInfo> stat(std::string_view key) override {
    auto it = objects_.find(std::string(key));
    if (it == objects_.end()) return std::nullopt;
    return ObjectInfo{it->first, it->second.size(), {}, std::nullopt};
  }
  void get(std::string_view key, const ByteSink& sink) override {
    auto it = objects_.find(std::string(key));
    if (it == objects_.end()) throw Error(url() + ": " + std::string(key) + ": no such object");
    sink(it->second.data(), it->second.size());
  }
  ObjectInfo put(std::string_view, std::uint64_t, const ByteSource&, const PutOptions&) override {
    throw Error(url() + ": read-only");
  }
  void remove(std::string_view) override { throw Error(url() + ": read-only"); }

 private:
  std::map<std::string, std::string> objects_;
};

}  // namespace spackext::fuzz
