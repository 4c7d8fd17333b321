#!/bin/bash
# course_test.sh: the course's own test suite, run by `make test` once everything is built.
# Runs every check three at a time; each check's output goes to build/test/all/logs/NAME.log
# (the skeleton's expected failures stay there), and the run ends with "N passed, N failed".
# Checks that measure natively or under Valgrind hold build/wall.lock shared; a grading whose
# score counts wall-clock time takes it exclusively while it times, so no other check runs
# during that measurement. Three slots on the course's two CPUs: while a timing waits for the
# checks running to end (new ones queue behind it, grader/wall_lock.h), the other two keep the
# CPUs busy; with two slots one stood idle for every such wait.
set -u
cd "$(dirname "$0")/.." || exit 2
# shellcheck source=tools/json_holds.sh
. tools/json_holds.sh

JOBS=${JOBS:-3}
# LESSONS="02 06" limits the run to those lessons (see below); such a run keeps its own folders,
# so two authors testing different lessons at once do not delete each other's logs.
RUN_NAME=${LESSONS:+lessons-$(echo "$LESSONS" | tr -c '0-9\n' '-')}
LOGS=build/test/${RUN_NAME:-all}/logs
RESULTS=build/test/${RUN_NAME:-all}/results
GRADE=build/grade
LOCK=build/wall.lock
SANITIZER_RUN="setarch $(uname -m) -R"
# The checks expect the tools' English; the Thai ones ask for Thai themselves (COURSE_LANG=th).
# Set here, not left to the locale: a Thai developer's LANG would otherwise change the output.
export COURSE_LANG=en
rm -rf "$LOGS" "$RESULTS"
mkdir -p "$LOGS" "$RESULTS"
: >"$LOCK" && : >"$LOCK.turnstile"

ini_get() { # ini_get FILE SECTION.KEY: a value of a lesson.ini, read by the grader
	"$GRADE" ini "$@"
}

# {=== checks: each is a function that returns 0 for pass; output goes to its log ===}

unit_test() { "$1"; }

unit_test_sanitized() { $SANITIZER_RUN "$1"; }

grader_asan_static_checks() { # the ASan+UBSan grader reads lesson 01, builds it, checks it
	$SANITIZER_RUN build/grade-asan --lesson 01 --reference --static-only
}

suites_pass() { # suites_pass BUILD_DIR LESSON_DIR: every suite, correct+task under ASan+UBSan, the gates
	"$1/test" && $SANITIZER_RUN "$1/test-asan" --filter '@(correct|task)/*' || return 1
	# the lesson's sources say which gates it has, not binaries a removed test left behind
	if [ -f "$2/race_test.c" ]; then
		TSAN_OPTIONS='halt_on_error=1 exitcode=66' $SANITIZER_RUN "$1/race" || return 1
	fi
	if [ -f "$2/alloc_fail_test.c" ]; then
		"$1/alloc-fail" || return 1
	fi
}

suite_passes() { # suite_passes BUILD_DIR SUITE
	"$1/test" --filter "$2/*"
}

budget_fails() { # budget_fails BUILD_DIR: the budget suite must fail with a failed assertion
	local tap
	tap="$RESULTS/$(echo "$1" | tr / _).budget.tap"
	if "$1/test" --filter 'budget/*' --tap="$tap"; then
		echo "expected a failing budget test, but every budget test passed"
		return 1
	fi
	cat "$tap"
	grep -q '^not ok - budget::' "$tap" || { echo "no budget test failed (an error instead?)"; return 1; }
}

grade_json() { # grade_json OUT ARGS...: run the grader, keep its JSON report
	local out=$1
	shift
	"$GRADE" --format json "$@" >"$out"
	local rc=$?
	cat "$out"
	return $rc
}

grade_reference() { # score >= 95
	local json="$RESULTS/$1-reference.json"
	grade_json "$json" --lesson "$1" --impl "$2" || return 1
	json_holds '.status == "graded" and .score >= 95' "$json" >/dev/null ||
		{ echo "reference: want status graded and score >= 95"; return 1; }
}

