#!/bin/sh
# baselines.sh: `make baselines LESSON=02` (tools/run_baselines.sh runs it as baselines.sh BUILD_DIR).
# 1. The skeleton's bench under glibc's malloc, jemalloc, mimalloc and tcmalloc (LD_PRELOAD),
#    then the reference's: the region's time, and the time to build and free every tree again
#    with nothing else (bench --phases: calc_build and calc_release alone, timed as one block),
#    median of RUNS runs each.
# 2. Building and freeing the same trees without parsing (BUILD_DIR/baselines tree): one malloc
#    per node and the skeleton's layout under each allocator, the reference's pool and arena.
# 3. read() with buffers of 64 bytes to the whole file, against mmap (BUILD_DIR/baselines read).
# The allocators come from lesson.ini [baselines] packages. Wall times: a shared machine is noisy.
# shellcheck disable=SC2086 # $args is a list of plain flags
set -u
out=${1:?usage: baselines.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
ini=$here/lesson.ini
args=$("${GRADE:?run by make baselines}" ini "$ini" workload.args) || exit 2
seed=$("$GRADE" ini "$ini" workload.seed) || exit 2
requests=$(echo $args | sed -n 's/.*--requests \([0-9]*\).*/\1/p')
RUNS=${RUNS:-7}
lib=/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
for need in "$out/skeleton/bench" "$out/reference/bench" "$out/baselines" "$lib/libjemalloc.so.2" \
	"$lib/libmimalloc.so.2.0" "$lib/libtcmalloc_minimal.so.4"; do
	[ -e "$need" ] || { echo "baselines.sh: $need is missing (make build/lessons/02/skeleton/all baselines LESSON=02 builds and installs it)" >&2; exit 2; }
done

# allocator NAME -> the library to preload ("" for glibc)
preload() {
	case $1 in
	glibc) echo "" ;;
	jemalloc) echo "$lib/libjemalloc.so.2" ;;
	mimalloc) echo "$lib/libmimalloc.so.2.0" ;;
	tcmalloc) echo "$lib/libtcmalloc_minimal.so.4" ;;
	esac
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# bench_times BENCH ALLOCATOR: "region_ms build_free_ms checksum", medians of RUNS runs
bench_times() {
	pre=$(preload "$2")
	tmp=$(mktemp)
	i=0
	while [ $i -lt "$RUNS" ]; do
		LD_PRELOAD=$pre "$1" $args --seed "$seed" --phases >>"$tmp" || { rm -f "$tmp"; return 1; }
		i=$((i + 1))
	done
	r=$(awk '/^region_ns/ { print $2 / 1e6 }' "$tmp" | median)
	b=$(awk '/^build_free_ns/ { print $2 / 1e6 }' "$tmp" | median)
	c=$(awk '/^checksum/ { print $2 }' "$tmp" | sort -u | tr '\n' ' ')
	rm -f "$tmp"
	echo "$r $b $c"
}

echo "1. The whole bench ($args, seed $seed), median of $RUNS runs each:"
echo
echo "| program | allocator | region ms | build + free ms | build + free, x the reference's |"
echo "|---|---|---|---|---|"
times=$(bench_times "$out/reference/bench" glibc) || { echo "baselines.sh: the reference's bench failed" >&2; exit 1; }
set -- $times
ref_region=$1 ref_bf=$2 ref_sum=$3
for a in glibc jemalloc mimalloc tcmalloc; do
	times=$(bench_times "$out/skeleton/bench" $a) || { echo "baselines.sh: the skeleton's bench failed under $a" >&2; exit 1; }
	set -- $times
	[ "$3" = "$ref_sum" ] || echo "baselines.sh: the skeleton under $a printed checksum $3, want $ref_sum" >&2
	echo "| skeleton | $a | $1 | $2 | $(awk -v s="$2" -v r="$ref_bf" 'BEGIN { printf "%.1f", s / r }') |"
done
echo "| reference | glibc (3 calls) | $ref_region | $ref_bf | 1.0 |"
echo

echo "2. Building and freeing the same $requests trees without parsing, ns per node (median of 7):"
echo
echo "| how | glibc | jemalloc | mimalloc | tcmalloc |"
echo "|---|---|---|---|---|"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for a in glibc jemalloc mimalloc tcmalloc; do
	LD_PRELOAD=$(preload $a) "$out/baselines" tree "$requests" "$seed" >"$tmp/$a" || exit 1
done
row() { # row WAY LABEL
	printf '| %s |' "$2"
	for a in glibc jemalloc mimalloc tcmalloc; do
		printf ' %s |' "$(awk -v w="$1" '$1 == w { print $2 }' "$tmp/$a")"
	done
	echo
}
row malloc "one \`malloc\` and one \`free\` per node"
row skeleton "the skeleton's layout: \`calloc\` per node, operands grown by \`realloc\`"
row pool "the reference's pool (\`pool_get\`, \`pool_put\`)"
row arena "the reference's arena (\`arena_alloc\`, one \`arena_reset\` per tree)"
echo
echo "(the pool and arena rows call malloc only for their blocks, so the allocator barely matters)"
echo

echo "3. Reading the request file (a memfd: in memory, like a file in the page cache):"
echo
"$out/baselines" read "$requests" "$seed"
