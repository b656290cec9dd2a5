#!/usr/bin/env bash
# Whole-process timing of `product pack peerhello` from the signed v3
# fixture cache (three packages, verified and relocated), next to what
# dominates it: gunzip of the same three tarballs and sha256 of their bytes,
# and `product install` of the result. hyperfine, 20 runs after 3 warm-ups.
#
#   scripts/bench/product.sh [build-dir] [shared-dir]   (default: ./build ../shared)
#
# Results: a Markdown table on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
shared="${2:-$root/../shared}"
mirror="$(cd "$shared/fixtures/spack/buildcache-v3-signed" && pwd)"
unsigned="$(cd "$shared/fixtures/spack/buildcache-v3-unsigned" && pwd)"
. "$root/scripts/bench/isolated-home.sh"
mkdir -p "$HOME" "$work/gpg" && chmod 700 "$work/gpg"
"$host" buildcache keys trust --from-mirror "file://$mirror" --keyring "$work/gpg" >/dev/null
# peerhello, peerlib, peermpi tarball blobs (fixtures README)
blobs="$mirror/blobs/sha256/10/1048eac5631ea92441a5b502db03067076c2e3d08d35a89f3a22bdb86701cc37 \
$mirror/blobs/sha256/73/736c65b2bb7507ed01f29d53bbade8eb3df010c6e5e935ec7ad33f9bc7593394 \
$mirror/blobs/sha256/28/28ce71fa6077fe43c2159d4324a186fac22ec0b39ef488fe047688636ca03d02"
pack="$host product pack peerhello --from file://$mirror --prefix-variable PEERHELLO_PREFIX -o $work/out --keyring $work/gpg"
$pack >/dev/null 2>&1
tarball=$(ls "$work"/out/peerhello-*.tar.gz | grep -v modules)
echo "| command | median ms | mean ms | σ ms |"
echo "|---|---:|---:|---:|"
row() {
  local label="$1"; shift
  hyperfine --warmup 3 --runs 20 --export-json "$work/r.json" "$@" >/dev/null 2>&1
  python3 - "$work/r.json" "$label" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"| {sys.argv[2]} | {r['median']*1000:.1f} | {r['mean']*1000:.1f} | {r['stddev']*1000:.1f} |")
PY
}
row '`product pack peerhello` (3 packages, signed)' -N "$pack"
row '`product pack peerhello --allow-unsigned` (unsigned copy: no GnuPG)' -N "$host product pack peerhello --from file://$unsigned --allow-unsigned --prefix-variable PEERHELLO_PREFIX -o $work/out2"
row '`product install` of the result' --prepare "rm -rf $work/inst" "$host product install $tarball --prefix $work/inst"
row 'gunzip + tar t of the 3 tarballs (shell)' "for b in $blobs; do tar -tzf \$b >/dev/null; done"
row 'sha256sum of the 3 tarballs' -N "sha256sum $blobs"
row '`buildcache verify` of the fixture (all blobs + signatures)' -N "$host buildcache verify file://$mirror --keyring $work/gpg"
row '`--version` (baseline)' -N "$host --version"
