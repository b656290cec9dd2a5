#!/bin/sh
# Starts a private single-node Slurm (slurmctld + slurmd, and a munged of its
# own on a private socket) inside DIR, bound to 127.0.0.1 on the given ports.
#   start.sh DIR CTLD_PORT SLURMD_PORT
# Prints "SLURM_CONF=DIR/slurm.conf" when the node is idle. Stop with stop.sh DIR.
# Needs root (SlurmUser=root) and the Debian packages slurm-wlm and munge.
# Without munged (or with SPACKEXT_SLURM_AUTH=none) it uses auth/none.
set -eu
DIR=$1 CTLD_PORT=$2 SLURMD_PORT=$3
mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log"
CPUS=$(nproc)
MEM=$(awk '/MemTotal/ {print int($2 / 1024 / 2)}' /proc/meminfo)

AUTH=${SPACKEXT_SLURM_AUTH:-munge}
if [ "$AUTH" = munge ] && [ -x /usr/sbin/munged ] && [ -r /etc/munge/munge.key ]; then
  # A munged of our own on a private socket: no clash with a machine-wide
  # one (services.md: only one munged may own /run/munge).
  mkdir -p "$DIR/munge"
  chmod 700 "$DIR/munge"
  cp /etc/munge/munge.key "$DIR/munge/key"
  chmod 600 "$DIR/munge/key"
  /usr/sbin/munged --force --socket="$DIR/munge/socket" --key-file="$DIR/munge/key" \
    --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/seed"
  AUTH_LINES="AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/socket"
else
  AUTH_LINES="AuthType=auth/none
CredType=cred/none"
fi

cat > "$DIR/slurm.conf" <<CONF
ClusterName=spackext
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
$AUTH_LINES
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
SchedulerType=sched/backfill
SchedulerParameters=defer_batch=0,sched_interval=1
DependencyParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MinJobAge=300
KillWait=2
InactiveLimit=0
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF="$DIR/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N localhost
i=0
until [ "$(sinfo -h -o %T 2>/dev/null)" = idle ]; do
  i=$((i + 1))
  if [ $i -gt 300 ]; then
    echo "slurm did not become idle; logs in $DIR/log" >&2
    exit 1
  fi
  sleep 0.1
done
echo "SLURM_CONF=$SLURM_CONF"
