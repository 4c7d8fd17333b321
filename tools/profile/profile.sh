#!/bin/sh
# profile.sh: what `make profile LESSON=NN [IMPL=student|reference|skeleton]` runs once the
# bench driver is built: the lesson's workload under callgrind (inclusive and self cost, callers,
# the student's source annotated line by line), massif (the peak and its allocation stacks),
# callgrind's cache simulation where the lesson scores cache misses (or CACHE=1), and
# `perf record -e cpu-clock` folded into a flame graph (tools/profile/flamegraph.awk).
# Everything lands in OUT_DIR; a summary goes to stdout.
#   tools/profile/profile.sh LESSON_DIR BENCH SRC_DIR OUT_DIR
# Environment: CACHE=1|0 forces the cache simulation on or off; PERF=0 skips perf;
# REPEAT=N perf records N runs (default 3); FOCUS=FUNCTION roots the flame graph there.
set -u
[ $# -eq 4 ] || { echo "usage: tools/profile/profile.sh LESSON_DIR BENCH SRC_DIR OUT_DIR" >&2; exit 2; }
lesson_dir=$1 bench=$2 src_dir=$3 out=$4
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tools/profile
ini=$lesson_dir/lesson.ini

args=$("$root/build/grade" ini "$ini" workload.args) || exit 2
seed=$("$root/build/grade" ini "$ini" workload.seed) || exit 2
students=$("$root/build/grade" ini "$ini" lesson.student_files) || exit 2
command -v valgrind >/dev/null || { echo "profile: valgrind is missing: run 'make deps'" >&2; exit 2; }
rm -rf "$out" && mkdir -p "$out/student" || exit 2
out=$(cd "$out" && pwd)
for f in $students; do ln -s "$(cd "$src_dir" && pwd)/$f" "$out/student/$f"; done
# shellcheck disable=SC2086 # args is a list of plain flags
set -- "$bench" $args --seed "${seed:-1}"
rule() { printf '\n== %s ==\n' "$*"; }
# Student files are compiled as "student/FILE" (tools/lesson.mk), so the debug info names
# $root/student/FILE; point those names at OUT/student/FILE, a link to the real source, and run
# callgrind_annotate in OUT, which it strips from the names it prints: "student/FILE:function".
relink() { sed "s|$root/student/|$out/student/|g" "$1" >"$2"; }
annotate() { (cd "$out" && callgrind_annotate "$@"); }
students_in_out() { for f in $students; do echo "student/$f"; done; }
# keep the lines that name a student file, without the binary's path at their end
ours() { grep -E '^ *[0-9,]+ .*student/' | grep -v -F "$out/" | sed -e 's| \[[^]]*\]$||' | head -n "${1:-15}"; }

# {=== callgrind: where the instructions go ===}
rule "callgrind: instructions inside the measured region ($*)"
valgrind --tool=callgrind --vgdb=no --instr-atstart=no --callgrind-out-file="$out/callgrind.raw" \
	"$@" >"$out/bench.stdout" 2>"$out/callgrind.log" ||
	{ echo "profile: callgrind failed; its log: $out/callgrind.log" >&2; tail -n 5 "$out/callgrind.log" >&2; exit 1; }
relink "$out/callgrind.raw" "$out/callgrind.out"
annotate --auto=no --inclusive=yes callgrind.out >"$out/callgrind-inclusive.txt"
annotate --auto=no callgrind.out >"$out/callgrind-self.txt"
annotate --auto=no --tree=caller callgrind.out >"$out/callgrind-callers.txt"
# shellcheck disable=SC2046 # one argument per student file
annotate --auto=no callgrind.out $(students_in_out) >"$out/callgrind-lines.txt"
grep -m1 'PROGRAM TOTALS' "$out/callgrind-self.txt"
echo "-- inclusive (the function and everything it calls), functions of your file(s):"
ours 12 <"$out/callgrind-inclusive.txt"
echo "-- self (the function's own instructions), functions of your file(s):"
ours 12 <"$out/callgrind-self.txt"
echo "-- the hottest functions anywhere by self cost, and who calls them (--tree=caller):"
sed -n '/file:function/,/^$/p' "$out/callgrind-self.txt" | sed -n '3,5p' | sed -e 's|^ *\([0-9,]*\) .*:\([^ ]*\) .*|\2|' |
	while read -r fn; do
		awk -v fn="$fn" '
			/^$/ { if (hit) exit; n = 0; next }
			{ line[n++] = $0 }
			$0 ~ ("\\* .*:" fn " ") { hit = 1; for (i = 0; i < n; i++) print line[i] }' \
			"$out/callgrind-callers.txt" | sed -e 's| \[[^]]*\]$||' -e 's|\./[^ ]*/||'
	done
# }===

