# shellcheck shell=bash
# doctor_cluster.sh: sourced by doctor.sh: what an instructor grading on a cluster needs
# (README, "A cluster"): Slurm's commands and daemons, munge, GNU parallel and ssh. Only notes and
# warnings: a student's machine needs none of it. `doctor.sh --cluster` runs this part alone
# (make test-cluster does, where Slurm cannot start).

cluster_has() { command -v "$1" >/dev/null 2>&1; }

# The value of KEY in the slurm.conf in force ($SLURM_CONF or /etc/slurm/slurm.conf), or "".
cluster_conf() {
	local conf=${SLURM_CONF:-/etc/slurm/slurm.conf}
	[ -r "$conf" ] || return 0
	sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\([^[:space:]#]*\).*/\1/Ip" "$conf" | tail -n 1
}

check_cluster() {
	local missing="" cmd conf=${SLURM_CONF:-/etc/slurm/slurm.conf} proctrack task
	for cmd in sbatch squeue slurmctld slurmd munged parallel ssh sshd; do
		cluster_has "$cmd" || missing="$missing $cmd"
	done
	if ! cluster_has sbatch && ! cluster_has parallel; then
		note "cluster: no Slurm and no GNU parallel here (only to grade a class on several machines)" \
			"to grade on a cluster or test it here (make test-cluster): tools/deps.sh cluster"
		return
	fi
	if [ -n "$missing" ]; then
		warn "cluster: missing:$missing" \
			"tools/deps.sh cluster (Debian: slurmctld slurmd slurm-client munge parallel openssh-server)"
	else
		ok "cluster: $(slurmd -V 2>/dev/null || echo Slurm), munge, GNU parallel and ssh are installed"
	fi
	cluster_has sbatch || return
	if [ ! -r "$conf" ]; then
		note "cluster: no slurm.conf at $conf: sbatch has no cluster to submit to" \
			"on a cluster its admins provide it; make test-cluster writes one of its own in a temporary folder"
		return
	fi
	local socket
	socket=$(cluster_conf AuthInfo | sed -n 's/.*socket=\([^,]*\).*/\1/p')
	socket=${socket:-/run/munge/munge.socket.2}
	if [ ! -S "$socket" ]; then
		warn "cluster: munged is not running (no socket $socket): Slurm's daemons cannot authenticate" \
			"start munged (as the munge user, with /etc/munge/munge.key, the same key on every node); every folder above its socket must be traversable by all (chmod o+x)"
	elif ! munge -S "$socket" -n 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1; then
		warn "cluster: munged at $socket does not answer" "restart munged and read its log (/var/log/munge/munged.log)"
	fi
	proctrack=$(cluster_conf ProctrackType) task=$(cluster_conf TaskPlugin)
	if [ "$proctrack" = proctrack/cgroup ] || [[ "$task" == *task/cgroup* ]]; then
		if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" != cgroup2fs ] ||
			[ "$(ps -p 1 -o comm= 2>/dev/null)" != systemd ]; then
			warn "cluster: $conf uses cgroups ($proctrack $task), and this machine has no cgroup v2 under systemd (slurmd will not start)" \
				"in a container: ProctrackType=proctrack/linuxproc and TaskPlugin=task/none (what make test-cluster uses)"
		fi
	fi
	if scontrol ping >"${work:?set by doctor.sh}/ping" 2>&1 && grep -q UP "$work/ping"; then
		ok "cluster: slurmctld answers ($(grep -o 'Slurmctld([^)]*) at [^ ]* is UP' "$work/ping" | head -n 1))"
	else
		warn "cluster: slurmctld does not answer: $(head -n 1 "$work/ping")" \
			"start slurmctld and slurmd (systemctl start slurmctld slurmd; without systemd: slurmctld -D & slurmd -D &) and read their logs"
	fi
}
