#!/usr/bin/env bash
# A private single-node Slurm cluster (munged, slurmctld, slurmd from Debian's packages) for tests and for trying
# `ttlora submit` on one machine. Everything lives in STATE_DIR: munge key and socket, slurm.conf, spool and state
# folders, logs, and one PID file per daemon. Ports are chosen free at first start and kept in slurm.conf.
#
#   scripts/local-slurm.sh start STATE_DIR   start the daemons (idempotent: running ones are kept) and wait for the node
#   scripts/local-slurm.sh stop  STATE_DIR   cancel this cluster's jobs, then stop exactly the daemons started here
#   scripts/local-slurm.sh status STATE_DIR  which daemons run; exit 1 when any is down
#   scripts/local-slurm.sh env   STATE_DIR   prints `export SLURM_CONF=...` (every client command needs it)
#
# LOCAL_SLURM_CPUS sets the CPUs the node declares (default: nproc). Needs the packages scripts/install-test-deps.sh installs.
set -euo pipefail

usage() { echo "usage: $0 start|stop|status|env STATE_DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
mkdir -p "$2"
state=$(cd "$2" && pwd)
conf="$state/slurm.conf"
socket="$state/munge/munge.socket"
daemons=(munged slurmctld slurmd)

pid_of() { # prints the PID of a daemon started here when it still runs, else nothing
  local file="$state/run/$1.pid" pid
  [ -s "$file" ] || return 0
  pid=$(cat "$file")
  # The PID must still belong to the same program: a recycled PID is not ours to signal.
  if [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "$1" ]; then echo "$pid"; fi
}

port_free() { ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

free_port_pair() { # two consecutive free TCP ports above 20000, derived from the state folder so tests differ
  local start=$(( 20000 + $(printf '%s' "$state" | cksum | cut -d' ' -f1) % 20000 )) p
  for ((p = start; p < start + 400; p += 2)); do
    if port_free "$p" && port_free $((p + 1)); then echo "$p"; return; fi
  done
  echo "no free port pair near $start" >&2; exit 1
}

write_config() {
  local ports node cpus memory user
  ports=$(free_port_pair)
  node=$(hostname -s)
  cpus=${LOCAL_SLURM_CPUS:-$(nproc)}
  memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 ))
  user=$(id -un)
  mkdir -p "$state/ctld" "$state/spool" "$state/log" "$state/run"
  cat > "$conf.tmp" <<EOF
# Private single-node cluster written by scripts/local-slurm.sh; paths and ports are this cluster's own.
ClusterName=ttlora-local
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ports
SlurmdPort=$((ports + 1))
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/run/slurmctld.daemon.pid
SlurmdPidFile=$state/run/slurmd.daemon.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
SchedulerParameters=batch_sched_delay=0
DependencyParameters=kill_invalid_depend
MinJobAge=600
MailProg=/bin/true
ReturnToService=2
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$conf.tmp" "$conf"
}

start_daemon() { # name, then the command; detached in its own session, PID recorded by us
  local name=$1; shift
  if [ -n "$(pid_of "$name")" ]; then return; fi
  setsid "$@" > "$state/log/$name.out" 2>&1 < /dev/null &
  echo $! > "$state/run/$name.pid"
}

start() {
  for program in munged mungekey slurmctld slurmd sinfo; do
    command -v "$program" > /dev/null || { echo "$program not found: run scripts/install-test-deps.sh" >&2; exit 1; }
  done
  [ -f "$conf" ] || write_config
  mkdir -p "$state/munge" "$state/log" "$state/run"
  chmod 700 "$state/munge"
  [ -f "$state/munge/munge.key" ] || mungekey --create --keyfile="$state/munge/munge.key" > /dev/null
  chmod 600 "$state/munge/munge.key"
  start_daemon munged munged --foreground --force --socket="$socket" --key-file="$state/munge/munge.key" \
    --pid-file="$state/run/munged.daemon.pid" --log-file="$state/log/munged.log" --seed-file="$state/munge/seed"
  for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.1; done
  [ -S "$socket" ] || { echo "munged did not start; see $state/log/munged.log" >&2; exit 1; }
  start_daemon slurmctld slurmctld -D -f "$conf"
  start_daemon slurmd slurmd -D -f "$conf" -N "$(hostname -s)"
  # Ready when the node accepts work.
  for _ in $(seq 300); do
    if SLURM_CONF="$conf" sinfo -h -N -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
      echo "local Slurm running in $state (SLURM_CONF=$conf)"
      return
    fi
    sleep 0.2
  done
  echo "the local Slurm node did not become idle within 60 s; logs in $state/log" >&2
  exit 1
}

stop() {
  if [ -f "$conf" ] && [ -n "$(pid_of slurmctld)" ]; then
    # Job steps outlive slurmd, so the jobs go first.
    SLURM_CONF="$conf" scancel --full --user="$(id -un)" 2>/dev/null || true
    for _ in $(seq 100); do
      [ -z "$(SLURM_CONF="$conf" squeue -h -o '%i' 2>/dev/null)" ] && break
      sleep 0.1
    done
  fi
  for name in slurmd slurmctld munged; do
    pid=$(pid_of "$name")
    [ -n "$pid" ] || { rm -f "$state/run/$name.pid"; continue; }
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
    if [ -e "/proc/$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -f "$state/run/$name.pid"
  done
  echo "local Slurm in $state stopped"
}

status() {
  local down=0
  for name in "${daemons[@]}"; do
    pid=$(pid_of "$name")
    if [ -n "$pid" ]; then echo "$name running (pid $pid)"; else echo "$name stopped"; down=1; fi
  done
  return $down
}

case $action in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) echo "export SLURM_CONF=$conf" ;;
  *) usage ;;
esac
