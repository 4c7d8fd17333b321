# shellcheck shell=bash
# tools/checks/50-isolation.sh: isolation: attacks on the grader from inside the student's own
# processes.
# Sourced by tools/course_test.sh after the files numbered before it, whose helpers it may use;
# each check is registered with check "name-as-a-sentence" FUNCTION ARGS (DESIGN section 7).
# {=== isolation (DESIGN.md, "Isolation"): attacks written as a hostile student would, each the
# lesson's skeleton plus a payload that reaches any libc function by address arithmetic from an
# allowed one (grader/tests/submissions/isolation/reach_libc.h) and runs inside the student's
# own function: in the correct suite, a cmocka gate, the bench under Valgrind and natively.
# Static checks cannot see them; the jail, the seal and the output checks must. Each attack's
# own "Expected: STATUS_RE REASON_RE" line says how it must end, never above the skeleton; no
# process, planted file or changed course file may be left behind. ===}

ISOLATION=grader/tests/submissions/isolation

# isolation_compose LESSON ATTACK OUT: the skeleton with its entry point renamed, the payload
# library, the attack and the entry point that runs it first
isolation_compose() {
	local lesson=$1 attack=$2 out=$3
	mkdir -p "$(dirname "$out")" || return 1
	case $lesson in
	01) sed -E -e 's/\blogfmt_render\b/honest_render/g' \
		-e 's/^void honest_render\(/static void honest_render(/' \
		solutions/01-zero-allocation/skeleton/logfmt.c ;;
	06) sed -E -e 's/\bdoccache_new\b/honest_new/g' \
		-e 's/^struct doccache \*honest_new\(/static struct doccache *honest_new(/' \
		"$(isolation_base 06)" ;;
	*) return 1 ;;
	esac >"$out" && cat "$ISOLATION/reach_libc.h" "$attack" "$ISOLATION/$lesson/wrap.c" >>"$out"
}

# isolation_base LESSON: the honest code an attack is added to, and the batch's control. Lesson
# 06's skeleton fails its task suite, so nothing after the gate would run: there the partial.
isolation_base() {
	case $1 in
	01) echo solutions/01-zero-allocation/skeleton/logfmt.c ;;
	06) echo "$(variant_made 06 partial)/doccache.c" ;;
	esac
}


# The checks below start attacks whose daemons carry ngrade-attack-marker, and each then looks
# for that marker machine-wide: two of them side by side saw each other's live daemons as
# leftovers (the Gradescope check's, in grader-isolation-lesson01-attacks-are-contained). They
# are queued as one group (check_taking_turns), so the runner starts them one after another; the
# lock, held for the rest of a check's run, also keeps apart the runs of two make tests.
isolation_take_turns() {
	mkdir -p build/test && exec 7>build/test/isolation.lock && flock -x 7
}

isolation_leftovers() { # fails when an attack left a process or a planted file
	local found=0
	if pgrep -f ngrade-attack-marker >/dev/null; then
		echo "a process outlived its run:"; pgrep -af ngrade-attack-marker; found=1
	fi
	if [ -n "$(find build -name 'PWNED-by-attack' -o -name 'PLANTED-by-attack*' 2>/dev/null)" ]; then
		echo "an attack wrote into the grader's folders:"
		find build -name 'PWNED-by-attack' -o -name 'PLANTED-by-attack*'
		found=1
	fi
	return $found
}

