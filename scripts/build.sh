#!/usr/bin/env bash
# Configures (once) and builds spack-ext with Ninja into ./build.
#   scripts/build.sh              everything: host, plugins, tests
#   scripts/build.sh runtime      only the host, the SDK and the plugins
# Ninja rebuilds only what changed; a configured tree is never reconfigured
# from scratch.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SPACKEXT_BUILD_DIR:-$root/build}"
. "$root/scripts/ccache-env.sh"
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${ccache_args[@]}"
fi
if [[ "${1:-}" == "runtime" ]]; then
  cmake --build "$build" --target spackext_runtime
else
  cmake --build "$build"
fi
