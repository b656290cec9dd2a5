#!/usr/bin/env bash
# The main job on embedded defaults: installs what is missing, builds the
# host and its plugins, and runs them against the shared fixtures.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" runtime
bin="${SPACKEXT_BUILD_DIR:-$root/build}/bin/spack-ext"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A private home so the demo leaves nothing behind.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache" \
       XDG_STATE_HOME="$work/home/.local/state" XDG_DATA_HOME="$work/home/.local/share"
mkdir -p "$HOME"
step() { printf '\n\033[1m$ spack-ext %s\033[0m\n' "$*"; "$bin" "$@"; }

step --version
step plugin list
step --events "$work/events.jsonl" hello HPC
echo "events written:"; cat "$work/events.jsonl"
for extra in "$root"/scripts/demo.d/*.sh; do
  [[ -f "$extra" ]] && source "$extra"
done
step plugin doctor
