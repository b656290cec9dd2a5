#!/usr/bin/env bash
# Whole-process timing of `buildcache list` on a file:// mirror of 100,000
# specs (never part of ctest), with hyperfine: the mirror holds just the
# layout-v3 index (98 MB, made by make_index_mirror.py), which is all `list`
# reads when a mirror has one. Output goes to /dev/null (hyperfine -N), so the
# time is reading, parsing, sorting and formatting, not a terminal's.
#
#   scripts/bench/buildcache_list.sh [build-dir] [runs]    (default: ./build, 10)
#
# Results: a Markdown table on stdout (wall median, mean, σ, user+sys CPU).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
runs="${2:-10}"
. "$root/scripts/bench/isolated-home.sh"
echo "generating a 100,000-spec index mirror ..." >&2
python3 "$root/scripts/bench/make_index_mirror.py" "$work/mirror" --specs 100000
url="file://$work/mirror"

echo "| command | median ms | mean ms | σ ms | CPU ms (user+sys) |"
echo "|---|---:|---:|---:|---:|"
row() {
  local label="$1"
  shift
  hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/r.json" "$*" >/dev/null 2>&1
  python3 - "$work/r.json" "$label" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"| `{sys.argv[2]}` | {r['median']*1000:.1f} | {r['mean']*1000:.1f} | {r['stddev']*1000:.1f} "
      f"| {(r['user'] + r['system'])*1000:.1f} |")
PY
}
row "buildcache list MIRROR" "$host" buildcache list "$url"
row "buildcache list --long MIRROR" "$host" buildcache list --long "$url"
row "buildcache list MIRROR 'pkg42*'" "$host" buildcache list "$url" "pkg42*"
row "buildcache list --json MIRROR" "$host" --json buildcache list "$url"