# grade_isolation_batch LESSON [no-namespaces]: every attack of the lesson and a control (the
# honest code) in one sandboxed batch, with the native timing runs. no-namespaces: a root batch
# with --no-sandbox on a host where bubblewrap fails (NGRADE_BWRAP stands in), as Gradescope's
# fallback runs: student code as ngradestu1, every grade unverified, none above the control.
grade_isolation_batch() {
	local lesson=$1 mode=${2:-namespaces} d=build/test/isolation-attacks-$1-${2:-namespaces}
	local a name want skel before slug file out
	isolation_take_turns || return 1
	rm -rf "$d" && mkdir -p "$d/subs/control" "$d/native/control" || return 1
	slug=$(basename lessons/"$lesson"-*)
	file=$(ini_get lessons/"$slug"/lesson.ini lesson.student_files)
	cp "$(isolation_base "$lesson")" "$d/subs/control/$file" &&
		cp "$(isolation_base "$lesson")" "$d/native/control/$file" || return 1
	# an attack in the native timing runs (native_*) needs them; the rest grade without, and
	# faster (lesson 01's wall time is reported, not scored, in a batch: the same scores)
	for a in "$ISOLATION/$lesson"/*.c; do
		name=$(basename "$a" .c)
		case $name in
		wrap) continue ;;
		native_*) [ "$mode" = namespaces ] || continue
			out=native ;;
		*) out=subs ;;
		esac
		isolation_compose "$lesson" "$a" "$d/$out/$name/$file" || return 1
	done
	before=$(find lessons/"$slug" solutions/"$slug" -type f -print0 | sort -z | xargs -0 sha256sum)
	if [ "$mode" = namespaces ]; then
		# shellcheck disable=SC2012 # counts the submission folders
		"$GRADE" batch --lesson "$lesson" "$d/subs" --out "$d/out" --jobs 2 --no-wall \
			>"$d/batch.out" 2>&1 &&
			{ [ "$(ls "$d/native" | wc -l)" -eq 1 ] ||
				"$GRADE" batch --lesson "$lesson" "$d/native" --out "$d/out-native" \
					--jobs 2 >>"$d/batch.out" 2>&1; }
	else
		NGRADE_BWRAP=/bin/false "$GRADE" batch --lesson "$lesson" "$d/subs" --out "$d/out" \
			--jobs 2 --no-sandbox --no-wall >"$d/batch.out" 2>&1
	fi || { cat "$d/batch.out"; echo "want exit 0"; return 1; }
	cat "$d/batch.out"
	sleep 1 # a daemon that escaped would still be starting
	isolation_leftovers || return 1
	[ "$before" = "$(find lessons/"$slug" solutions/"$slug" -type f -print0 | sort -z | xargs -0 sha256sum)" ] ||
		{ echo "a course file changed"; return 1; }
	skel=$(jq -r .score "$d/out/reports/control.json") # the honest code's own score
	for a in "$ISOLATION/$lesson"/*.c; do
		name=$(basename "$a" .c)
		out=$d/out
		case $name in
		wrap) continue ;;
		native_*) [ "$mode" = namespaces ] || continue
			out=$d/out-native ;;
		esac
		if [ "$mode" = no-namespaces ]; then
			# the course stays readable to the student user: reading the reference
			# works there (and crashes by design); every grade says it is unverified
			batch_expect "$out/reports/$name.json" "$name" 'graded|crashed|refused' . \
				"$skel" || return 1
			json_holds '.verified == false and .isolation == "user" and
				(.unverified_reason | test("own user"))' "$out/reports/$name.json" \
				>/dev/null || { echo "$name: want isolation user, unverified"; return 1; }
			continue
		fi
		want=$(attack_expected "$a")
		batch_expect "$out/reports/$name.json" "$name" "${want%% *}" "${want#* }" "$skel" || return 1
		json_holds '.verified == true and (.isolation | startswith("namespaces"))' \
			"$out/reports/$name.json" >/dev/null ||
			{ echo "$name: want a verified grade, isolated in namespaces"; return 1; }
	done
}
check_taking_turns attacks "grader-isolation-lesson01-attacks-are-contained" grade_isolation_batch 01
check_taking_turns attacks "grader-isolation-lesson06-gate-attack-is-contained" grade_isolation_batch 06
check_taking_turns attacks "grader-isolation-lesson01-attacks-without-namespaces-are-unverified" grade_isolation_batch 01 \
	no-namespaces

# The Gradescope path gives the same guarantees: issue 15's exploit through run_autograder in
# bubblewrap (verified), then in a container without user namespaces (NGRADE_BWRAP stands in),
# where the student's code runs as ngradestu1 and the grade says it is unverified.
grade_gradescope_contains_attacks() {
	local d=$PWD/build/test/gradescope-attack mode score
	isolation_take_turns || return 1
	for mode in sandbox no-namespaces; do
		rm -rf "$d" && mkdir -p "$d/submission" && ln -s "$PWD" "$d/source" || return 1
		isolation_compose 01 "$ISOLATION/01/suite_daemon_swaps_bench.c" "$d/submission/logfmt.c" ||
			return 1
		if [ $mode = sandbox ]; then
			AUTOGRADER_ROOT=$d LESSON=01 SEED=4242 tools/gradescope/run_autograder >"$d/run.log" 2>&1
		else
			NGRADE_BWRAP=/bin/false AUTOGRADER_ROOT=$d LESSON=01 SEED=4242 \
				tools/gradescope/run_autograder >"$d/run.log" 2>&1
		fi
		cat "$d/run.log" "$d/results/results.json"
		score=$(jq .score "$d/results/results.json")
		echo "$mode: score $score"
		json_holds '.score <= 40 and (.output | test("^graded"))' "$d/results/results.json" >/dev/null ||
			{ echo "$mode: want graded, no more than the skeleton's 40"; return 1; }
		if [ $mode = sandbox ]; then
			json_holds '.output | test("UNVERIFIED") | not' "$d/results/results.json" >/dev/null ||
				{ echo "want a verified grade in the sandbox"; return 1; }
		else
			json_holds '.output | test("UNVERIFIED: .*own user")' "$d/results/results.json" >/dev/null ||
				{ echo "want the grade marked unverified, with the reason"; return 1; }
		fi
		sleep 1
		isolation_leftovers || return 1
	done
}
check_taking_turns attacks "grader-gradescope-contains-attacks-and-says-unverified" grade_gradescope_contains_attacks