grade_skeleton() { # performance fraction <= 0.10 and score <= 50
	# a skeleton lacks what the `task` suite asks for (DESIGN section 3.2), so unless lesson.ini
	# says it passes task, it may grade as tests_failed (exit 1) rather than graded
	local json="$RESULTS/$1-skeleton.json" rc
	grade_json "$json" --lesson "$1" --impl "$2"
	rc=$?
	[ $rc -le 1 ] || return 1
	local allowed='["graded"]'
	case " $3 " in *" task "*) ;; *) allowed='["graded", "tests_failed"]' ;; esac
	json_holds --argjson ok "$allowed" '(.status as $s | $ok | index($s)) != null and
		.performance.fraction <= 0.10 and .score <= 50' "$json" >/dev/null ||
		{ echo "skeleton: want status in $allowed, performance.fraction <= 0.10, score <= 50"; return 1; }
}

grade_partial() { # grade_partial LESSON LO HI VARIANT: score inside partial_band
	local json="$RESULTS/$1-partial.json" lesson=$1 lo=$2 hi=$3 args impls
	args=$(variant_impls "$lesson" "$4") || return 1
	mapfile -t impls <<<"$args"
	grade_json "$json" --lesson "$lesson" "${impls[@]}" || return 1
	json_holds --argjson lo "$lo" --argjson hi "$hi" '.status == "graded" and .score >= $lo and .score <= $hi' \
		"$json" >/dev/null || { echo "partial: want a score in [$lo, $hi]"; return 1; }
}

grade_variant_status() { # grade_variant_status LESSON VARIANT STATUS PATTERN: a bad variant
	local args impls
	args=$(variant_impls "$1" "$2") || return 1
	mapfile -t impls <<<"$args"
	grade_expect_status "$1" "$3" "$4" "${impls[@]}"
}

variant_applies() { # variant_applies LESSON VARIANT: its patches apply to what they depart from
	variant_impls "$@" >/dev/null
}

