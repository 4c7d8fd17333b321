#!/bin/sh
# trace_check.sh: checks a trace written by tools/harness/trace.c and summarises it: valid
# JSON, every begin closed by an end of the same name on the same thread, and per thread the
# spans and busy time (outermost spans whose name has no "wait"); at most 12 rows are shown. Exit 0 when the trace is well formed, 1 when not, 2 for usage.
#   tools/profile/trace_check.sh TRACE.json
set -eu
[ $# -eq 1 ] || { echo "usage: tools/profile/trace_check.sh TRACE.json" >&2; exit 2; }
command -v jq >/dev/null || { echo "trace_check: jq is missing: run 'make deps'" >&2; exit 2; }
[ -s "$1" ] && jq -e '.traceEvents | type == "array"' "$1" >/dev/null || { echo "trace_check: '$1' is not a trace" >&2; exit 1; }
jq -r '
  (.traceEvents | map(select(.ph == "M")) | map({key: (.tid | tostring), value: .args.name}) | from_entries) as $names
  | .traceEvents | map(select(.ph == "B" or .ph == "E")) | group_by(.tid)[]
  | . as $ev
  | reduce $ev[] as $e ({stack: [], spans: 0, busy: 0, bad: 0};
      if $e.ph == "B" then .stack += [$e]
      elif (.stack | length) == 0 or .stack[-1].name != $e.name then .bad += 1
      else .spans += 1 | (if (.stack | length) == 1 and (.stack[-1].name | test("wait") | not)
                          then .busy += ($e.ts - .stack[-1].ts) else . end)
           | .stack = .stack[:-1] end)
  | "\($ev[0].tid)\t\($names[$ev[0].tid | tostring] // "?")\t\(.spans)\t\(.busy | floor)\t\(.bad + (.stack | length))"
' "$1" | awk -F'\t' '
  BEGIN { printf "%-8s %-16s %7s %12s\n", "tid", "thread", "spans", "busy (us)" }
  NR <= 12 { printf "%-8s %-16s %7d %12d\n", $1, $2, $3, $4 }
  { bad += $5; spans += $3; busy += $4 }
  END { if (NR > 12) printf "... %d more threads\n", NR - 12
        printf "%d threads, %d spans, %d us busy in all\n", NR, spans, busy
        if (bad) { printf "trace_check: %d unmatched begin or end events\n", bad; exit 1 }
        print "trace_check: every span is closed; open the file in https://ui.perfetto.dev" }'
