#!/usr/bin/env bash
# Whole-process benchmark of `buildcache prune` on an OCI registry (never
# part of ctest): a generated registry dump of N specs (make_buildcache.py
# --layout oci, every image built on 2026-11-21) synced into docker-registry
# on loopback, then, per round in a fresh repository:
#   prune --dry-run   (scan + plan: every manifest and config read once)
#   prune             (every spec is older than --older-than: all deleted)
#   prune again       (nothing left to delete)
# Wall and client CPU time from /usr/bin/time; medians over the rounds.
#
#   scripts/bench/oci_prune.sh [--build DIR] [--specs N] [--repeat R]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build"
specs=100
repeat=3
while (($#)); do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --specs) specs="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--specs N] [--repeat R]" >&2; exit 2 ;;
  esac
done
command -v docker-registry >/dev/null || { echo "needs docker-registry (scripts/deps/mirrors.txt)" >&2; exit 1; }
. "$root/scripts/bench/isolated-home.sh"  # $host, $work (removed on exit), scratch HOME

dump="$work/dump"
python3 "$root/scripts/bench/make_buildcache.py" "$dump" --specs "$specs" --total-mib 20 --layout oci
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
reg="$work/registry"
. "$root/scripts/bench/registry.sh"
write_registry_config "$reg" "$port"
docker-registry serve "$reg/config.yml" >"$reg/log" 2>&1 &
registry_pid=$!
trap 'kill $registry_pid 2>/dev/null || true; wait $registry_pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.05; done

samples="$work/samples.tsv"
measure() { # LABEL command...
  local label="$1"; shift
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >"$work/last.out" 2>"$work/last.err" ||
    { echo "FAILED: $label" >&2; tail -5 "$work/last.err" >&2; exit 1; }
  read -r wall user sys <"$work/time"
  printf '%s\t%s\t%s\n' "$label" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')" >>"$samples"
}
for r in $(seq "$repeat"); do
  url="oci+http://127.0.0.1:$port/bench/r$r"
  "$host" buildcache sync "file://$dump" "$url" >/dev/null
  measure "prune --dry-run ($specs specs to delete)" "$host" buildcache prune "$url" --older-than 1 --dry-run
  measure "prune ($specs specs deleted: 3 DELETEs each)" "$host" buildcache prune "$url" --older-than 1
  measure "prune again (nothing left)" "$host" buildcache prune "$url" --older-than 1
done
echo "$specs specs, $(nproc) cores, median of $repeat round(s)"
echo
echo "| run | wall (median, range) | client CPU (median) |"
echo "|---|---|---|"
python3 - "$samples" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, wall, cpu = line.rstrip("\n").split("\t")
    rows.setdefault(label, []).append((float(wall), float(cpu)))
for label, runs in rows.items():
    w = [x for x, _ in runs]
    print(f"| {label} | {statistics.median(w):.2f} s ({min(w):.2f}-{max(w):.2f}) | {statistics.median(c for _, c in runs):.2f} s |")
PY
