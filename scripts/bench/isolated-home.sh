# Sourced by the whole-process benchmarks (with $build set): checks for
# hyperfine, makes a scratch folder $work (removed on exit) and points the
# host's HOME, XDG folders and site folder into it, so a benchmark never
# reads or writes the user's own configuration, plugins or state.
command -v hyperfine >/dev/null || { echo "needs hyperfine: apt-get install hyperfine" >&2; exit 1; }
host="$build/bin/spack-ext"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_CACHE_HOME="$work/home/.cache" XDG_CONFIG_HOME="$work/home/.config" \
       XDG_DATA_HOME="$work/home/.local/share" XDG_STATE_HOME="$work/home/.local/state" SPACK_EXT_SITE_DIR="$work/site"
unset SPACK_EXT_PLUGIN_PATH
mkdir -p "$HOME"
