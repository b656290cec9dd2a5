// Publishing a file so readers see the old content or the new, never a mix:
// written under a temporary name in the same folder, flushed to disk, then
// renamed over the target (and the folder flushed, so the rename survives a
// crash). What every command that writes a user-visible file should use.
#pragma once

#include <filesystem>
#include <string_view>

namespace spackext {

// Writes `content` to `file` atomically; creates missing parent folders.
// Throws spackext::Error naming the file when it cannot.
void write_file_atomically(const std::filesystem::path& file, std::string_view content);

// A temporary name beside `file` that no other process picks
// (".<name>.tmp-<pid>-<random>").
std::filesystem::path temporary_sibling(const std::filesystem::path& file);

// Removes the temporary siblings of `file` that a killed writer left: those
// whose writer process (the pid in the name) no longer runs on this machine.
// A live writer's file is kept, so it is safe beside a concurrent run.
// Returns how many it removed; errors are ignored.
int remove_abandoned_temporaries(const std::filesystem::path& file) noexcept;

// fsync() a file or folder; errors are ignored (not every filesystem allows
// it on folders).
void sync_path(const std::filesystem::path& path) noexcept;

}  // namespace spackext
