#!/usr/bin/env bash
# test_cluster.sh: `make test-cluster`: the cluster recipes of README "For instructors" run for
# real on this machine (minutes; not part of make test). A class of 40 lesson-01 submissions is
# graded three ways with one seed, and each gradebook must match the first row for row, status
# for status and score for score (wall-time columns and reasons excepted: see comparable):
#   1. build/grade batch on this machine alone: the gradebook to match;
#   2. a single-node Slurm (tools/cluster/local_cluster.sh) running
#      `sbatch --array=0-3 tools/cluster/slurm_batch.sh`, one task killed halfway: batch-merge
#      must name exactly the students that task did not grade; the task resubmitted alone must
#      grade only those (the reports written before the kill untouched), and the merge is whole;
#      then the array again, none killed, to time each shard;
#   3. tools/cluster/parallel_batch.sh, 2 shards, over ssh to localhost (an sshd with keys made
#      here).
# Everything it starts is stopped, and its folders removed, on any exit. Where Slurm cannot start
# it says why and what `make doctor` finds. It ends with what it measured: the output's bytes per
# submission and each shard's grading time with 1, 2 and 4 shards (README, "A cluster").
# usage: tools/cluster/test_cluster.sh    exit 0 when every step passed
set -u
cd "$(dirname "$0")/../.." || exit 2
. tools/cluster/local_cluster.sh

T=$PWD/build/test/cluster
SUBS=$T/subs LESSON=01 SHARDS=4 KILLED=1
RUN=$(mktemp -d /tmp/course-cluster.XXXXXX) && chmod 755 "$RUN" || exit 2
failed=0 passed=0
declare -a SUMMARY=()

teardown() {
	cluster_slurm_down "$RUN/slurm"
	cluster_ssh_down "$RUN"
	rm -rf "$RUN"
}
trap teardown EXIT
trap 'exit 130' INT TERM

step() { echo; echo "=== $*"; }
pass() { passed=$((passed + 1)); SUMMARY+=("PASS  $1"); echo "PASS: $1"; }
fail() { failed=$((failed + 1)); SUMMARY+=("FAIL  $1"); echo "FAIL: $1"; }
finish() {
	echo
	echo "=== make test-cluster: summary"
	printf '%s\n' "${SUMMARY[@]}"
	echo "$passed passed, $failed failed"
	[ $failed -eq 0 ]
	exit
}

# {=== the class ===}

# make_class DIR: 40 submissions of lesson 01 as a class hands them in: the reference, the
# partial solution, the course's steps, the skeleton, the two variants of solutions/, and the
# broken ones of grader/tests/submissions/01; each with a line of its own (no two files alike),
# every fifth a .tar.gz and every seventh a .zip.
make_class() {
	local dir=$1 sol=solutions/01-zero-allocation bad=grader/tests/submissions/01 v i=0 src name
	local -a class=()
	rm -rf "$dir" "$T/variants" && mkdir -p "$dir" "$T/variants" "$T/archive" || return 1
	for v in "$sol"/cheats/*.patch; do
		tools/variant.sh "$v" "$T/variants" >/dev/null || return 1
	done
	class+=("$sol/logfmt.c:6" "$sol/partial.c:8" "$sol/steps/1-builder.c:4" "$sol/steps/3-typed.c:4"
		"$sol/skeleton/logfmt.c:3" "$T/variants/fixed-line-reserve.c:2"
		"$T/variants/shared-static-buffer.c:2" "$bad/compile_error.c:2" "$bad/crash.c:2"
		"$bad/wrong.c:2" "$bad/calls_system.c:1" "$bad/static_table.c:1"
		"$bad/redefines_strcmp.c:1" "$bad/inline_asm.c:1" "$bad/hang.c:1")
	for v in "${class[@]}"; do
		src=${v%:*}
		for _ in $(seq "${v##*:}"); do
			i=$((i + 1))
			name=$(printf 'student-%02d' $i)
			rm -rf "$T/archive/$name" && mkdir -p "$T/archive/$name" &&
				{ cat "$src"; printf '/* %s */\n' "$name"; } >"$T/archive/$name/logfmt.c" || return 1
			if [ $((i % 5)) -eq 0 ]; then
				tar -czf "$dir/$name.tar.gz" -C "$T/archive" "$name" || return 1
			elif [ $((i % 7)) -eq 0 ]; then
				(cd "$T/archive" && zip -qr "$dir/$name.zip" "$name") || return 1
			else
				cp -r "$T/archive/$name" "$dir/" || return 1
			fi
		done
	done
	[ $i -eq 40 ] || { echo "the class has $i submissions, not 40"; return 1; }
}

