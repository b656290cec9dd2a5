// Mirror stores for tests that wrap a real one. ForwardingStore passes every
// call through: tests derive from it and override the one call they make
// misbehave (a crash, a changing source) or observe. ChangingSource reads one
// key back changed in one byte, same size: a source rewritten while a sync
// runs (or rotting under it).
#pragma once

#include <string>
#include <utility>

#include <spackext/services/mirror.hpp>

namespace spackext::testing {

class ForwardingStore : public MirrorStore {
 public:
  explicit ForwardingStore(MirrorStore& inner) : inner_(inner) {}
  std::string url() const override { return inner_.url(); }
  bool pushable() const override { return inner_.pushable(); }
  void list(std::string_view p, const std::function<void(const ObjectInfo&)>& v) override { inner_.list(p, v); }
  std::optional<ObjectInfo> stat(std::string_view k) override { return inner_.stat(k); }
  void get(std::string_view k, const ByteSink& sink) override { inner_.get(k, sink); }
  ObjectInfo put(std::string_view k, std::uint64_t size, const ByteSource& s, const PutOptions& o) override {
    return inner_.put(k, size, s, o);
  }
  void remove(std::string_view k) override { inner_.remove(k); }

 protected:
  MirrorStore& inner_;
};

class ChangingSource final : public ForwardingStore {
 public:
  ChangingSource(MirrorStore& inner, std::string key) : ForwardingStore(inner), key_(std::move(key)) {}
  void get(std::string_view k, const ByteSink& sink) override {
    if (k != key_) return inner_.get(k, sink);
    std::string all;
    inner_.get(k, [&](const char* d, std::size_t n) { return all.append(d, n), true; });
    all[all.size() / 2] ^= 0x20;
    sink(all.data(), all.size());
  }

 private:
  std::string key_;
};

}  // namespace spackext::testing
