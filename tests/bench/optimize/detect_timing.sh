#!/usr/bin/env bash
# Whole-process timing of `spack-ext optimize detect` (live host and a cpuinfo
# file), with hyperfine when installed, else a loop with date +%s%N.
# Usage: tests/bench/optimize/detect_timing.sh <build-dir> [runs]
set -euo pipefail
build=${1:?usage: detect_timing.sh <build-dir> [runs]}
runs=${2:-50}
host="$build/bin/spack-ext"
here=$(cd "$(dirname "$0")" && pwd)
sample="$here/../../../../shared/fixtures/cpuinfo/linux-unknown-sapphirerapids"
unset SPACK_ROOT
commands=("$host optimize detect" "$host --json optimize detect")
[[ -f $sample ]] && commands+=("$host optimize detect --cpuinfo $sample")
commands+=("$host optimize recommend --compiler gcc@13.2 --arch zen4")
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 5 --runs "$runs" "${commands[@]}"
else
  for c in "${commands[@]}"; do
    start=$(date +%s%N)
    for ((i = 0; i < runs; i++)); do $c >/dev/null; done
    end=$(date +%s%N)
    echo "$c: $(((end - start) / runs / 1000)) us per run ($runs runs)"
  done
fi
