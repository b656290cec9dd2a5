# Sourced by scripts/demo.sh: a Spack-made buildcache on a file:// mirror
# (../shared fixtures): list, stats, trust its published key, verify, and copy
# it to a mirror of our own with a fresh index.
cache="$root/../shared/fixtures/spack/buildcache-v3-signed"
if [[ -d "$cache" ]]; then
  export GNUPGHOME="$work/gnupg"
  mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
  step buildcache add-mirror fixture "file://$cache" --fetch-only
  step buildcache list fixture
  step buildcache stats fixture
  step buildcache keys trust --from-mirror fixture
  step buildcache verify fixture
  step buildcache add-mirror local "file://$work/mirror"
  step buildcache sync fixture local --jobs 2
  step buildcache verify local
  step buildcache list-mirrors
  # gpgme started an agent for this private keyring; stop it (this home only).
  gpgconf --kill gpg-agent 2>/dev/null || true
  unset GNUPGHOME
fi
