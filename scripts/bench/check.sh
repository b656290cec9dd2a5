#!/usr/bin/env bash
# Whole-process timing of `buildcache check` on the fixtures: the
# environment's spack.lock (7 nodes, 2 externals) against the largest
# fixture mirror (v2 and v3 layouts side by side, signed), by its index and
# with --scan; then against all five fixture mirrors (v3 and v2, signed and
# unsigned, and the OCI registry dump) configured at once. `buildcache list`
# of the same mirror is the reference for "open a mirror, read its index".
# hyperfine, 20 runs after 3 warm-ups.
#
#   scripts/bench/check.sh [build-dir] [shared-dir]   (default: ./build ../shared)
#
# Results: a Markdown table on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
shared="${2:-$root/../shared}"
fixtures="$(cd "$shared/fixtures/spack" && pwd)"
lock="$fixtures/env/spack.lock"
largest="$fixtures/buildcache-v2-and-v3-migrated-signed"
. "$root/scripts/bench/isolated-home.sh"
for m in v3-signed v3-unsigned v2-signed v2-unsigned; do
  "$host" buildcache add-mirror "$m" "$fixtures/buildcache-$m" >/dev/null
done
"$host" buildcache add-mirror oci "$fixtures/oci/registry-dump/v2/peer/buildcache" >/dev/null
echo "| command | median ms | mean ms | σ ms |"
echo "|---|---:|---:|---:|"
row() {
  local label="$1"; shift
  # check exits 1 when something is missing (the fixtures were pushed
  # --only package): -i keeps hyperfine timing it.
  hyperfine -N -i --warmup 3 --runs 20 --export-json "$work/r.json" "$@" >/dev/null 2>&1
  python3 - "$work/r.json" "$label" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"| {sys.argv[2]} | {r['median']*1000:.1f} | {r['mean']*1000:.1f} | {r['stddev']*1000:.1f} |")
PY
}
row '`check --lock` vs the v2+v3 mirror, index' "$host buildcache check --lock $lock --mirror file://$largest"
row '`check --lock` vs the v2+v3 mirror, `--scan`' "$host buildcache check --lock $lock --mirror file://$largest --scan"
row '`check --lock --json` vs all 5 fixture mirrors (configured)' "$host --json buildcache check --lock $lock"
row '`list` of the v2+v3 mirror (reference)' "$host buildcache list file://$largest"
row '`--version` (host start-up)' "$host --version"
