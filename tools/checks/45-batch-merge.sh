# shellcheck shell=bash
# tools/checks/45-batch-merge.sh: a batch split over machines, merged: missing students named,
# shards of another batch refused.
# Sourced by tools/course_test.sh after the files numbered before it, whose helpers it may use;
# each check is registered with check "name-as-a-sentence" FUNCTION ARGS (DESIGN section 7).
# {=== a batch split over machines (README: For instructors, "A cluster"): what batch-merge
# does with a shard that did not finish and with shards of another batch. The real cluster,
# Slurm and GNU parallel, is make test-cluster (minutes). Five students of lesson 01: the
# skeleton and four empty folders (refused at intake: only the reference is measured) ===}

# batch_shards DIR SEED SHARD...: DIR/subs and DIR/shard-I graded as shard I/2 with SEED
batch_shards() {
	local d=$1 seed=$2 s name
	shift 2
	mkdir -p "$d/subs/ann" && cp solutions/01-zero-allocation/skeleton/logfmt.c "$d/subs/ann/" || return 1
	for name in bob cid dee eve; do mkdir -p "$d/subs/$name" || return 1; done
	for s in "$@"; do
		"$GRADE" batch --lesson 01 "$d/subs" --out "$d/shard-$s" --shard "$s/2" --seed "$seed" \
			--no-wall --quiet >>"$d/batch.out" 2>&1 || { cat "$d/batch.out"; echo "shard $s/2: want exit 0"; return 1; }
	done
}

# batch_merge_expect DIR OUT RC SHARD...: merges the shards into DIR/OUT, wants exit RC
batch_merge_expect() {
	local d=$1 out=$2 want=$3 rc
	shift 3
	"$GRADE" batch-merge --out "$d/$out" "$@" >"$d/$out.err" 2>&1
	rc=$?
	cat "$d/$out.err"
	[ "$rc" -eq "$want" ] || { echo "batch-merge into $out: want exit $want, got $rc"; return 1; }
}

batch_merge_names_the_missing() {
	local d=build/test/batch-merge-missing
	rm -rf "$d" && batch_shards "$d" 11 0 1 || return 1
	# shard 1 holds bob and dee; its task "killed" before dee's report was written
	rm "$d/shard-1/reports/dee.json" || return 1
	batch_merge_expect "$d" killed 1 "$d/shard-0" "$d/shard-1" &&
		expect_line "$d/killed.err" "^grade batch-merge: missing: 'dee' of shard 1/2 \('$d/shard-1'\)" \
			"dee named missing with its shard" &&
		expect_line "$d/killed/gradebook.csv" '^dee,01,0\.0,missing,"shard 1/2 did not grade it' \
			"a missing row for dee in the gradebook" &&
		[ "$(grep -c '^[a-z]*,01,' "$d/killed/gradebook.csv")" -eq 5 ] ||
		{ echo "want one row per student, 5"; return 1; }
	# a node lost before its shard began: the shard's folder is not there at all
	batch_merge_expect "$d" lost 1 "$d/shard-0" || return 1
	for name in bob dee; do
		expect_line "$d/lost.err" "^grade batch-merge: missing: '$name' of shard 1/2 \(no folder given\)" \
			"$name named missing" || return 1
	done
	# a rerun of the task resumes it as the same shard, grades only dee, and the merge is whole
	"$GRADE" batch --lesson 01 "$d/subs" --out "$d/shard-1" --shard 0/2 --seed 11 --no-wall \
		>"$d/wrong-shard.out" 2>&1 && { echo "a rerun as another shard: want a refusal"; return 1; }
	expect_line "$d/wrong-shard.out" "is shard 1/2 of its batch, not 0/2" "the refusal names both shards" &&
		"$GRADE" batch --lesson 01 "$d/subs" --out "$d/shard-1" --shard 1/2 --seed 11 --no-wall \
			>"$d/rerun.out" 2>&1 &&
		expect_line "$d/rerun.out" '2 submissions \(1 already graded\)' "only dee graded again" &&
		batch_merge_expect "$d" whole 0 "$d/shard-0" "$d/shard-1" &&
		expect_no_line "$d/whole/gradebook.csv" ',missing,' "no missing row after the rerun"
}
check "grader-batch-merge-names-each-student-a-shard-did-not-grade" batch_merge_names_the_missing

batch_merge_refuses_another_batch() {
	local d=build/test/batch-merge-foreign
	rm -rf "$d" && batch_shards "$d" 12 0 || return 1
	cp -r "$d/shard-0" "$d/seed" && sed -i 's/^seed = 12$/seed = 13/' "$d/seed/batch.ini" &&
		cp -r "$d/shard-0" "$d/version" &&
		sed -i 's/^course_version = .*/course_version = 0.0.1+gdeadbee/' "$d/version/batch.ini" &&
		sed -i 's/^shard = 0\/2$/shard = 1\/2/' "$d/seed/batch.ini" "$d/version/batch.ini" &&
		rm "$d"/{seed,version}/reports/* || return 1
	batch_merge_expect "$d" by-seed 2 "$d/shard-0" "$d/seed" &&
		expect_line "$d/by-seed.err" "are not shards of one batch: another seed" "the seed named" &&
		batch_merge_expect "$d" by-version 2 "$d/shard-0" "$d/version" &&
		expect_line "$d/by-version.err" "are not shards of one batch: another course version" \
			"the course version named" || return 1
	[ ! -e "$d/by-seed/gradebook.csv" ] && [ ! -e "$d/by-version/gradebook.csv" ] ||
		{ echo "a refused merge wrote a gradebook"; return 1; }
	# one report of another batch slipped into a shard of this one
	mkdir -p "$d/mixed" && cp -r "$d/shard-0/." "$d/mixed/" &&
		jq '.seed = 99' "$d/shard-0/reports/ann.json" >"$d/mixed/reports/ann.json" || return 1
	batch_merge_expect "$d" by-report 2 "$d/mixed" &&
		expect_line "$d/by-report.err" "ann.json': graded with seed 99, .*batch.ini says seed 12" \
			"the foreign report named"
}
check "grader-batch-merge-refuses-shards-of-another-seed-or-course-version" batch_merge_refuses_another_batch
# }===

