#!/usr/bin/env bash
# Whole-process timings of `buildcache update-index` on a file:// mirror
# (never part of ctest), with hyperfine, for layouts v3 and v2:
#   full         --full over the published index (reads every spec's metadata)
#   no change    incremental, nothing changed since the index
#   +N specs     incremental, N specs pushed since the index (the index is put
#                back before each run, so every run adds the same N)
# The cache is generated once per layout (scripts/bench/make_buildcache.py,
# tiny tarballs) with its files dated two days back, as on a mirror in use:
# an incremental update rereads metadata modified within 15 minutes before
# the index was published.
#
#   scripts/bench/update_index.sh [--build DIR] [--specs 20000] [--added 100] [--runs 5] [--only v3|v2]
#
# Results: a Markdown table on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build"
specs=20000
added=100
runs=5
only=""
while (($#)); do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --specs) specs="$2"; shift 2 ;;
    --added) added="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--specs N] [--added N] [--runs R] [--only v3|v2]" >&2; exit 2 ;;
  esac
done
. "$root/scripts/bench/isolated-home.sh"
[[ -x "$host" ]] || { echo "update_index.sh: $host is missing; run: bash scripts/build.sh runtime" >&2; exit 1; }

echo "| layout | run | median s | min–max s | CPU s (user+sys) |"
echo "|---|---|---:|---:|---:|"
row() {
  local layout="$1" label="$2"
  shift 2
  hyperfine -N --runs "$runs" --export-json "$work/r.json" "$@" >/dev/null 2>&1
  python3 - "$work/r.json" "$layout" "$label" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"| {sys.argv[2]} | {sys.argv[3]} | {r['median']:.2f} | {r['min']:.2f}–{r['max']:.2f} "
      f"| {r['user'] + r['system']:.2f} |")
PY
}

for layout in v3 v2; do
  [[ -n "$only" && "$only" != "$layout" ]] && continue
  mirror="$work/$layout"
  url="file://$mirror"
  python3 "$root/scripts/bench/make_buildcache.py" "$mirror" --layout "$layout" --specs "$specs" --total-mib 1 \
    --age-hours 48
  if [[ $layout == v3 ]]; then index=(v3/manifests/index/index.manifest.json); else
    index=(build_cache/index.json build_cache/index.json.hash); fi
  "$host" buildcache update-index "$url" >/dev/null  # the first index: nothing to start from
  row "$layout" "full (\`--full\`, index up to date)" "$host buildcache update-index --full $url"
  row "$layout" "no change" "$host buildcache update-index $url"
  # Save the index, push N more specs, and put the saved index back before
  # each run (cp -p keeps its time), so each run finds the same N new specs.
  mkdir -p "$work/saved-$layout"
  for f in "${index[@]}"; do cp -p "$mirror/$f" "$work/saved-$layout/"; done
  python3 "$root/scripts/bench/make_buildcache.py" "$mirror" --layout "$layout" --specs "$added" --total-mib 1 \
    --seed 2 --age-hours 1
  restore="cp -p"
  for f in "${index[@]}"; do restore+=" $work/saved-$layout/$(basename "$f")"; done
  restore+=" $mirror/$(dirname "${index[0]}")/"
  row "$layout" "+$added specs" --prepare "$restore" "$host buildcache update-index $url"
  $restore
  "$host" --json buildcache update-index "$url" | python3 -c '
import json, sys
for i in json.load(sys.stdin)["indexes"]:
    print("  check:", i["layout"], i["mode"], "added", i.get("added"), "reused", i.get("reused"), file=sys.stderr)'
done
