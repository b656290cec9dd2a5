# Sourced by scripts/demo.sh: CPU detection and compiler flags.
step optimize detect
shared="$root/../shared/fixtures/cpuinfo"
if [[ -d "$shared" ]]; then
  step optimize detect --cpuinfo "$shared/linux-rhel9-neoverse_n2"
fi
step optimize recommend --compiler gcc@13.2 --arch zen4
step optimize generate --arch zen4 --compiler gcc@13.2 --output "$work/packages.yaml"
cat "$work/packages.yaml"
