#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds everything, runs
# ctest (unit, CLI, integration; servers are started by the tests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
for extra in "$root"/scripts/test-setup.d/*.sh; do
  [[ -f "$extra" ]] && bash "$extra"
done
"$root/scripts/build.sh"
build="${SPACKEXT_BUILD_DIR:-$root/build}"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@"
# The Debian packages take a second build tree (build-deb) and minutes, more
# than a ctest case may: they are built, linted and exercised here, after the
# suite. SPACKEXT_SKIP_DEBS=1 skips them.
if [[ "${SPACKEXT_SKIP_DEBS:-0}" != 1 ]]; then
  "$root/packaging/build-debs.sh"
  "$root/packaging/check-debs.sh"
fi
