#!/usr/bin/env bash
# slurm_batch.sh: one lesson's batch split over a Slurm cluster, one array task per shard.
#   sbatch --array=0-7 tools/cluster/slurm_batch.sh LESSON SUBMISSIONS_DIR OUT_DIR SEED [SHARDS]
# Every task grades submissions I, I+8, I+16, ... into OUT_DIR/shard-I with the same SEED (a
# batch keeps one seed: draw it once, e.g. `od -An -N4 -tu4 /dev/urandom`); the course, the
# submissions and OUT_DIR must be on a filesystem every node sees. When every task is done:
#   build/grade batch-merge --out OUT_DIR OUT_DIR/shard-*
# It names every student a task did not grade (killed, node lost; exit 1). Rerun that task
# alone, giving the number of shards (an array of one task would make it 1):
#   sbatch --array=2 tools/cluster/slurm_batch.sh LESSON SUBMISSIONS_DIR OUT_DIR SEED 8
# A rerun resumes the shard: only what is missing is graded. Each node needs the course's
# dependencies and grading users (make deps) and bubblewrap working (README: For instructors).
#SBATCH --job-name=grade-batch
#SBATCH --cpus-per-task=2
#SBATCH --mem=8G
#SBATCH --time=02:00:00
set -euo pipefail
lesson=${1:?usage: slurm_batch.sh LESSON SUBMISSIONS_DIR OUT_DIR SEED [SHARDS]}
submissions=${2:?} out=${3:?} seed=${4:?}
task=${SLURM_ARRAY_TASK_ID:?run me with sbatch --array=0-(N-1)}
tasks=${5:-${SLURM_ARRAY_TASK_COUNT:?}}
cd "${COURSE_ROOT:-$SLURM_SUBMIT_DIR}"
make -s build/grade
exec build/grade batch --lesson "$lesson" "$submissions" --out "$out/shard-$task" \
	--shard "$task/$tasks" --seed "$seed" --jobs "${SLURM_CPUS_PER_TASK:-2}"
