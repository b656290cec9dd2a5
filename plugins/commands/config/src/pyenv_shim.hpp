// pyenv shims (`~/.pyenv/shims/python3`) are bash scripts that start pyenv,
// which works out the selected version and execs the real program: 0.1 s on
// an idle machine, seconds on a loaded one, for every version query. The
// selection rules are documented (pyenv's COMMANDS.md and pyenv-version-file
// / pyenv-which): PYENV_VERSION, else the nearest `.python-version` from the
// current folder up, else $PYENV_ROOT/version, else "system"; each selected
// version's bin/ is searched in order, "system" meaning PATH without the
// shims. Reading those files finds the same program without running a shell.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

namespace spackext::config {

// The program a pyenv shim at `shim` would run, or nullopt when `shim` is not
// a pyenv shim or the selection is not one this reading settles exactly
// (a version prefix or alias pyenv would expand, a missing version): then
// the caller runs the shim itself.
std::optional<std::filesystem::path> resolve_pyenv_shim(const std::filesystem::path& shim,
                                                        const std::vector<std::filesystem::path>& path);

}  // namespace spackext::config
