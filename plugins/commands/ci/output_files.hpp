// Writing what a ci backend rendered into the --output folder, all files or
// none, and surviving kill -9 at any moment and a concurrent run.
//
// One file is written to a temp name and renamed over the target. Several
// (a GitLab parent and the child files it names) cannot change in one
// rename, so: every file is written to a temp name and flushed, a journal
// naming the renames is published, the renames happen (children before the
// parent), the journal is removed. A run killed among the renames leaves the
// journal; the next `ci generate` into that folder finishes those renames
// before anything else, so the set is the old one, or the new one once the
// journal is finished. Runs into one folder take turns (a lock on it).
#pragma once

#include <filesystem>
#include <vector>

#include "spackext/services/ci.hpp"

namespace spackext::ci {

// The journal a run into `folder` whose main file is `main` keeps while it
// renames (beside the main file).
std::filesystem::path rename_journal(const std::filesystem::path& folder, const std::filesystem::path& main);

// Writes `files` (paths relative to `folder`; the first is the main file)
// and returns their paths. On an error nothing new is left behind.
std::vector<std::filesystem::path> write_files(const std::filesystem::path& folder, const std::vector<CiFile>& files);

}  // namespace spackext::ci