# The students of shard I of N, as grade batch cuts them (sorted by name, every N-th).
shard_students() {
	find "$SUBS" -mindepth 1 -maxdepth 1 -printf '%f\n' | sed 's/\.tar\.gz$//; s/\.zip$//' | LC_ALL=C sort | awk -v i="$1" -v n="$2" '(NR - 1) % n == i'
}

# }===

# {=== gradebooks ===}

# comparable GRADEBOOK: its rows as tab-separated fields, sorted, with RFC 4180 quoting undone,
# without the wall-time columns (measured on a busy machine: reported, never scored in lesson 01)
# and without the reason: it names the first test to fail in the order the tests finish, which
# changes from run to run (a crash may fail any test first), and may print a heap address, which
# address randomisation changes. Student, status, score, tests passed and every metric stay.
comparable() {
	tr -d '\r' <"$1" | awk '
	function split_csv(line, f,   n, i, c, q, cur) {
		n = 0; cur = ""; q = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (q) {
				if (c == "\"") {
					if (substr(line, i + 1, 1) == "\"") { cur = cur c; i++ } else q = 0
				} else cur = cur c
			} else if (c == "\"") q = 1
			else if (c == ",") { f[++n] = cur; cur = "" }
			else cur = cur c
		}
		f[++n] = cur
		return n
	}
	{
		n = split_csv($0, f)
		if (NR == 1) for (i = 1; i <= n; i++) skip[i] = f[i] ~ /^wall/ || f[i] == "reason"
		out = ""
		for (i = 1; i <= n; i++) if (!skip[i]) out = out (out == "" ? "" : "\t") f[i]
		print out
	}' | { IFS= read -r header; echo "$header"; LC_ALL=C sort; }
}

# same_gradebook WHAT GRADEBOOK: the same rows and scores as the single machine's
same_gradebook() {
	local rows
	rows=$(($(wc -l <"$2") - 1))
	if [ $rows -ne 40 ]; then
		fail "$1: 40 rows (got $rows)"
	elif diff <(comparable "$T/single/gradebook.csv") <(comparable "$2") >"$T/diff.txt"; then
		pass "$1: the single machine's 40 rows, statuses and scores (wall time and reasons excepted)"
	else
		fail "$1: not the single machine's gradebook (wall time and reasons excepted)"
		head -n 20 "$T/diff.txt"
	fi
}

# }===

# {=== Slurm ===}

# wait_job JOB: until no task of JOB is pending or running
wait_job() {
	while [ -n "$(squeue -h -j "$1" 2>/dev/null)" ]; do sleep 2; done
}

task_state() { scontrol -o show job "$1_$2" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }

reports_of() { find "$1/reports" -maxdepth 1 -name '*.json' 2>/dev/null | wc -l; }

# slurm_array OUT SHARDS: grades the class as a job array of SHARDS tasks; prints the job id
slurm_array() {
	mkdir -p "$1/logs" &&
		sbatch --parsable --array=0-$(($2 - 1)) -o "$1/logs/slurm-%A_%a.out" \
			tools/cluster/slurm_batch.sh "$LESSON" "$SUBS" "$1" "$SEED"
}

