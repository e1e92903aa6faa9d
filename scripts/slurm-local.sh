#!/usr/bin/env bash
# A private one-node SLURM cluster for xxbench's tests and benchmark: no systemd, nothing written
# outside RUNDIR (config, state, spool, logs, pid files), daemons stopped by their pids.
#
#   scripts/slurm-local.sh start RUNDIR   -> starts slurmctld + slurmd, prints `export SLURM_CONF=...`
#   scripts/slurm-local.sh stop RUNDIR    -> cancels leftover jobs, SIGTERMs the daemons by pid file
#   scripts/slurm-local.sh status RUNDIR
#
# Needs root and Debian's `slurm-wlm` (apt-get install -y slurm-wlm; .ci/run installs it).
# Environment:
#   SLURM_AUTH=none|munge   none (default): auth/none + cred/none, no munged at all
#   SLURM_CPUS=N            CPUs the node declares (default: nproc). More than nproc is allowed
#                           (config_overrides); sweep cells are CPU-bound, so keep it at nproc
#                           when timing them.
#   SLURMCTLD_PORT, SLURMD_PORT   default 6817, 6818; two clusters on one machine need others
#   SLURM_SCHED_PARAMS      SchedulerParameters (default batch_sched_delay=0,sched_min_interval=0,
#                           sched_interval=1; set it empty for SLURM's own defaults)
#   SLURM_EXTRA_CONF        extra slurm.conf lines, appended last
set -euo pipefail
# Debian puts the daemons in /usr/sbin, which a non-login PATH may lack.
export PATH=$PATH:/usr/sbin:/sbin
cmd=${1:-}
RUN=${2:-}
if [ -z "$cmd" ] || [ -z "$RUN" ]; then echo "usage: $0 start|stop|status RUNDIR" >&2; exit 2; fi
RUN=$(cd "$(dirname "$RUN")" && pwd)/$(basename "$RUN")
AUTH=${SLURM_AUTH:-none}
HOST=$(hostname -s)
NCPU=${SLURM_CPUS:-$(nproc)}
SCHED=${SLURM_SCHED_PARAMS-batch_sched_delay=0,sched_min_interval=0,sched_interval=1}
MEM_MB=$(( $(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024 - 1024 ))
export SLURM_CONF=$RUN/slurm.conf

pid_of() { if [ -s "$1" ]; then cat "$1"; fi; }

# PID 1 on these VMs reaps orphans late: a killed daemon stays a zombie for seconds, so `kill -0`
# is no test of life; the state field of /proc/PID/stat is.
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

wait_gone() { # pid, seconds; SIGKILL if it outlives them
  local p=$1 n=$(( $2 * 20 ))
  while alive "$p" && [ $n -gt 0 ]; do sleep 0.05; n=$((n-1)); done
  if alive "$p"; then kill -KILL "$p" 2>/dev/null || true; fi
}

start() {
  mkdir -p "$RUN"/{state,spool,log}
  if [ "$AUTH" = munge ]; then
    mkdir -p "$RUN/munge"
    AUTHLINES="AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$RUN/munge/munge.socket"
  else
    AUTHLINES="AuthType=auth/none
CredType=cred/none"
  fi
  # SchedulerParameters: by default slurmctld starts batch jobs on a ~3 s cadence (batch
  # scheduling delay plus the main loop's interval); a sweep of short cells would spend most of
  # its time waiting for it. The default here starts a task as soon as a CPU is free.
  if [ -n "$SCHED" ]; then SCHEDLINE="SchedulerParameters=$SCHED"; else SCHEDLINE="# SchedulerParameters: SLURM's defaults"; fi
  cat > "$RUN/slurm.conf" <<CONF
ClusterName=xxbench
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=${SLURMCTLD_PORT:-6817}
SlurmdPort=${SLURMD_PORT:-6818}
$AUTHLINES
StateSaveLocation=$RUN/state
SlurmdSpoolDir=$RUN/spool
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$RUN/log/slurmctld.log
SlurmdLogFile=$RUN/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SwitchType=switch/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
$SCHEDLINE
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$RUN/log/jobcomp.txt
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$NCPU RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
  if [ "$NCPU" -gt "$(nproc)" ]; then echo "SlurmdParameters=config_overrides" >> "$RUN/slurm.conf"; fi
  if [ -n "${SLURM_EXTRA_CONF:-}" ]; then printf '%s\n' "$SLURM_EXTRA_CONF" >> "$RUN/slurm.conf"; fi
  # slurmd reads cgroup.conf even with proctrack/linuxproc; keep it inert.
  printf 'CgroupPlugin=autodetect\nIgnoreSystemd=yes\n' > "$RUN/cgroup.conf"

  if [ "$AUTH" = munge ]; then
    if [ ! -s "$RUN/munge/munge.key" ]; then dd if=/dev/urandom of="$RUN/munge/munge.key" bs=1 count=1024 status=none; fi
    chmod 700 "$RUN/munge"; chmod 400 "$RUN/munge/munge.key"
    # --force: munged otherwise refuses a socket directory that is not o+x.
    munged --force --key-file="$RUN/munge/munge.key" --socket="$RUN/munge/munge.socket" \
      --pid-file="$RUN/munge/munged.pid" --log-file="$RUN/munge/munged.log" --seed-file="$RUN/munge/munged.seed"
  fi
  # Both daemonize and write their pid files; stdin closed so a caller's pipe is not held open.
  # A daemon that fails to start (a bad SLURM_EXTRA_CONF line) must not leave the other running.
  slurmctld -f "$SLURM_CONF" </dev/null || { stop; exit 1; }
  slurmd -f "$SLURM_CONF" </dev/null || { stop; exit 1; }
  local t=0
  until sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^idle'; do
    sleep 0.1; t=$((t+1))
    if [ $t -gt 300 ]; then
      echo "slurm-local: the node did not become idle in 30 s; logs in $RUN/log" >&2
      tail -n 20 "$RUN"/log/*.log >&2 || true
      stop
      exit 1
    fi
  done
  echo "export SLURM_CONF=$SLURM_CONF"
}

stop() {
  local pd pc pm
  # Jobs left in this private cluster would be killed with slurmd anyway; cancelling them first
  # lets slurmd end their processes itself.
  if [ -s "$RUN/slurmctld.pid" ]; then scancel --full --quiet -u "$(id -un)" 2>/dev/null || true; fi
  pd=$(pid_of "$RUN/slurmd.pid"); pc=$(pid_of "$RUN/slurmctld.pid")
  # SIGTERM to the pid files: ~0.1 s (`scontrol shutdown` works too, but slurmctld then takes ~2 s).
  if [ -n "$pd" ]; then kill -TERM "$pd" 2>/dev/null || true; fi
  if [ -n "$pc" ]; then kill -TERM "$pc" 2>/dev/null || true; fi
  if [ -n "$pd" ]; then wait_gone "$pd" 10; fi
  if [ -n "$pc" ]; then wait_gone "$pc" 10; fi
  pm=$(pid_of "$RUN/munge/munged.pid")
  if [ -n "$pm" ]; then kill -TERM "$pm" 2>/dev/null || true; wait_gone "$pm" 5; fi
  rm -f "$RUN/slurmd.pid" "$RUN/slurmctld.pid" "$RUN/munge/munged.pid"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) sinfo; squeue ;;
  *) echo "usage: $0 start|stop|status RUNDIR" >&2; exit 2 ;;
esac
