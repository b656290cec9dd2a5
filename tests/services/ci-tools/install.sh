#!/bin/sh
# Installs the real CI tools the `ci generate` tests check generated
# pipelines with, into the project-owned tools folder (SPACKEXT_TOOLS_DIR,
# default ~/.cache/spack-ext/test-tools); installed ones are kept.
#   gitlab-ci-local 4.73.0    runs .gitlab-ci.yml with the shell executor
#                             (4.74+ needs Node 22: Set.prototype.union)
#   @action-validator/cli     checks GitHub workflows
#   @kubernetes-models/argo-workflows + js-yaml   Argo's schema, from Node
#   npm-groovy-lint 14.6.0    lints Jenkinsfiles offline with CodeNarc, on
#                             Debian's default-jre-headless (node >= 18; run
#                             with --noserver: one JVM per call, no daemon)
# Tests look for them at the same place and skip, naming this script, when absent.
set -eu
DIR="${SPACKEXT_TOOLS_DIR:-$HOME/.cache/spack-ext/test-tools}"
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || npm init -y >/dev/null
want=""
[ -x node_modules/.bin/gitlab-ci-local ] || want="$want gitlab-ci-local@4.73.0"
[ -x node_modules/.bin/action-validator ] || want="$want @action-validator/cli@0.6.0"
[ -d node_modules/@kubernetes-models/argo-workflows ] || want="$want @kubernetes-models/argo-workflows@2.0.0"
[ -d node_modules/js-yaml ] || want="$want js-yaml@4.1.0"
[ -x node_modules/.bin/npm-groovy-lint ] || want="$want npm-groovy-lint@14.6.0"
# shellcheck disable=SC2086
[ -z "$want" ] || npm install --no-audit --no-fund $want
echo "$DIR"
