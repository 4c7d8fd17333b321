#!/bin/sh
# selftest.sh: checks the course's profiling tools on recorded input, no perf or Valgrind run:
# fold.awk against the folded stacks it gave when tests/perf-script.txt was recorded (a real
# `perf script` of lesson 07's skeleton, 15 samples), its focus= option, flamegraph.awk's SVG
# (well formed, one box per frame, the root's sample count), and, given the demo binary, a
# trace from tools/harness/trace.c through trace_check.sh. Prints one line per check; exit 0
# when all pass, 1 when one fails.
#   tools/profile/selftest.sh [build/profile/trace_demo]
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
check() { # check NAME COMMAND...: run it, say PASS or FAIL
	name=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		echo "PASS  $name"
	else
		echo "FAIL  $name"
		sed 's/^/      | /' "$tmp/out" | tail -n 10
		failed=1
	fi
}

fold_matches() {
	awk -f "$here/fold.awk" "$here/tests/perf-script.txt" | LC_ALL=C sort >"$tmp/folded" &&
		diff -u "$here/tests/folded.expected" "$tmp/folded"
}
focus_roots_there() {
	awk -f "$here/fold.awk" -v focus=wordstat_analyze "$here/tests/perf-script.txt" >"$tmp/focus" &&
		awk '$1 !~ /^wordstat_analyze(;|$)/ { print "not rooted: " $0; bad = 1 } { n += $NF }
			END { if (n != 12) { print "samples " n ", want 12"; bad = 1 } exit bad }' "$tmp/focus"
}
kernel_frames_dropped() {
	awk -f "$here/fold.awk" -v kernel=0 "$here/tests/perf-script.txt" | grep '_\[k\]' && return 1
	return 0
}
svg_is_sound() {
	LC_ALL=C sort "$here/tests/folded.expected" | awk -f "$here/flamegraph.awk" -v title='t <&> "q"' >"$tmp/fg.svg" || return 1
	if command -v xmllint >/dev/null; then xmllint --noout "$tmp/fg.svg" || return 1; fi
	grep -q '<title>all (15 samples, 100.00%)</title>' "$tmp/fg.svg" || { echo "no root box of 15 samples"; return 1; }
	grep -q '<title>table_find (' "$tmp/fg.svg" || { echo "no box for table_find"; return 1; }
	grep -q 't &lt;&amp;&gt; &quot;q&quot;' "$tmp/fg.svg" || { echo "title not escaped"; return 1; }
	! grep -q '<script' "$tmp/fg.svg" || { echo "the SVG must not need a script"; return 1; }
}
trace_is_sound() {
	"$1" "$tmp/trace.json" && "$here/trace_check.sh" "$tmp/trace.json" &&
		jq -e '[.traceEvents[] | select(.ph == "B" and (.name | test("^task ")))] | length == 64' "$tmp/trace.json"
}

check fold.awk-matches-the-recorded-stacks fold_matches
check fold.awk-focus-roots-the-stacks-there focus_roots_there
check fold.awk-kernel=0-drops-kernel-frames kernel_frames_dropped
check flamegraph.awk-writes-a-sound-svg svg_is_sound
if [ $# -ge 1 ] && [ -x "$1" ]; then
	check trace.c-writes-a-trace-of-64-tasks trace_is_sound "$1"
fi
exit $failed
