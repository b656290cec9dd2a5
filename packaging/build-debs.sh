#!/usr/bin/env bash
# Builds the Debian packages (spack-ext, libspackext1, libspackext-dev) with
# CPack and checks them with lintian (no errors allowed).
#   packaging/build-debs.sh [OUT_DIR]     (default: build-deb/packages)
# Uses its own build tree (build-deb, or $SPACKEXT_DEB_BUILD_DIR) configured
# for /usr: GNUInstallDirs then installs libraries and plugins under
# lib/<multiarch>, configuration under /etc, and no RPATHs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SPACKEXT_DEB_BUILD_DIR:-$root/build-deb}"
out="${1:-$build/packages}"
. "$root/scripts/ccache-env.sh"
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${ccache_args[@]}" \
        -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_SKIP_INSTALL_RPATH=ON -DSPACKEXT_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build"
rm -rf "$out"
mkdir -p "$out"
(cd "$build" && cpack -G DEB -B "$out" >/dev/null)
rm -rf "$out/_CPack_Packages"
ls "$out"/*.deb
# Errors fail the build; warnings are printed for the record.
lintian --fail-on error "$out"/*.deb
echo "build-debs: packages in $out, lintian reports no errors"
