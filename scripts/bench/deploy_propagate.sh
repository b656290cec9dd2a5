#!/usr/bin/env bash
# Whole-process timings of `deploy run` on the local executor (never part of
# ctest), with hyperfine: a 20-compiler x 10-app stack (20 + 200 build nodes)
# and 200 test jobs, every node a one-line shell command that writes a
# packages.yaml into its artifact folder. The same deployment is timed with
# `artifacts.propagate: true` and with `[packages.yaml]` (each node's file
# published into its config scope, dependents given -C, the JUnit report
# written either way), so the difference is what publishing costs.
#
#   scripts/bench/deploy_propagate.sh [build-dir]      (default: ./build)
#
# Results: a Markdown table on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
. "$root/scripts/bench/isolated-home.sh"

compilers=$(seq -s, -f 'gcc@%g' 1 20)
apps=$(seq -s, -f 'app%g' 1 10)
write() {  # write FILE PROPAGATE
  cat > "$1" <<YAML
deployment: {name: bench, base_path: $work/run}
matrix: {compilers: [$compilers], apps: [$apps]}
stages:
  - {name: compilers, matrix: [compilers], run: ["printf 'packages: {}\\\\n' > \$SPACKEXT_ARTIFACTS/packages.yaml"]}
  - {name: apps, depends: [compilers], matrix: [compilers, apps], run: ["printf 'packages: {}\\\\n' > \$SPACKEXT_ARTIFACTS/packages.yaml"]}
tests:
  - {name: checks, depends: [apps], matrix: [compilers, apps], run: ["true {spec}"]}
artifacts: {propagate: $2}
YAML
}
write "$work/flag.yaml" true
write "$work/list.yaml" "[packages.yaml]"

echo "| deployment (420 nodes, --jobs 8) | median s | mean s | σ s | per node ms |"
echo "|---|---:|---:|---:|---:|"
for kind in flag list; do
  hyperfine -N --warmup 1 --runs 5 --export-json "$work/r.json" \
    --prepare "rm -rf $work/run $work/state.db" \
    "$host deploy run --config $work/$kind.yaml --jobs 8 --state-db $work/state.db" >/dev/null 2>&1
  python3 - "$work/r.json" "$kind" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
label = {"flag": "`propagate: true`", "list": "`propagate: [packages.yaml]`"}[sys.argv[2]]
print(f"| {label} | {r['median']:.2f} | {r['mean']:.2f} | {r['stddev']:.2f} | {1000 * r['median'] / 420:.1f} |")
PY
done
