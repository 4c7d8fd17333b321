#!/bin/sh
# baselines.sh: `make baselines LESSON=08` (tools/run_baselines.sh runs it as baselines.sh BUILD_DIR).
# 1. Recorded samples (live timing on a 2-core machine is too noisy to test): every scenario
#    of baselines/ through the reference harness's statistics (BUILD_DIR/baselines compare, linked
#    with the reference benchmark.c) and through Google Benchmark's compare.py (its U test,
#    scipy's mannwhitneyu); a Markdown table of both verdicts.
# 2. One live A/B: the reference harness timing two variants of a workload in-process, next to
#    hyperfine timing the same two as commands; a Markdown table of both.
# The packages (libbenchmark-tools, python3-scipy, hyperfine) come from lesson.ini [baselines].
# shellcheck disable=SC2046 # $(...) is split into set -- on purpose: the words of one line
set -u
out=${1:?usage: baselines.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
drv=$out/baselines
compare_py=/usr/share/benchmark/compare.py
python=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for need in "$drv" "$compare_py" "$python"; do
	[ -e "$need" ] || { echo "baselines.sh: $need is missing (make baselines LESSON=08 builds and installs it)" >&2; exit 2; }
done
command -v hyperfine >/dev/null || { echo "baselines.sh: hyperfine is missing" >&2; exit 2; }

# {=== 1. recorded samples: the reference harness against compare.py ===}
echo "Recorded samples (baselines/*.json, 20 repetitions a side; verdict: p < 0.05):"
echo
echo "| scenario | harness: median change | harness: p | harness: verdict | compare.py: median change | compare.py: p | compare.py: verdict | agree |"
echo "|---|---|---|---|---|---|---|---|"
all_agree=yes
for old in "$here"/baselines/*.old.json; do
	name=$(basename "$old" .old.json)
	new=$here/baselines/$name.new.json
	set -- $("$drv" compare "$old" "$new" | head -n 1)
	h_change=$1 h_p=$2 h_verdict=$3
	"$python" "$compare_py" --dump_to_json "$tmp/$name.json" benchmarks "$old" "$new" >/dev/null || exit 1
	set -- $("$python" -c '
import json, sys
d = [x for x in json.load(open(sys.argv[1])) if x.get("utest")][0]
p = d["utest"]["time_pvalue"]
# the change compare.py prints on the BENCHMARK_median row
med = json.load(open(sys.argv[1]))
ch = 100 * [x for x in med if x.get("aggregate_name") == "median"][0]["measurements"][0]["time"]
print("%+.2f %.4g %s" % (ch, p, "different" if p < 0.05 else "same"))' "$tmp/$name.json")
	c_change=$1 c_p=$2 c_verdict=$3
	agree=yes
	[ "$h_verdict" = "$c_verdict" ] || { agree=no; all_agree=no; }
	echo "| $name | $h_change% | $h_p | $h_verdict | $c_change% | $c_p | $c_verdict | $agree |"
done
echo
echo "Every verdict agrees: $all_agree"
echo

# {=== 2. one live A/B: the reference harness beside hyperfine ===}
samples=20
"$drv" live "$samples" >"$tmp/live.txt" || exit 1
hyperfine -N --warmup 5 --runs 40 --style none --export-json "$tmp/hf.json" \
	"$drv run A" "$drv run B" >/dev/null 2>&1 || { echo "baselines.sh: hyperfine failed" >&2; exit 1; }
# hyperfine's process times through the reference's U test too, as recorded JSON files
"$python" -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for side, res in zip(("A", "B"), r):
    doc = {"benchmarks": [{"name": "run", "run_type": "iteration", "real_time": t * 1e9,
                           "cpu_time": t * 1e9, "time_unit": "ns"} for t in res["times"]]}
    json.dump(doc, open(sys.argv[2] + "/hf_" + side + ".json", "w"))
    print(side, "%.3f %.3f %.3f %.3f %d" % (res["mean"] * 1e3, res["stddev"] * 1e3,
          res["median"] * 1e3, res["min"] * 1e3, len(res["times"])))' "$tmp/hf.json" "$tmp" >"$tmp/hf.txt" || exit 1
set -- $("$drv" compare "$tmp/hf_A.json" "$tmp/hf_B.json" | head -n 1)
hf_change=$1 hf_p=$2 hf_verdict=$3
echo "Live A/B: a chain of dependent multiply-adds, A 4,000,000 steps, B 4,400,000 (a planted +10%):"
echo
echo "| variant | harness: median ms/op (95% CI) | harness: MAD ms | hyperfine: mean ± σ ms | hyperfine: median ms | hyperfine: min ms |"
echo "|---|---|---|---|---|---|"
for v in A B; do
	set -- $(grep "^$v " "$tmp/live.txt")
	h_med=$2 h_lo=$3 h_hi=$4 h_mad=$5 h_iters=$6
	set -- $(grep "^$v " "$tmp/hf.txt")
	echo "| $v | $h_med ($h_lo–$h_hi; $samples samples of $h_iters runs) | $h_mad | $2 ± $3 | $4 | $5 ($6 processes) |"
done
echo
echo "B against A: the harness: \`$(tail -n 1 "$tmp/live.txt")\`; hyperfine's process times, medians and the same U test: $hf_change% (p=$hf_p, $hf_verdict)"
