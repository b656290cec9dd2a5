# Sourced by the benchmarks that need an OCI registry (docker-registry from
# Debian, scripts/deps/mirrors.txt): writes its configuration for a folder
# and a loopback port, with deletes allowed (prune) and no upload purging
# (a benchmark's uploads must not vanish under it).
#   write_registry_config DIR PORT     -> DIR/config.yml, data in DIR/data
write_registry_config() {
  mkdir -p "$1/data"
  cat >"$1/config.yml" <<YAML
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $1/data}
  delete: {enabled: true}
  maintenance: {uploadpurging: {enabled: false}}
http:
  addr: 127.0.0.1:$2
  secret: bench-only-not-secret
YAML
}
