#!/bin/sh
# baselines.sh: `make baselines LESSON=06` (tools/run_baselines.sh runs it as baselines.sh BUILD_DIR).
# 1. Pacing: the reference's pacer on the course's heap beside Boehm GC with several
#    GC_free_space_divisor settings, same request stream, median of 5 runs each.
# 2. malloc: the reference cache, with and without its idle call, then the bench's 8 MiB batch
#    job, under glibc, jemalloc and mimalloc (LD_PRELOAD): peak RSS, minor faults, time.
# Packages (libgc-dev, libjemalloc2, libmimalloc2.0) come from lesson.ini [baselines].
set -u
out=${1:?usage: baselines.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
drv=$out/baselines
[ -x "$drv" ] || { echo "baselines.sh: $drv is missing (make baselines LESSON=06 builds it)" >&2; exit 2; }
args=$("${GRADE:?run by make baselines}" ini "$here/lesson.ini" workload.args) || exit 2
seed=$("$GRADE" ini "$here/lesson.ini" workload.seed) || exit 2
lib=/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)

echo "Pacing, $args --seed $seed (median of 5 runs; times are wall-clock ms on this machine):"
echo
echo "| heap and pacing | collections | heap | total ms | GC ms | GC share of time | same answers |"
echo "|---|---|---|---|---|---|---|"
# shellcheck disable=SC2086 # args is a list of plain flags
"$drv" $args --seed "$seed" --course || exit 1
for d in 1 2 3 4 8; do
	# shellcheck disable=SC2086
	BOEHM_DIVISOR=$d "$drv" $args --seed "$seed" --boehm || exit 1
done

echo
echo "malloc, the same stream, then the batch job's 8 MiB (one process per row):"
echo
echo "| malloc | at the idle call | peak RSS | minor faults | ms | mallinfo2 at the end |"
echo "|---|---|---|---|---|---|"
for preload in "" "$lib/libjemalloc.so.2" "$lib/libmimalloc.so.2"; do
	[ -z "$preload" ] || [ -e "$preload" ] || { echo "baselines.sh: $preload is missing" >&2; exit 2; }
	for idle in --skip-idle ""; do
		# shellcheck disable=SC2086
		LD_PRELOAD=$preload "$drv" $args --seed "$seed" $idle || exit 1
	done
done
# each allocator's own way of giving freed pages back at once (malloc_trim is glibc's)
# shellcheck disable=SC2086
MALLOC_CONF=dirty_decay_ms:0,muzzy_decay_ms:0 LD_PRELOAD=$lib/libjemalloc.so.2 "$drv" $args --seed "$seed" || exit 1
# shellcheck disable=SC2086
MIMALLOC_RESET_DELAY=0 LD_PRELOAD=$lib/libmimalloc.so.2 "$drv" $args --seed "$seed" || exit 1
