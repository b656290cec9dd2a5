#!/usr/bin/env bash
# Whole-process timings of plugin bundles (hyperfine):
#   - `plugin install` of a signed 20 MB bundle (one plugin + 20 MB of random
#     data), beside `openssl dgst -sha256` and `sha256sum` of the same 20 MB
#     (the hashing ceiling) and `zstd -d` of the bundle (decompression);
#   - `plugin verify` of 20 installed bundles of one plugin each;
#   - `--version` and `help` of the host against a copy linked with
#     libarchive and gpgme (why bundle support is a dlopened library).
#   scripts/bench/bundles.sh [build-dir]     (default: build)
# Results: Markdown tables on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
cmake --build "$build" --target spack-ext spackext_bundles fixture-good >/dev/null
command -v hyperfine >/dev/null || { echo "needs hyperfine: apt-get install hyperfine" >&2; exit 1; }
host="$build/bin/spack-ext"
plugin="$build/tests/fixtures/plugins/contract/out/fixture-good.so"
work=$(mktemp -d)
cleanup() { GNUPGHOME="$work/gnupg" gpgconf --kill gpg-agent 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export HOME="$work/home" XDG_CACHE_HOME="$work/home/.cache" XDG_CONFIG_HOME="$work/home/.config" \
       XDG_DATA_HOME="$work/home/.local/share" XDG_STATE_HOME="$work/home/.local/state" \
       SPACK_EXT_SITE_DIR="$work/site" GNUPGHOME="$work/gnupg"
unset SPACK_EXT_PLUGIN_PATH SPACK_EXT_SYSTEM_PLUGIN_PATH
mkdir -p "$HOME" && mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key 'Bench <bench@example.invalid>' ed25519 sign 1d
fpr=$(gpg --list-secret-keys --with-colons | awk -F: '/^fpr/{print $10; exit}')
gpg --batch --armor --export "$fpr" >"$work/pub.asc"
"$host" plugin trust add "$work/pub.asc" >/dev/null

row() {  # hyperfine JSON -> "| name | median | mean | σ |"
  python3 - "$1" "$2" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
t = [x * 1000 for x in r["times"]]
print(f"| {sys.argv[2]} | {statistics.median(t):.1f} | {statistics.mean(t):.1f} | {statistics.pstdev(t):.1f} |")
PY
}
bench() {  # bench NAME RUNS COMMAND...
  local name=$1 runs=$2; shift 2
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/r.json" "$@" >/dev/null 2>&1
  row "$work/r.json" "$name"
}

echo "### plugin install of a 20 MB bundle"
echo
echo "| command | median ms | mean ms | σ ms |"
echo "|---|---:|---:|---:|"
mkdir -p "$work/big"
cp "$plugin" "$work/big/"
head -c $((20 * 1024 * 1024)) /dev/urandom >"$work/big/data.bin"
"$host" plugin pack "$work/big" --key "$fpr" -o "$work/big.bundle" >/dev/null
bench "plugin install (20 MB, signed, zstd; replaces the previous install)" 20 "$host plugin install $work/big.bundle"
bench "openssl dgst -sha256 (20 MB)" 20 "openssl dgst -sha256 $work/big/data.bin"
bench "sha256sum (20 MB)" 20 "sha256sum $work/big/data.bin"
bench "zstd -d of the bundle to /dev/null" 20 "zstd -q -d -c $work/big.bundle -o /dev/null"
bench "gpg --verify of MANIFEST.json" 20 "gpg --batch --quiet --verify $HOME/.local/share/spack-ext/plugins/big/MANIFEST.json.sig $HOME/.local/share/spack-ext/plugins/big/MANIFEST.json"
"$host" plugin remove big >/dev/null

echo
echo "### plugin verify of 20 installed bundles"
echo
echo "| command | median ms | mean ms | σ ms |"
echo "|---|---:|---:|---:|"
for i in $(seq -w 1 20); do
  mkdir -p "$work/p$i" && cp "$plugin" "$work/p$i/"
  "$host" plugin pack "$work/p$i" --key "$fpr" -o "$work/p$i.bundle" >/dev/null 2>&1
  "$host" plugin install "$work/p$i.bundle" >/dev/null
done
bench "plugin verify (20 bundles, 20 plugins)" 30 "$host plugin verify"
bench "plugin verify p01 (1 bundle)" 30 "$host plugin verify p01"
bench "plugin list (for scale)" 30 "$host plugin list"

echo
echo "### start-up with and without libarchive + gpgme linked into the host"
echo
echo "| host | command | median ms | mean ms | σ ms |"
echo "|---|---|---:|---:|---:|"
# Preloading the two libraries costs what linking them would: ld.so maps
# and relocates them (and libxml2, ICU, nettle, libassuan... behind them)
# before main().
preload="$(ldconfig -p | awk '/libarchive.so.13 /{print $NF; exit}'):$(ldconfig -p | awk '/libgpgme.so.11 /{print $NF; exit}')"
for variant in host linked; do
  for c in "--version" "help"; do
    if [[ $variant == host ]]; then
      hyperfine -N --warmup 5 --runs 100 --export-json "$work/r.json" "$host $c" >/dev/null 2>&1
      row "$work/r.json" "spack-ext (bundle support dlopened) | $c"
    else
      LD_PRELOAD="$preload" hyperfine -N --warmup 5 --runs 100 --export-json "$work/r.json" "$host $c" >/dev/null 2>&1
      row "$work/r.json" "spack-ext + libarchive + gpgme loaded at start | $c"
    fi
  done
done