skeleton_matches_lesson() { # skeleton_matches_lesson LESSON_DIR SKELETON_DIR: the student's
	# starting files in lessons/ are the skeleton the grader measures, byte for byte
	local f status=0
	for f in "$2"/*; do
		cmp "$f" "$1/$(basename "$f")" || { echo "$1/$(basename "$f") differs from $f"; status=1; }
	done
	return $status
}

grade_expect_status() { # grade_expect_status LESSON STATUS PATTERN IMPL...: a bad submission
	local lesson=$1 status=$2 pattern=$3
	shift 3
	local json="$RESULTS/bad-$lesson-$status-$RANDOM.json" rc
	grade_json "$json" --lesson "$lesson" "$@"
	rc=$?
	[ $rc -eq 1 ] || { echo "want exit 1, got $rc"; return 1; }
	json_holds --arg s "$status" '.status == $s and .score <= 40' "$json" >/dev/null ||
		{ echo "want status $status"; return 1; }
	jq -r '.reason' "$json" | grep -Eq "$pattern" || { echo "reason does not match /$pattern/"; return 1; }
}

# variant LESSON PATH: the cheat or shortcut at PATH made from the code it departs from
# (tools/variant.sh), under build/variants/; prints what to grade
variant() {
	tools/variant.sh "$2" "build/variants/$1"
}

# variant_impls LESSON NAME: the --impl arguments, one a line, that grade the variant NAME of
# lesson.ini's [variants] (solutions/NN-slug/NAME/FILE.patch): the folder variant.sh made, in
# a folder of this check's own (checks run side by side), then the solution folder, whose
# reference files stand for the student files the variant leaves as they are
variant_impls() {
	local made
	made=$(variant_made "$1" "$2") || return 1
	printf '%s\n' --impl "$made" --impl "$(solution_of "$1")"
}

solution_of() { # solution_of LESSON: its solutions/NN-slug folder
	find solutions -maxdepth 1 -name "$1-*" | head -n 1
}

variant_made() { # variant_made LESSON NAME: makes the variant, prints the folder of its files
	local out
	mkdir -p "build/variants/$1" && out=$(mktemp -d "build/variants/$1/run.XXXXXX") &&
		tools/variant.sh "$(solution_of "$1")/$2" "$out"
}

grade_cheat() { # grade_cheat LESSON PATH: a cheat variant must be caught as its Expected: line says
	# PATH is solutions/NN-slug/cheats/NAME.patch (it stands for the first student file) or a
	# folder of FILE.patch for some of the lesson's student files (the reference's stand for
	# the others). Its first comment says which shortcut it takes; its Expected: line, one of
	#   Expected: status STATUS /REGEX/     the grader gives STATUS, its reason matches REGEX
	#   Expected: score below partial_band  graded (any status) under the band's lower end
	#   Expected: score at most N           no more than N (the honest code it departs from)
	# with "wall" at the end of the line to grade with the native timing (else --no-wall).
	local lesson=$1 path src spec json rc lo
	path=$(variant "$1" "$2") || return 1
	src=$path
	[ -d "$path" ] && src=$(find "$path" -name '*.c' | sort | head -n 1)
	spec=$(sed -n 's/^[[:space:]*]*Expected:[[:space:]]*//p' "$src" | head -n 1 | sed 's/[[:space:]]*\*\/$//')
	[ -n "$spec" ] || { echo "$src: no 'Expected:' line"; return 1; }
	local wall=(--no-wall)
	case "$spec" in *" wall") wall=() spec=${spec% wall} ;; esac
	json="$RESULTS/cheat-$lesson-$(basename "$path" .c).json"
	# a folder may hold only the files it changes: the others are the reference's (the grader
	# takes each student file from the first --impl that has it)
	local rest=()
	[ -d "$path" ] && rest=(--impl "$(dirname "$(dirname "$2")")")
	grade_json "$json" --lesson "$lesson" "${wall[@]}" --impl "$path" "${rest[@]}" >/dev/null
	rc=$?
	[ $rc -le 1 ] || { echo "grader exit $rc"; return 1; }
	jq -r '"status \(.status), score \(.score), reason: \(.reason)"' "$json"
	echo "expected: $spec"
	case "$spec" in
	"status "*)
		local want=${spec#status } re
		re=${want#* /}
		re=${re%/}
		want=${want%% *}
		json_holds --arg s "$want" '.status == $s' "$json" >/dev/null || { echo "want status $want"; return 1; }
		# the reason names the first failure; any failed test's message may say it
		jq -r '.reason, (.correctness.failures[]? | "\(.name): \(.message)")' "$json" |
			grep -Eq -- "$re" || { echo "neither the reason nor a failure matches /$re/"; return 1; }
		;;
	"score below partial_band")
		lo=$(ini_get "lessons/$(basename "$(dirname "$(dirname "$2")")")/lesson.ini" lesson.partial_band |
			awk '{print $1}')
		[ -n "$lo" ] || { echo "no partial_band"; return 1; }
		json_holds --argjson lo "$lo" '.score < $lo' "$json" >/dev/null || { echo "want a score below $lo"; return 1; }
		;;
	"score at most "*)
		json_holds --argjson n "${spec#score at most }" '.score <= $n' "$json" >/dev/null ||
			{ echo "want a score at most ${spec#score at most }"; return 1; }
		;;
	*) echo "unknown Expected: '$spec'"; return 1 ;;
	esac
}

grade_legit() { # grade_legit LESSON PATH: a legitimate optimisation the grade must not punish
	# PATH is solutions/NN-slug/legit/NAME.patch: a shortcut that is no cheat (its first comment
	# says why), graded like the reference: every suite passes and it scores >= 95
	local json path
	json="$RESULTS/legit-$1-$(basename "$2" .patch).json"
	path=$(variant "$1" "$2") || return 1
	grade_json "$json" --lesson "$1" --no-wall --impl "$path" >/dev/null || return 1
	jq -r '"status \(.status), score \(.score)"' "$json"
	json_holds '.status == "graded" and .score >= 95' "$json" >/dev/null ||
		{ echo "legitimate variant: want status graded and score >= 95"; return 1; }
}

grade_readme_numbers() { # every count the READMEs quote is within 10% of what the grader measures
	tools/check_readme_numbers.sh "$@"
}

grade_usage_error() { # exit 2 and a message on stderr
	# a file of this call's own: with three slots, two of these checks ran at once, and one
	# read the message file just as the other emptied it (ci14)
	local err rc
	err=$(mktemp "$RESULTS/usage.XXXXXX") || return 1
	"$GRADE" "$@" 2>"$err"
	rc=$?
	cat "$err"
	[ $rc -eq 2 ] && grep -q '^grade: ' "$err"
}

