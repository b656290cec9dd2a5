#!/usr/bin/env bash
# The container tests lint generated Dockerfiles with dockerfilelint (npm).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if ! command -v npm >/dev/null; then
  echo "test-setup: npm is missing; installing Debian's npm"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm
fi
sh "$root/tests/services/dockerfilelint/install.sh" >/dev/null
echo "test-setup: dockerfilelint ready"
