# shellcheck shell=bash
# local_cluster.sh: sourced by test_cluster.sh: a real single-node Slurm (slurmctld, slurmd and
# munged from the distribution's packages) and an sshd for GNU parallel, both on this machine,
# each with a configuration, keys, state and logs of its own in one folder that the caller
# removes, nothing in /etc, and stopped by the process ids they were started with.
#
# Slurm runs without systemd or cgroups (containers, CI): processes tracked by parent
# (proctrack/linuxproc), no task binding (task/none), no accounting; the daemons run in the
# foreground (-D) as root, on ports of their own, so a cluster already on the machine is
# untouched. SLURM_CONF, exported by cluster_slurm_up, points sbatch and squeue at it.

# cluster_free_port [TAKEN...]: a TCP port nobody listens on, from 20000 up, by chance, and none
# of TAKEN (ports chosen but not yet bound).
cluster_free_port() {
	local port tries=0
	RANDOM=$BASHPID # a $(...) would otherwise draw what the last one drew
	while [ $tries -lt 50 ]; do
		port=$((20000 + RANDOM % 20000))
		tries=$((tries + 1))
		[[ " $* " == *" $port "* ]] && continue
		ss -Hltn "sport = :$port" 2>/dev/null | grep -q . || { echo "$port"; return 0; }
	done
	return 1
}

# cluster_start DIR NAME COMMAND...: runs COMMAND in the background, its output in
# DIR/NAME.out, its process id in DIR/NAME.pid.
cluster_start() {
	local dir=$1 name=$2
	shift 2
	"$@" >"$dir/$name.out" 2>&1 &
	echo $! >"$dir/$name.pid"
}

# cluster_stop DIR NAME: stops what cluster_start started as NAME (TERM, then KILL after 10 s).
cluster_stop() {
	local pid tries=0
	pid=$(cat "$1/$2.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || { rm -f "$1/$2.pid"; return 0; }
	while kill -0 "$pid" 2>/dev/null && [ $tries -lt 20 ]; do
		sleep 0.5
		tries=$((tries + 1))
	done
	kill -9 "$pid" 2>/dev/null
	rm -f "$1/$2.pid"
}

# cluster_slurm_up DIR: munged, slurmctld and slurmd with DIR's configuration; returns 0 once
# the node takes jobs, else 1 after saying which daemon did not start (its log's last lines).
cluster_slurm_up() {
	local dir=$1 mem ctld_port slurmd_port tries=0 state=
	mkdir -p "$dir/munge" "$dir/state" "$dir/spool/localhost" "$dir/log" || return 1
	# munged wants its key private and every folder above its socket traversable by all
	chmod 755 "$dir" "$dir/munge" || return 1
	mungekey --create --keyfile="$dir/munge/munge.key" >"$dir/log/mungekey.out" 2>&1 ||
		{ cat "$dir/log/mungekey.out"; echo "cluster: mungekey could not make a key"; return 1; }
	cluster_start "$dir" munged munged --foreground --socket="$dir/munge/socket" \
		--key-file="$dir/munge/munge.key" --log-file="$dir/log/munged.log" \
		--pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/seed"
	while ! munge -S "$dir/munge/socket" -n 2>/dev/null | unmunge -S "$dir/munge/socket" >/dev/null 2>&1; do
		tries=$((tries + 1))
		[ $tries -lt 20 ] && kill -0 "$(cat "$dir/munged.pid")" 2>/dev/null && { sleep 0.5; continue; }
		echo "cluster: munged did not start:"
		tail -n 5 "$dir/munged.out" "$dir/log/munged.log" 2>/dev/null
		return 1
	done
	mem=$(awk '/^MemTotal/ { print int($2 / 1024) - 512 }' /proc/meminfo)
	ctld_port=$(cluster_free_port) && slurmd_port=$(cluster_free_port "$ctld_port") || return 1
	cat >"$dir/slurm.conf" <<EOF
# slurm.conf: a single-node cluster made by tools/cluster/local_cluster.sh for make test-cluster
ClusterName=coursetest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.daemon.pid
SlurmdPidFile=$dir/slurmd.daemon.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=3600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=grade Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
	export SLURM_CONF=$dir/slurm.conf
	cluster_start "$dir" slurmctld slurmctld -D -f "$SLURM_CONF"
	cluster_start "$dir" slurmd slurmd -D -f "$SLURM_CONF" -N localhost
	for tries in $(seq 60); do
		state=$(sinfo -h -N -o %T 2>/dev/null)
		[ "$state" = idle ] && return 0
		kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null &&
			kill -0 "$(cat "$dir/slurmd.pid")" 2>/dev/null || break
		sleep 0.5
	done
	echo "cluster: the Slurm node is not taking jobs (state: ${state:-no answer from slurmctld}):"
	tail -n 5 "$dir/slurmctld.out" "$dir/slurmd.out" 2>/dev/null
	return 1
}

# cluster_slurm_down DIR: cancels every job of DIR's cluster and stops its daemons.
cluster_slurm_down() {
	local dir=$1
	if [ -f "$dir/slurmctld.pid" ] && [ -n "${SLURM_CONF:-}" ]; then
		scancel --quiet --full --user=root 2>/dev/null
		sleep 1
	fi
	cluster_stop "$dir" slurmd
	cluster_stop "$dir" slurmctld
	cluster_stop "$dir" munged
}

# cluster_ssh_up DIR: an sshd on 127.0.0.1 with a host key and one client key made here, and
# DIR/ssh_config naming it "course-node"; `ssh -F DIR/ssh_config course-node` logs in.
cluster_ssh_up() {
	local dir=$1/ssh port tries=0
	mkdir -p "$dir" && chmod 700 "$dir" || return 1
	port=$(cluster_free_port) || return 1
	ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key" -C course-test-host &&
		ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key" -C course-test-client &&
		cp "$dir/client_key.pub" "$dir/authorized_keys" || return 1
	cat >"$dir/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/sshd.daemon.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AcceptEnv LANG LC_*
EOF
	cat >"$dir/ssh_config" <<EOF
Host course-node
	HostName 127.0.0.1
	Port $port
	User $(id -un)
	IdentityFile $dir/client_key
	IdentitiesOnly yes
	BatchMode yes
	StrictHostKeyChecking no
	UserKnownHostsFile /dev/null
	LogLevel ERROR
EOF
	# sshd's privilege separation folder, made only when missing (and removed by cluster_ssh_down)
	[ -d /run/sshd ] || { mkdir -p /run/sshd && chmod 755 /run/sshd && touch "$dir/made-run-sshd"; }
	cluster_start "$dir" sshd "$(command -v sshd)" -D -e -f "$dir/sshd_config"
	while ! ssh -F "$dir/ssh_config" course-node true 2>"$dir/ssh.err"; do
		tries=$((tries + 1))
		[ $tries -lt 20 ] && kill -0 "$(cat "$dir/sshd.pid")" 2>/dev/null && { sleep 0.5; continue; }
		echo "cluster: cannot log in over ssh to 127.0.0.1:$port:"
		tail -n 5 "$dir/ssh.err" "$dir/sshd.out"
		return 1
	done
}

cluster_ssh_down() {
	local dir=$1/ssh
	cluster_stop "$dir" sshd
	[ -f "$dir/made-run-sshd" ] && rmdir /run/sshd 2>/dev/null
	return 0
}
