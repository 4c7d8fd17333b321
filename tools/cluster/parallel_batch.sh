#!/usr/bin/env bash
# parallel_batch.sh: one lesson's batch split over machines with GNU parallel over ssh, then the
# gradebooks merged.
#   tools/cluster/parallel_batch.sh LESSON SUBMISSIONS_DIR OUT_DIR HOSTS_FILE [SHARDS]
# HOSTS_FILE lists one ssh login per line (GNU parallel's --sshloginfile; "2/host" runs two
# shards there). The course, the submissions and OUT_DIR sit at the same path on every host (a
# shared filesystem); each host has run `make deps`. One seed is drawn here for all shards.
set -euo pipefail
lesson=${1:?usage: parallel_batch.sh LESSON SUBMISSIONS_DIR OUT_DIR HOSTS_FILE [SHARDS]}
submissions=$(realpath "${2:?}") out=$(realpath -m "${3:?}") hosts=${4:?}
shards=${5:-$(grep -c . "$hosts")}
cd "$(dirname "$0")/../.."
course=$PWD
mkdir -p "$out"
seed_file=$out/cluster-seed
[ -s "$seed_file" ] || echo $(( $(od -An -N4 -tu4 /dev/urandom) % 2147483646 + 1 )) >"$seed_file"
seed=$(cat "$seed_file")
make -s build/grade
seq 0 $((shards - 1)) | parallel --sshloginfile "$hosts" --jobs 1 --line-buffer --tagstring 'shard {}' \
	cd "$course" '&&' build/grade batch --lesson "$lesson" "$submissions" --out "$out/shard-{}" \
	--shard "{}/$shards" --seed "$seed" --jobs 2
build/grade batch-merge --out "$out" "$out"/shard-*
