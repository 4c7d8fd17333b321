#!/bin/sh
# baselines.sh: `make baselines LESSON=07` (tools/run_baselines.sh runs it as baselines.sh BUILD_DIR).
# The reference's word count beside the classic ways to count words: McIlroy's shell pipeline
# (tr | sort | uniq -c | sort), awk with an associative array, and Python's collections.Counter,
# on the same seeded documents (lesson.ini's workload). Each is timed whole, as a user would run
# it, median of 5; the reference is timed in-process (median of 15). A Markdown table goes to
# stdout, with whether each tool's ten most frequent words and counts equal the reference's.
set -u
out=${1:?usage: baselines.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
drv=$out/baselines
python=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x "$drv" ] || { echo "baselines.sh: $drv is missing (make baselines LESSON=07 builds it)" >&2; exit 2; }
args=$("${GRADE:?run by make baselines}" ini "$here/lesson.ini" workload.args) || exit 2
seed=$("$GRADE" ini "$here/lesson.ini" workload.seed) || exit 2
# shellcheck disable=SC2086 # args is a list of plain flags
set -- $args --seed "$seed"
"$drv" "$@" --dump >"$tmp/corpus.txt" || exit 1
"$drv" "$@" >"$tmp/reference.txt" || exit 1
ref_ns=$(sed -n 's/^reference_ns //p' "$tmp/reference.txt")
sed 1d "$tmp/reference.txt" >"$tmp/reference.top"

# shellcheck disable=SC2018,SC2019 # ASCII letters, as the reference's words are
pipeline() { tr -cs 'A-Za-z' '\n' <"$tmp/corpus.txt" | tr 'A-Z' 'a-z' | grep -v '^$' | sort | uniq -c | sort -k1,1nr | head -n 10 | awk '{ print $1, $2 }'; }
awk_count() {
	awk -F'[^A-Za-z]+' '{ for (i = 1; i <= NF; i++) if ($i != "") n[tolower($i)]++ }
		END { for (w in n) print n[w], w }' "$tmp/corpus.txt" | sort -k1,1nr | head -n 10
}
python_counter() {
	"$python" -c 'import collections, re, sys
words = re.findall(rb"[a-z]+", open(sys.argv[1], "rb").read().lower())
for w, n in collections.Counter(words).most_common(10): print(n, w.decode())' "$tmp/corpus.txt"
}

median_ns() { # median_ns FUNCTION: the median wall time of 5 runs; the last run's output in $tmp/FUNCTION.top
	i=0
	while [ $i -lt 5 ]; do
		t0=$(date +%s%N)
		"$1" >"$tmp/$1.top"
		echo $(($(date +%s%N) - t0))
		i=$((i + 1))
	done | sort -n | sed -n 3p
}

echo "Word frequencies of lesson 07's workload ($(wc -c <"$tmp/corpus.txt") bytes, $*):"
echo
echo "| counter | time (ms) | vs reference | same top ten |"
echo "|---|---|---|---|"
printf '| reference (`solutions/07-profiling/wordstat.c`, in-process) | %.2f | 1.0x | – |\n' "$(echo "$ref_ns" | awk '{ print $1 / 1e6 }')"
for tool in pipeline awk_count python_counter; do
	ns=$(median_ns $tool)
	case $tool in
	pipeline) name='`tr -cs A-Za-z \| tr A-Z a-z \| sort \| uniq -c \| sort -rn`' ;;
	awk_count) name="\`$(basename "$(readlink -f "$(command -v awk)")")\`, one associative array" ;;
	python_counter) name="Python $("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])') \`collections.Counter\`" ;;
	esac
	same=no
	cmp -s "$tmp/$tool.top" "$tmp/reference.top" && same=yes
	printf '| %s | %.2f | %.0fx | %s |\n' "$name" "$(echo "$ns" | awk '{ print $1 / 1e6 }')" \
		"$(echo "$ns $ref_ns" | awk '{ print $1 / $2 }')" "$same"
done
echo
echo "Machine: $(nproc) CPU, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1); tools are timed as whole processes (start-up included)."
