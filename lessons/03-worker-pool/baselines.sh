#!/bin/sh
# baselines.sh: `make baselines LESSON=03` (tools/run_baselines.sh runs it as baselines.sh BUILD_DIR).
# Builds baselines/pools.c with OpenMP, GLib and libuv (their flags from pkg-config, the
# packages from lesson.ini [baselines]) and the reference pool (BUILD_DIR/reference/measure),
# then runs it: ns per task of four pools side by side in one run, as a Markdown table; then
# baselines/share.c: what two threads pay per operation to share a counter or a channel.
# WORKERS=N (default 2) and TASKS=N (default 200000) change the run; on more cores, try
# WORKERS=4, 8, 16 (the README quotes a 16-core machine).
set -u
out=${1:?usage: baselines.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ref=$out/reference/measure/pool.o
[ -f "$ref" ] || { echo "baselines.sh: $ref is missing (make baselines LESSON=03 builds it)" >&2; exit 2; }
flags=$(pkg-config --cflags --libs glib-2.0 libuv) ||
	{ echo "baselines.sh: glib-2.0 or libuv not found by pkg-config: run 'make baselines LESSON=03'" >&2; exit 2; }
# shellcheck disable=SC2086 # flags is a list of compiler flags
gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g -fopenmp \
	-I"$here" -I"$root/tools/harness" "$here/baselines/pools.c" "$ref" \
	"$here/pool_job.c" "$here/pool_token.c" "$out/../../lib/libharness.a" \
	$flags -o "$out/baselines-pools" || exit 1
gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g -I"$root/tools/harness" "$here/baselines/share.c" \
	-o "$out/baselines-share" || exit 1
"$out/baselines-pools" --workers "${WORKERS:-2}" --tasks "${TASKS:-200000}" || exit 1
exec "$out/baselines-share" --ops 2000000