# {=== cache simulation, where the lesson scores cache misses or CACHE=1 ===}
cache=${CACHE:-}
[ -z "$cache" ] && grep -Eq '^\[metric\.(d1_misses|ll_misses|branch_mispredicts)\]' "$ini" && cache=1
if [ "${cache:-0}" = 1 ]; then
	rule "callgrind --cache-sim=yes: D1 read misses (32 KiB D1, 8 MiB LL, as the grader pins them)"
	valgrind --tool=callgrind --vgdb=no --instr-atstart=no --cache-sim=yes --branch-sim=yes \
		--I1=32768,8,64 --D1=32768,8,64 --LL=8388608,16,64 \
		--callgrind-out-file="$out/cachesim.raw" "$@" >/dev/null 2>"$out/cachesim.log" ||
		{ echo "profile: the cache simulation failed; its log: $out/cachesim.log" >&2; exit 1; }
	relink "$out/cachesim.raw" "$out/cachesim.out"
	annotate --auto=no --show=Ir,Dr,D1mr,DLmr --sort=D1mr cachesim.out >"$out/cachesim.txt"
	# shellcheck disable=SC2046
	annotate --auto=no --show=Ir,Dr,D1mr --sort=D1mr cachesim.out $(students_in_out) >"$out/cachesim-lines.txt"
	grep -m1 'PROGRAM TOTALS' "$out/cachesim.txt"
	echo "-- functions of your file(s) by D1 read misses (Dr: data reads; a miss per read is a bad sign):"
	ours 10 <"$out/cachesim.txt"
fi
# }===

# {=== massif: the peak heap and who allocated it ===}
rule "massif --time-unit=B: the heap over the whole run (x axis: bytes allocated + freed)"
valgrind --tool=massif --vgdb=no --time-unit=B --massif-out-file="$out/massif.raw" "$@" \
	>/dev/null 2>"$out/massif.log" ||
	{ echo "profile: massif failed; its log: $out/massif.log" >&2; exit 1; }
relink "$out/massif.raw" "$out/massif.out"
ms_print "$out/massif.out" >"$out/massif.txt"
peak=$(sed -n 's/^ Detailed snapshots: .*[[ ]\([0-9]*\) (peak).*/\1/p' "$out/massif.txt")
echo "-- the peak (snapshot $peak) and its allocation stacks (ms_print):"
awk -v peak="$peak" '
	$1 == peak && $2 ~ /^[0-9,]+$/ { row = 1; print hdr; print; next }
	/^  n +time\(B\)/ { hdr = $0 }
	row && /^[0-9.]+% \(/ { tree = 1 }
	tree && /^--------------------/ { exit }
	tree { print }' "$out/massif.txt" | head -n 30
# }===

# {=== perf: cpu-clock samples of whole runs, as a flame graph ===}
rule "perf record -e cpu-clock: where the time goes (natively, whole process, ${REPEAT:-3} runs)"
if [ "${PERF:-1}" = 0 ]; then
	echo "perf: skipped (PERF=0)"
else
	if ! command -v perf >/dev/null 2>&1; then
		echo "perf: not installed; installing it: tools/deps.sh packages linux-perf"
		"$root/tools/deps.sh" packages linux-perf >&2 || true
	fi
	if ! command -v perf >/dev/null 2>&1; then
		echo "perf: skipped: the 'perf' command is missing (Debian: linux-perf, Ubuntu: linux-tools-generic)"
	elif ! perf record -q -e cpu-clock -o "$out/perf.probe" true >/dev/null 2>"$out/perf.log"; then
		echo "perf: skipped: 'perf record' is not allowed here (kernel.perf_event_paranoid is $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo unknown)): see $out/perf.log"
	else
		: >"$out/perf-script.txt"
		i=0
		while [ $i -lt "${REPEAT:-3}" ]; do
			i=$((i + 1))
			# DWARF unwinding: the course builds without frame pointers (-O2 -g)
			perf record -q -e cpu-clock -F 10000 --call-graph dwarf -o "$out/perf.data" "$@" \
				>/dev/null 2>>"$out/perf.log" || { echo "perf: record failed: see $out/perf.log"; break; }
			perf script -i "$out/perf.data" 2>>"$out/perf.log" >>"$out/perf-script.txt"
		done
		awk -f "$here/fold.awk" -v focus="${FOCUS:-}" "$out/perf-script.txt" | LC_ALL=C sort >"$out/folded.txt"
		awk -f "$here/flamegraph.awk" -v title="$(basename "$lesson_dir") $(basename "$(dirname "$bench")")${FOCUS:+ from $FOCUS}: cpu-clock" \
			"$out/folded.txt" >"$out/flamegraph.svg"
		echo "-- leaf functions by samples (self time):"
		awk '{ n = split($1, f, ";"); s[f[n]] += $NF; t += $NF } END { for (k in s) printf "%7d %5.1f%%  %s\n", s[k], 100 * s[k] / t, k }' \
			"$out/folded.txt" | sort -rn | head -n 8
		echo "flame graph: $out/flamegraph.svg (open it in a browser; hover a box for its share)"
		[ -z "${FOCUS:-}" ] && echo "FOCUS=FUNCTION (the function bench.c calls in its region) leaves out input generation"
	fi
fi
# }===

rule "files in $out"
echo "callgrind-inclusive.txt callgrind-self.txt callgrind-callers.txt callgrind-lines.txt (your source, line by line)"
[ "${cache:-0}" = 1 ] && echo "cachesim.txt cachesim-lines.txt (D1 misses per function and per line)"
echo "massif.txt (ms_print: the graph and every detailed snapshot)"
[ -f "$out/flamegraph.svg" ] && echo "flamegraph.svg folded.txt perf-script.txt"
echo "kcachegrind or qcachegrind open callgrind.out and cachesim.out too, where installed"
exit 0
