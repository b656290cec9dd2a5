# Sourced by the build scripts (with $root set): compiles go through ccache
# when it is installed, keyed on paths relative to the checkout, so a second
# build tree of the same sources (build-deb for the Debian packages) reuses
# the first tree's objects instead of compiling everything again.
ccache_args=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
  ccache_args=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
