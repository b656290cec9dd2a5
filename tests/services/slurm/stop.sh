#!/bin/sh
# Stops what start.sh DIR started, by the PIDs it recorded (never by name).
DIR=$1
for f in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" "$DIR/munge/munged.pid"; do
  [ -f "$f" ] || continue
  p=$(cat "$f")
  [ -n "$p" ] || continue
  kill "$p" 2>/dev/null || continue
  i=0
  while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  kill -9 "$p" 2>/dev/null || true
done
