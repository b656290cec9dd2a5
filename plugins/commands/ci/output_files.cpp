#include "output_files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "spackext/atomic_file.hpp"
#include "spackext/errors.hpp"

namespace spackext::ci {
namespace fs = std::filesystem;
namespace {

// Held while a run reads or changes the folder's pipeline files.
class FolderLock {
 public:
  explicit FolderLock(const fs::path& dir) : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ < 0) throw Error("ci generate: cannot open " + dir.string() + ": " + std::strerror(errno));
    while (::flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR) throw Error("ci generate: cannot lock " + dir.string() + ": " + std::strerror(errno));
  }
  ~FolderLock() { ::close(fd_); }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_;
};

// A killed run's renames, finished: each temp still there goes over its
// target (the journal is published only once every temp is complete).
void finish_journal(const fs::path& dir, const fs::path& journal) {
  std::ifstream in(journal);
  if (!in) return;
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, false);
  if (!j.is_object() || !j.contains("renames") || !j["renames"].is_array())
    throw Error("ci generate: " + journal.string() + " is damaged; remove it after checking the pipeline files beside it");
  for (const auto& r : j["renames"]) {
    const fs::path from = dir / r.at(0).get<std::string>(), to = dir / r.at(1).get<std::string>();
    std::error_code ec;
    if (fs::exists(from, ec)) fs::rename(from, to);
  }
  sync_path(dir);
  fs::remove(journal);
}

// Temp files of killed runs for these targets (ours: the folder is locked).
void sweep_temporaries(const fs::path& dir, const std::vector<CiFile>& files) {
  std::vector<std::string> prefixes;
  for (const auto& f : files) {
    const auto name = fs::path(f.path).filename().string();
    prefixes.push_back("." + name + ".tmp-");
    prefixes.push_back(".." + name + ".tmp-");  // write_file_atomically's own temp of a temp
  }
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (const auto& e : fs::directory_iterator(dir, ec))
    for (const auto& p : prefixes)
      if (e.path().filename().string().rfind(p, 0) == 0) doomed.push_back(e.path());
  for (const auto& p : doomed) fs::remove(p, ec);
}

}  // namespace

fs::path rename_journal(const fs::path& folder, const fs::path& main) {
  return folder / ("." + main.filename().string() + ".spack-ext-journal");
}

std::vector<fs::path> write_files(const fs::path& folder, const std::vector<CiFile>& files) {
  const fs::path dir = folder.empty() ? fs::path(".") : folder;
  if (!fs::is_directory(dir)) throw InputError("--output", "folder '" + dir.string() + "' does not exist");
  std::vector<fs::path> targets;
  for (const auto& f : files) targets.push_back(dir / f.path);
  const fs::path journal = rename_journal(dir, files.front().path);
  FolderLock lock(dir);
  finish_journal(dir, journal);
  sweep_temporaries(dir, files);
  if (files.size() == 1) {
    write_file_atomically(targets.front(), files.front().content);
    return targets;
  }
  std::vector<fs::path> temps;
  try {
    for (std::size_t i = 0; i < files.size(); ++i) {
      temps.push_back(temporary_sibling(targets[i]));
      write_file_atomically(temps.back(), files[i].content);
    }
  } catch (...) {
    std::error_code ec;
    for (const auto& t : temps) fs::remove(t, ec);
    throw;
  }
  // The main file (first) refers to the others: it is renamed last.
  nlohmann::json renames = nlohmann::json::array();
  for (std::size_t i = files.size(); i-- > 0;)
    renames.push_back({temps[i].lexically_relative(dir).string(), targets[i].lexically_relative(dir).string()});
  write_file_atomically(journal, nlohmann::json{{"renames", renames}}.dump() + "\n");
  try {
    finish_journal(dir, journal);
  } catch (const fs::filesystem_error& e) {
    throw Error(std::string("ci generate: ") + e.what() + " (the next `ci generate` into this folder finishes it)");
  }
  return targets;
}

}  // namespace spackext::ci
