# Sourced by scripts/demo.sh: a small stack deployed on the local executor
# (state in SQLite), its status, and capacity planning on the 516-node stack.
mkdir -p "$work/stack"
cat > "$work/stack/deploy.yaml" <<'YAML'
deployment:
  name: demo-stack
matrix:
  compilers: [gcc@13, clang@17]
  mpis: [openmpi@5, mpich@4]
  apps: [hpl, lammps]
stages:
  - name: compilers
    matrix: [compilers]
    run: ["echo building {compiler}; sleep 0.1"]
  - name: mpi
    depends: [compilers]
    matrix: [compilers, mpis]
    run: ["echo building {mpi} with {compiler}; sleep 0.1"]
  - name: apps
    depends: [mpi]
    matrix: [compilers, mpis, apps]
    run: ["echo building {app} with {compiler} and {mpi}; sleep 0.1"]
YAML
step deploy run --config "$work/stack/deploy.yaml" --dry-run
step deploy run --config "$work/stack/deploy.yaml" --jobs 4
step deploy list
stack="$root/../shared/fixtures/deploy/stack-516.json"
if [[ -f "$stack" ]]; then
  step deploy plan --graph "$stack" --workers 16
  step deploy plan --graph "$stack" --workers 64 --tiered
fi