slurm_with_a_killed_task() {
	local out=$T/slurm job share k rc missing expected
	rm -rf "$out" && mkdir -p "$out"
	job=$(slurm_array "$out" $SHARDS) || { fail "sbatch accepts the array"; return 1; }
	echo "job $job: tasks 0-$((SHARDS - 1)); task $KILLED is killed halfway"
	share=$(shard_students $KILLED $SHARDS | wc -l)
	# halfway: once the task has written half of its share's reports
	while k=$(reports_of "$out/shard-$KILLED") && [ "$k" -lt $((share / 2)) ]; do
		[ -n "$(squeue -h -j "${job}_$KILLED" 2>/dev/null)" ] || break
		sleep 0.3
	done
	scancel "${job}_$KILLED"
	sleep 3
	k=$(reports_of "$out/shard-$KILLED")
	echo "task $KILLED cancelled with $k of its $share reports written"
	if [ "$k" -gt 0 ] && [ "$k" -lt "$share" ]; then
		pass "slurm: task $KILLED killed halfway ($k of $share graded)"
	else
		fail "slurm: task $KILLED killed halfway (it had $k of $share when cancelled)"
	fi
	if pgrep -f -- "$out/shard-$KILLED(/| |$)" >/dev/null; then
		fail "slurm: nothing of the cancelled task left running"
		pgrep -af -- "$out/shard-$KILLED(/| |$)"
	else
		pass "slurm: nothing of the cancelled task left running"
	fi
	(cd "$out/shard-$KILLED/reports" && sha256sum ./*.json) >"$T/before-rerun.sha256"
	wait_job "$job"
	for k in $(seq 0 $((SHARDS - 1))); do echo "task $k: $(task_state "$job" "$k")"; done
	[ "$(task_state "$job" "$KILLED")" = CANCELLED ] &&
		[ "$(for k in $(seq 0 $((SHARDS - 1))); do [ "$k" = "$KILLED" ] || task_state "$job" "$k"; done | sort -u)" = COMPLETED ] &&
		pass "slurm: the other tasks completed" || fail "slurm: the other tasks completed"

	build/grade batch-merge --out "$out/merged" "$out"/shard-* 2>"$T/merge-killed.err"
	rc=$?
	cat "$T/merge-killed.err"
	missing=$(sed -n "s/^grade batch-merge: missing: '\(.*\)' of shard $KILLED\/$SHARDS ('.*shard-$KILLED')$/\1/p" \
		"$T/merge-killed.err" | sort)
	expected=$(comm -23 <(shard_students "$KILLED" "$SHARDS" | sort) \
		<(find "$out/shard-$KILLED/reports" -maxdepth 1 -name '*.json' -printf '%f\n' |
			sed 's/\.json$//' | sort))
	if [ $rc -eq 1 ] && [ -n "$missing" ] && [ "$missing" = "$expected" ] &&
		[ "$(grep -c ',missing,' "$out/merged/gradebook.csv")" -eq "$(echo "$expected" | wc -l)" ]; then
		pass "batch-merge: exit 1 naming the $(echo "$missing" | wc -l) students task $KILLED did not grade, and their shard"
	else
		fail "batch-merge: exit 1 naming exactly the students task $KILLED did not grade (exit $rc)"
		echo "want: $expected"
	fi

	echo "resubmitting task $KILLED alone"
	job=$(sbatch --parsable --array=$KILLED -o "$out/logs/slurm-%A_%a.out" \
		tools/cluster/slurm_batch.sh "$LESSON" "$SUBS" "$out" "$SEED" $SHARDS) &&
		wait_job "$job"
	cat "$out/logs/slurm-${job}_$KILLED.out"
	k=$(grep -c '^grade batch: [0-9]*/[0-9]* .*([0-9]* s)$' "$out/logs/slurm-${job}_$KILLED.out")
	if [ "$(task_state "$job" $KILLED)" = COMPLETED ] &&
		grep -q "$share submissions ($(wc -l <"$T/before-rerun.sha256") already graded)" \
			"$out/logs/slurm-${job}_$KILLED.out" &&
		[ "$k" -eq "$(echo "$expected" | wc -l)" ] &&
		(cd "$out/shard-$KILLED/reports" && sha256sum --quiet -c "$T/before-rerun.sha256"); then
		pass "slurm: the rerun graded only the $k missing; the reports written before the kill are untouched"
	else
		fail "slurm: the rerun graded only the missing ($k graded), the earlier reports untouched"
	fi
	rm -rf "$out/merged"
	if build/grade batch-merge --out "$out/merged" "$out"/shard-*; then
		pass "batch-merge after the rerun: exit 0, nobody missing"
	else
		fail "batch-merge after the rerun: exit 0, nobody missing"
	fi
	same_gradebook "slurm, 4 shards" "$out/merged/gradebook.csv"
}

# }===

# {=== measurements ===}

# shard_seconds DIR: how long the shard in DIR took, from its batch.ini (written before the
# reference is measured) to its gradebook's last write
shard_seconds() {
	local created
	created=$(sed -n 's/^created = //p' "$1/batch.ini") &&
		echo $(($(stat -c %Y "$1/gradebook.csv") - $(date -d "$created" +%s)))
}

# scale_row NAME SHARD_DIR...: one row of the table: each shard's seconds, their sum (one node
# grading them one after another) and their largest (as many nodes as shards)
scale_row() {
	local name=$1 s sum=0 max=0 all=""
	shift
	for d in "$@"; do
		s=$(shard_seconds "$d") || return 1
		all="$all${all:+, }$s"
		sum=$((sum + s))
		[ "$s" -gt "$max" ] && max=$s
	done
	echo "| $name | $# | $all | $sum | $max |"
}

# }===

step "the tools"
for cmd in slurmctld slurmd munged mungekey sbatch squeue scancel sinfo parallel sshd ssh ssh-keygen jq; do
	command -v "$cmd" >/dev/null 2>&1 || absent="${absent:-} $cmd"
done
if [ -n "${absent:-}" ]; then
	fail "the cluster's tools are installed (missing:$absent; install them: tools/deps.sh cluster)"
	tools/student/doctor.sh --cluster
	finish
fi
pass "slurmctld, slurmd, munged, sbatch, GNU parallel and sshd are installed"
make -s build/grade || { fail "build/grade builds"; finish; }

step "the class: 40 submissions of lesson $LESSON"
make_class "$SUBS" && pass "40 submissions made (folders, .tar.gz, .zip)" || { fail "the class"; finish; }
SEED=$(($(od -An -N4 -tu4 /dev/urandom) % 2147483646 + 1))
echo "seed $SEED"

step "1. one machine: build/grade batch --jobs 2"
SINGLE_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s)
rm -rf "$T/single"
build/grade batch --lesson $LESSON "$SUBS" --out "$T/single" --seed "$SEED" --jobs 2 --quiet \
	2>"$T/single.err"