# }===

# {=== the runner: JOBS checks at a time ===}

# shellcheck source=tools/check_runner.sh
. tools/check_runner.sh

# }===

# LESSONS="02 06" limits the run to those lessons' checks (no unit tests, no course checks):
# the quick loop while writing a lesson. `make test` always runs everything.
ONLY=${LESSONS:-}
if [ -z "$ONLY" ]; then
	for unit in build/tests/test_*; do
		[ -x "$unit" ] && check "unit-$(basename "$unit")" "$unit"
	done
	# the grader's code under AddressSanitizer + UBSan: the unit tests and the grader itself
	for unit in build/tests-asan/test_*; do
		[ -x "$unit" ] && check "unit-asan-$(basename "$unit")" unit_test_sanitized "$unit"
	done
	check "grader-asan-static-checks-lesson01" grader_asan_static_checks
fi
for dir in lessons/[0-9][0-9]-*/; do
	dir=${dir%/}
	slug=${dir#lessons/}
	id=${slug%%-*}
	[ -n "$ONLY" ] && case " $ONLY " in *" $id "*) ;; *) continue ;; esac
	ini=$dir/lesson.ini
	out=build/lessons/$id
	check "lesson$id-reference-passes-every-suite" suites_pass "$out/reference" "$dir"
	check "lesson$id-skeleton-fails-a-budget" budget_fails "$out/skeleton"
	for suite in $(ini_get "$ini" lesson.skeleton_passes); do
		check "lesson$id-skeleton-passes-$suite" suite_passes "$out/skeleton" "$suite"
	done
	check "lesson$id-grade-reference-scores-95" grade_reference "$id" "solutions/$slug"
	check "lesson$id-grade-skeleton-scores-low" grade_skeleton "$id" "solutions/$slug/skeleton" \
		"$(ini_get "$ini" lesson.skeleton_passes)"
	band=$(ini_get "$ini" lesson.partial_band)
	# the variants lesson.ini lists: each must still apply to the code it departs from
	for variant in $(ini_get "$ini" variants.partial) $(ini_get "$ini" variants.racy) $(ini_get "$ini" variants.steps); do
		check "lesson$id-variant-$(echo "$variant" | tr / -)-applies" variant_applies "$id" "$variant"
	done
	check "lesson$id-skeleton-equals-the-lesson-folder" skeleton_matches_lesson "$dir" \
		"solutions/$slug/skeleton"
	# shellcheck disable=SC2086 # the band is two numbers
	check "lesson$id-grade-partial-in-band" grade_partial "$id" ${band} "$(ini_get "$ini" variants.partial)"
	# the Thai README quotes the same numbers (issue 20), and a missing one fails too: one
	# check reads both, so each row is graded once (two checks graded every row twice: 444 s)
	check "lesson$id-readme-numbers-match-the-grader" grade_readme_numbers "$dir/README.md" \
		"$dir/README.th.md"
	# cheat variants: shortcuts that must not buy the lesson's score (DESIGN section 3.2)
	for cheat in "solutions/$slug/cheats/"*; do
		[ -e "$cheat" ] || continue
		check "lesson$id-cheat-$(basename "$cheat" .patch)-is-caught" grade_cheat "$id" "$cheat"
	done
	# legitimate optimisations that a metric once punished: they must keep the reference's band
	for legit in "solutions/$slug/legit/"*.patch; do
		[ -e "$legit" ] || continue
		check "lesson$id-legit-$(basename "$legit" .patch)-scores-95" grade_legit "$id" "$legit"
	done
	# a lesson with a race gate keeps a racy variant, to prove the gate can fail
	racy=$(ini_get "$ini" variants.racy)
	if [ -n "$racy" ]; then
		check "lesson$id-grade-racy-fails-the-race-gate" grade_variant_status "$id" "$racy" \
			tests_failed 'data race'
	fi
done
# the checks beyond the lessons, one file an area, in order (tools/checks/NN-area.sh)
if [ -z "$ONLY" ]; then
	for checks in tools/checks/[0-9][0-9]-*.sh; do
		# shellcheck source=/dev/null
		. "$checks"
	done
fi

run_checks "course tests"
