#!/usr/bin/env bash
# The `ci generate` tests check generated pipelines with real tools from npm
# (gitlab-ci-local, action-validator, Argo's models); see
# tests/services/ci-tools/install.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if ! command -v npm >/dev/null; then
  echo "test-setup: npm is missing; installing Debian's npm"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm
fi
sh "$root/tests/services/ci-tools/install.sh" >/dev/null
echo "test-setup: CI tools ready"
