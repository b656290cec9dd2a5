// A mirror on the local filesystem (file:///abs/path). Keys are relative
// paths below the root. Writes go to an unnamed file (O_TMPFILE; a named
// temp file where the filesystem lacks it) in the target folder, named with a
// hidden temp name and renamed into place, so a reader never sees half an
// object and a crash leaves at most a hidden temp file behind: list() skips
// it, and removes it once no writer holds its lock (a writer flocks its temp
// file until it is published). Publishing takes a lock on the folder, so If-Match is a real
// compare-and-swap among spack-ext writers. A root that does not exist is
// MirrorNotFound for list(); put() creates it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <spackext/services/mirror.hpp>

namespace spackext::mirrors {

class FileMirrorStore final : public MirrorStore {
 public:
  explicit FileMirrorStore(std::filesystem::path root, bool pushable = true);
  std::string url() const override;
  bool pushable() const override { return pushable_; }
  void list(std::string_view prefix, const std::function<void(const ObjectInfo&)>& visit) override;
  std::optional<ObjectInfo> stat(std::string_view key) override;
  void get(std::string_view key, const ByteSink& sink) override;
  ObjectInfo put(std::string_view key, std::uint64_t size, const ByteSource& source,
                 const PutOptions& options = {}) override;
  void remove(std::string_view key) override;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path path_of(std::string_view key) const;
  std::filesystem::path root_;
  bool pushable_;
};

class FileMirrorBackend final : public MirrorBackend {
 public:
  std::unique_ptr<MirrorStore> open(const std::string& url, const nlohmann::json& settings) override;
};

// "file:///a/b" -> "/a/b" (percent-escapes decoded); throws InputError otherwise.
std::filesystem::path file_url_to_path(const std::string& url);

}  // namespace spackext::mirrors
