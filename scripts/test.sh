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
# The fuzz harnesses' corpora and regressions ran in ctest above. Fuzzing
# itself needs a clang build of its own (about 10 CPU-minutes from scratch),
# so it runs only when asked: SPACKEXT_FUZZ_SECONDS=5 scripts/test.sh
if [[ -n "${SPACKEXT_FUZZ_SECONDS:-}" ]]; then
  "$root/scripts/fuzz.sh" "$SPACKEXT_FUZZ_SECONDS"
fi
# The Debian packages take a second build tree (build-deb, configured for
# /usr; ccache makes its compiles hits of the first) and minutes, more than a
# ctest case may: they are built, linted and exercised here, after the suite.
# SPACKEXT_SKIP_DEBS=1 skips them.
if [[ "${SPACKEXT_SKIP_DEBS:-0}" != 1 ]]; then
  "$root/packaging/build-debs.sh"
  "$root/packaging/check-debs.sh"
fi
