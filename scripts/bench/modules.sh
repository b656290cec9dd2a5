#!/usr/bin/env bash
# Whole-process timing of `spack-ext modules generate` (and of a refresh that
# changes nothing) for a 466-spec stack: 3 compilers x 3 MPIs x 50
# applications plus one library per compiler, the shape of
# shared/fixtures/deploy/stack-516.json, as a Spack 1.x lockfile with every
# prefix present. Spack's side of the comparison (`spack module lmod refresh`)
# needs these specs installed in a Spack instance; the script prints the
# command to time there.
#
#   scripts/bench/modules.sh [build-dir]     (default: build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
cmake --build "$build" --target spack-ext modules modules-lmod modules-tcl >/dev/null
. "$root/scripts/bench/isolated-home.sh"

# The stack: Spack v6 lockfile, specfile-v5 nodes, default install layout.
python3 - "$work" <<'PY'
import hashlib, json, os, sys
work = sys.argv[1]
def h(key):
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    d = hashlib.sha1(key.encode()).digest()
    n = int.from_bytes(d, "big")
    return "".join(alphabet[(n >> (5 * i)) & 31] for i in range(32))
def node(name, version, target="x86_64_v3"):
    return {"name": name, "version": version,
            "arch": {"platform": "linux", "platform_os": "debian12", "target": target},
            "namespace": "builtin", "parameters": {"build_system": "generic"},
            "dependencies": [], "hash": h(name + version)}
def edge(to, types, virtuals):
    return {"name": to["name"], "hash": to["hash"], "parameters": {"deptypes": types, "virtuals": virtuals}}
specs, roots = {}, []
def add(n, root=True):
    specs[n["hash"]] = n
    if root: roots.append({"hash": n["hash"], "spec": n["name"]})
    return n
gcc = node("gcc", "12.2.0", "x86_64"); gcc["external"] = {"path": "/usr", "module": None,
      "extra_attributes": {"compilers": {"c": "/usr/bin/gcc", "cxx": "/usr/bin/g++"}}}
add(gcc, False)
for cname, cver in [("gcc", "14.2.0"), ("aocc", "5.0.0"), ("intel-oneapi-compilers", "2025.0.0")]:
    c = node(cname, cver); c["hash"] = h(cname + cver); c["dependencies"].append(edge(gcc, ["build"], ["c", "cxx"])); add(c)
    z = node("zlib", "1.3.1"); z["hash"] = h("zlib" + cname); z["dependencies"].append(edge(c, ["build"], ["c"])); add(z)
    for mname, mver in [("openmpi", "5.0.5"), ("mpich", "4.2.3"), ("mvapich2", "2.3.7")]:
        m = node(mname, mver); m["hash"] = h(mname + cname); m["dependencies"].append(edge(c, ["build"], ["c", "cxx"])); add(m)
        for i in range(50):
            a = node("app%d" % i, "1.0"); a["hash"] = h("app%d" % i + mname + cname)
            a["dependencies"] += [edge(c, ["build"], ["c"]), edge(m, ["build", "link"], ["mpi"]), edge(z, ["build", "link"], [])]
            add(a)
lock = {"_meta": {"file-type": "spack-lockfile", "lockfile-version": 6, "specfile-version": 5},
        "spack": {"version": "1.1.0", "type": "release"}, "roots": roots, "concrete_specs": specs}
json.dump(lock, open(os.path.join(work, "spack.lock"), "w"))
for n in specs.values():
    if "external" in n: continue
    p = os.path.join(work, "opt/spack", "linux-x86_64_v3", "%s-%s-%s" % (n["name"], n["version"], n["hash"]))
    os.makedirs(os.path.join(p, "bin")); os.makedirs(os.path.join(p, "lib/pkgconfig"))
print("specs:", len(specs), file=sys.stderr)
PY
cat > "$work/modules.yaml" <<'YAML'
modules:
  default:
    lmod:
      core_compilers: ['gcc@12.2.0']
      hierarchy: [mpi]
      all:
        environment:
          set:
            '{name}_ROOT': '{prefix}'
YAML
args=(modules generate --from "$work/spack.lock" --install-root "$work/opt/spack" --config "$work/modules.yaml")
run() { local start end; start=$(date +%s%N); "$@" >/dev/null; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
echo "| run | wall ms (5 runs, median) |"
echo "|---|---:|"
for system in lmod tcl; do
  times=()
  for i in 1 2 3 4 5; do
    rm -rf "$work/out-$system"
    times+=("$(run "$host" "${args[@]}" --system "$system" --root "$work/out-$system")")
  done
  echo "| generate $system | $(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p) |"
done
times=()
for i in 1 2 3 4 5; do
  times+=("$(run "$host" modules refresh "${args[@]:2}" --system lmod --root "$work/out-lmod")")
done
echo "| refresh lmod, nothing changed | $(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p) |"
echo "Spack's side: with these specs installed in a Spack 1.1 instance, compare" >&2
echo "  time spack module lmod refresh -y   vs   time spack-ext modules generate --from \$SPACK_ROOT/opt/spack ..." >&2
