#!/usr/bin/env bash
# Whole-process timings of `health check` (never part of ctest), with
# hyperfine: every check without the network (--offline), then single checks,
# each on a warm version cache (the config plugin's tool-versions.json) as a
# user's second run would be. The first, cold run is timed once apart.
#
#   scripts/bench/health.sh [build-dir]      (default: ./build)
#
# Results: a Markdown table on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
command -v hyperfine >/dev/null || { echo "needs hyperfine: apt-get install hyperfine" >&2; exit 1; }
host="$build/bin/spack-ext"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_CACHE_HOME="$work/home/.cache" XDG_CONFIG_HOME="$work/home/.config" \
       XDG_DATA_HOME="$work/home/.local/share" XDG_STATE_HOME="$work/home/.local/state" SPACK_EXT_SITE_DIR="$work/site"
unset SPACK_EXT_PLUGIN_PATH
mkdir -p "$HOME"

start=$(date +%s%N)
"$host" health check --offline >/dev/null || true
cold_ms=$(( ($(date +%s%N) - start) / 1000000 ))

echo "| command | median ms | mean ms | σ ms |"
echo "|---|---:|---:|---:|"
echo "| \`health check --offline\`, first run (cold version cache, one run) | $cold_ms | | |"
row() {
  hyperfine -N --warmup 2 --runs 10 -i --export-json "$work/r.json" "$host $*" >/dev/null 2>&1
  python3 - "$work/r.json" "$*" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"| `{sys.argv[2]}` | {r['median']*1000:.1f} | {r['mean']*1000:.1f} | {r['stddev']*1000:.1f} |")
PY
}
row health check --offline
row health check --offline --check disk --check spack --check modules
row health check --check tools
row health check --check compilers
row health check --check plugins
row plugin doctor
