# shellcheck shell=bash
# tools/checks/40-batch-attacks.sh: a class's batch under attack: every attack of
# grader/tests/submissions/attacks/01.
# Sourced by tools/course_test.sh after the files numbered before it, whose helpers it may use;
# each check is registered with check "name-as-a-sentence" FUNCTION ARGS (DESIGN section 7).
# {=== grade batch (DESIGN section 6.4, "Untrusted code"): every attack in
# grader/tests/submissions/attacks/01 plus the ones made here (a symbolic link, archives whose
# entries leave their folder, a name full of shell metacharacters) graded in one sandboxed
# batch. Each must get its status and reason, none may score above the skeleton, a control
# student must be graded like the skeleton, and no course file may change. ===}

attacks=grader/tests/submissions/attacks/01

# the batch's attacks: every folder of $attacks (its logfmt.c's Expected: line says what must
# become of it), then those made here, which have no file to carry the line:
# "name:status pattern:reason pattern" (extended regular expressions)
BATCH_MADE_ATTACKS=(
	"symlink:refused:symbolic link"
	"tar_escape:refused:leaves its folder"
	"zip_escape:refused:leaves its folder"
)
batch_attacks() { # one "name:status pattern:reason pattern" a line
	local a want
	for a in "$attacks"/*/; do
		want=$(attack_expected "$a/logfmt.c")
		[ -n "$want" ] || { echo "$a/logfmt.c: no Expected: line" >&2; return 1; }
		printf '%s:%s:%s\n' "$(basename "$a")" "${want%% *}" "${want#* }"
	done
	printf '%s\n' "${BATCH_MADE_ATTACKS[@]}"
}
BATCH_ODD_NAME='eve, "the" $(touch PWNED); `id` & rm -rf ~ | x'

# batch_attack_folder DIR: the submissions folder of the attack batch
batch_attack_folder() {
	local d=$1 a
	rm -rf "$d" && mkdir -p "$d/subs" "$d/make" || return 1
	cp -r "$attacks"/* "$d/subs/" || return 1
	mkdir -p "$d/subs/symlink" "$d/subs/control" "$d/subs/$BATCH_ODD_NAME" &&
		ln -s "$PWD/solutions/01-zero-allocation/logfmt.c" "$d/subs/symlink/logfmt.c" &&
		cp solutions/01-zero-allocation/skeleton/logfmt.c "$d/subs/control/" &&
		cp solutions/01-zero-allocation/skeleton/logfmt.c "$d/subs/$BATCH_ODD_NAME/" || return 1
	# entries named ../x/logfmt.c: tar -P and zip keep the '..'
	mkdir -p "$d/make/in" "$d/make/x" && cp "$attacks/constructor/logfmt.c" "$d/make/x/" &&
		(cd "$d/make/in" && tar -czPf ../../subs/tar_escape.tar.gz ../x/logfmt.c &&
			zip -q ../../subs/zip_escape.zip ../x/logfmt.c)
}

course_fingerprint() { # hashes of every file of lesson 01 and its solutions
	find lessons/01-zero-allocation solutions/01-zero-allocation -type f -print0 | sort -z |
		xargs -0 sha256sum
}

grade_batch_attacks() {
	local d=build/test/batch-attacks before rc a name status reason skel list all
	list=$(batch_attacks) || return 1
	mapfile -t all <<<"$list"
	batch_attack_folder "$d" || { echo "cannot make the attack submissions"; return 1; }
	before=$(course_fingerprint)
	"$GRADE" batch --lesson 01 "$d/subs" --out "$d/out" --jobs 2 --gradescope --no-wall \
		--junit "$d/out/junit.xml" --tap "$d/out/tap.txt" >"$d/batch.out" 2>&1
	rc=$?
	cat "$d/batch.out"
	[ $rc -eq 0 ] || { echo "want exit 0 (every submission has a row), got $rc"; return 1; }
	[ "$before" = "$(course_fingerprint)" ] || { echo "a course file changed"; return 1; }
	[ ! -e PWNED ] && [ ! -e "$d/PWNED" ] || { echo "a student name reached a shell"; return 1; }
	skel=$(jq -r .score "$d/out/skeleton.json")
	for a in "${all[@]}"; do
		name=${a%%:*} a=${a#*:} status=${a%%:*} reason=${a#*:}
		batch_expect "$d/out/reports/$name.json" "$name" "$status" "$reason" "$skel" || return 1
	done
	batch_expect "$d/out/reports/control.json" control graded . "$skel" &&
		json_holds --argjson s "$skel" '.score == $s' "$d/out/reports/control.json" >/dev/null ||
		{ echo "control: want the skeleton's score $skel"; return 1; }
	batch_gradebook_has_odd_name "$d/out" || return 1
	[ "$(grep -c '^ok\|^not ok' "$d/out/tap.txt")" -eq $((${#all[@]} + 2)) ] ||
		{ echo "want one TAP line per submission"; return 1; }
	json_holds '.tests | length >= 1' "$d/out/gradescope/control/results.json" >/dev/null ||
		{ echo "want gradescope/control/results.json"; return 1; }
}

batch_expect() { # batch_expect REPORT NAME STATUS_RE REASON_RE SKELETON_SCORE
	local got
	[ -f "$1" ] || { echo "$2: no report $1"; return 1; }
	got=$(jq -r '"\(.status)\t\(.score)\t\(.reason)"' "$1")
	echo "$2: $got"
	jq -r .status "$1" | grep -Eqx "$3" || { echo "$2: want status /$3/"; return 1; }
	jq -r .reason "$1" | grep -Eq "$4" || { echo "$2: reason does not match /$4/"; return 1; }
	json_holds --argjson s "$5" '.score <= $s' "$1" >/dev/null ||
		{ echo "$2: scores above the skeleton ($5)"; return 1; }
}

batch_gradebook_has_odd_name() { # the name, RFC 4180-quoted, in the gradebook
	local quoted
	quoted="\"${BATCH_ODD_NAME//\"/\"\"}\",01,"
	grep -qF "$quoted" "$1/gradebook.csv" ||
		{ echo "want the row $quoted in gradebook.csv"; return 1; }
}
check "grader-batch-attacks-each-get-a-status-none-above-skeleton" grade_batch_attacks
# }===