rc=$?
SINGLE_SECONDS=$(($(date +%s) - start))
tail -n 3 "$T/single.err"
[ $rc -eq 0 ] && pass "one machine: 40 graded in $SINGLE_SECONDS s (load before: $SINGLE_LOAD)" ||
	{ fail "one machine: build/grade batch exits 0 (got $rc)"; finish; }
SINGLE_BYTES=$(du -sb "$T/single" | cut -f1)
echo "the output folder holds $SINGLE_BYTES bytes: $((SINGLE_BYTES / 40)) per submission"
du -sb "$T/single"/{reports,logs,work,sandbox} 2>/dev/null

step "2. Slurm: sbatch --array=0-$((SHARDS - 1)) tools/cluster/slurm_batch.sh"
if cluster_slurm_up "$RUN/slurm" >"$T/slurm-up.txt" 2>&1; then
	pass "a single-node Slurm started (slurmctld, slurmd, munged; proctrack/linuxproc, task/none)"
	slurm_with_a_killed_task
	step "2b. Slurm again, $SHARDS shards, none killed: the time of each shard"
	rm -rf "$T/slurm-timed" && mkdir -p "$T/slurm-timed"
	job=$(slurm_array "$T/slurm-timed" $SHARDS) && wait_job "$job" &&
		build/grade batch-merge --out "$T/slurm-timed/merged" "$T/slurm-timed"/shard-* &&
		same_gradebook "slurm, $SHARDS shards, none killed" "$T/slurm-timed/merged/gradebook.csv" ||
		fail "slurm, $SHARDS shards, none killed: every task graded and merged"
else
	cat "$T/slurm-up.txt"
	fail "a single-node Slurm started"
	echo "what make doctor finds:"
	SLURM_CONF=$RUN/slurm/slurm.conf tools/student/doctor.sh --cluster
fi

step "3. GNU parallel over ssh: tools/cluster/parallel_batch.sh"
if cluster_ssh_up "$RUN" >"$T/ssh-up.txt" 2>&1; then
	pass "an sshd on 127.0.0.1 with a key made by the test"
	rm -rf "$T/parallel" && mkdir -p "$T/parallel" && echo "$SEED" >"$T/parallel/cluster-seed"
	echo 2/course-node >"$RUN/hosts"
	if PARALLEL_SSH="ssh -F $RUN/ssh/ssh_config" \
		tools/cluster/parallel_batch.sh $LESSON "$SUBS" "$T/parallel" "$RUN/hosts" 2 \
		>"$T/parallel.out" 2>&1; then
		tail -n 2 "$T/parallel.out"
		pass "parallel_batch.sh: 2 shards over ssh and the merge exit 0"
		same_gradebook "GNU parallel, 2 shards" "$T/parallel/gradebook.csv"
	else
		tail -n 20 "$T/parallel.out"
		fail "parallel_batch.sh: 2 shards over ssh and the merge exit 0"
	fi
else
	cat "$T/ssh-up.txt"
	fail "an sshd on 127.0.0.1 with a key made by the test"
fi

step "measurements: seconds per shard ($(nproc) cores, load average now $(cut -d' ' -f1-3 /proc/loadavg))"
echo "the output folder of one machine: $((SINGLE_BYTES / 40)) bytes per submission"
echo "| run | shards | seconds per shard | sum: one node | largest: a node per shard |"
echo "|---|---|---|---|---|"
scale_row "one machine, --jobs 2" "$T/single"
[ -f "$T/parallel/shard-1/gradebook.csv" ] && scale_row "GNU parallel" "$T/parallel"/shard-*
[ -f "$T/slurm-timed/merged/gradebook.csv" ] && scale_row "Slurm array" "$T/slurm-timed"/shard-*
finish
