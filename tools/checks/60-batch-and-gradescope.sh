# shellcheck shell=bash
# tools/checks/60-batch-and-gradescope.sh: batches for instructors: lesson 10's servers, resuming,
# the class report, Gradescope.
# Sourced by tools/course_test.sh after the files numbered before it, whose helpers it may use;
# each check is registered with check "name-as-a-sentence" FUNCTION ARGS (DESIGN section 7).
# Lesson 10 in the sandbox: servers on the loopback of bubblewrap's private network namespace,
# ThreadSanitizer under the batch's address-space limit, a thread per connection under the
# slot user's process limit. The reference must grade as it does outside, the skeleton low.
grade_batch_lesson10_in_the_sandbox() {
	local d=build/test/batch-lesson10 s=solutions/10-real-world
	rm -rf "$d" && mkdir -p "$d/subs/fast" "$d/subs/slow" || return 1
	cp "$s/logstats.c" "$s/httpd.c" "$d/subs/fast/" &&
		cp "$s/skeleton/logstats.c" "$s/skeleton/httpd.c" "$d/subs/slow/" || return 1
	"$GRADE" batch --lesson 10 "$d/subs" --out "$d/out" --jobs 2 >"$d/batch.out" 2>&1 ||
		{ cat "$d/batch.out"; echo "want exit 0"; return 1; }
	cat "$d/batch.out"
	json_holds '.status == "graded" and .score >= 95' "$d/out/reports/fast.json" >/dev/null ||
		{ echo "fast (the reference): want graded, >= 95"; return 1; }
	json_holds '.status == "graded" and .score <= 50' "$d/out/reports/slow.json" >/dev/null ||
		{ echo "slow (the skeleton): want graded, <= 50"; return 1; }
}
check "grader-batch-lesson10-servers-and-tsan-in-the-sandbox" grade_batch_lesson10_in_the_sandbox

# A batch killed with SIGKILL halfway and run again grades only what is missing and loses
# nothing; a renamed copy is listed by the similarity report with the same score.
grade_batch_resumes_after_sigkill() {
	local d=build/test/batch-resume-check pid first partial
	rm -rf "$d" && mkdir -p "$d/subs/a" "$d/subs/b" "$d/subs/c" "$d/subs/d" || return 1
	cp solutions/01-zero-allocation/skeleton/logfmt.c "$d/subs/a/"
	{ cat solutions/01-zero-allocation/skeleton/logfmt.c; echo '/* b */'; } >"$d/subs/b/logfmt.c"
	partial=$(variant_made 01 partial)/logfmt.c || return 1
	cp "$partial" "$d/subs/c/logfmt.c"
	sed -e 's/\bout\b/dst/g; s/\brecords\b/recs/g; s/\bsum\b/totals/g' \
		"$partial" >"$d/subs/d/logfmt.c"
	"$GRADE" batch --lesson 01 "$d/subs" --out "$d/out" --jobs 1 --no-wall >"$d/run1.log" 2>&1 &
	pid=$!
	for _ in $(seq 600); do
		[ -n "$(ls "$d/out/reports" 2>/dev/null)" ] && break
		sleep 0.5
	done
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	first=$(ls "$d/out/reports")
	[ "$(echo "$first" | wc -l)" -lt 4 ] || { echo "the batch ended before it was killed"; return 1; }
	"$GRADE" batch --lesson 01 "$d/subs" --out "$d/out" --jobs 2 --no-wall >"$d/run2.log" 2>&1 ||
		{ cat "$d/run2.log"; return 1; }
	cat "$d/run2.log"
	grep -q "4 submissions ($(echo "$first" | wc -l) already graded)" "$d/run2.log" ||
		{ echo "want the rerun to keep what was graded"; return 1; }
	[ "$(grep -c ',01,' "$d/out/gradebook.csv")" -eq 4 ] || { echo "want 4 gradebook rows"; return 1; }
	grep -Eq '^c,d,' "$d/out/similarity.csv" || { echo "want c~d in similarity.csv"; return 1; }
	[ "$(jq .score "$d/out/reports/c.json")" = "$(jq .score "$d/out/reports/d.json")" ] ||
		{ echo "a renamed copy scores differently"; return 1; }
}
check "grader-batch-resumes-after-sigkill-and-finds-copies" grade_batch_resumes_after_sigkill

# The class report (README, "For instructors"): a small batch of lesson 01 (the skeleton, the
# reference, the partial solution and a copy of it under a name full of HTML and shell
# metacharacters, a refused submission) gives DIR/class.html with every section, each link to a
# student's page that exists, the name escaped, and a page per student equal to what
# `grade --format html` prints for the same code and seed; headless Chromium renders it.
CLASS_ODD_NAME='<img src=x onerror=alert(1)> eve, "the" $(touch PWNED); `id` & co'
grade_class_report() {
	local d=build/test/class-report s=solutions/01-zero-allocation out html seed n href scored why
	local partial
	rm -rf "$d" && mkdir -p "$d/subs/skeleton" "$d/subs/reference" "$d/subs/partial" \
		"$d/subs/$CLASS_ODD_NAME" || return 1
	partial=$(variant_made 01 partial)/logfmt.c || return 1
	cp "$s/skeleton/logfmt.c" "$d/subs/skeleton/" && cp "$s/logfmt.c" "$d/subs/reference/" &&
		cp "$partial" "$d/subs/partial/logfmt.c" &&
		cp "$partial" "$d/subs/$CLASS_ODD_NAME/logfmt.c" &&
		cp -r "${attacks:?set in 40-batch-attacks.sh}/fork_bomb" "$d/subs/" || return 1
	"$GRADE" batch --lesson 01 "$d/subs" --out "$d/out" --jobs 2 --no-wall >"$d/batch.out" 2>&1 ||
		{ cat "$d/batch.out"; echo "want exit 0"; return 1; }
	cat "$d/batch.out"
	out=$d/out html=$d/out/class.html
	[ ! -e PWNED ] && [ ! -e "$d/PWNED" ] || { echo "a student name reached a shell"; return 1; }
	expect_line "$d/batch.out" "class report: .*/class\.html" 'the page named' &&
		html_well_formed "$html" && html_self_contained "$html" || return 1
	scored=$(jq '[.metrics[] | select(.kind == "scored")] | length' "$out/reports/partial.json")
	expect_charts "$html" metric-strip "$scored" || return 1
	expect_line "$html" '^<title>Lesson 01 · Zero allocation · class report</title>' 'a title' &&
		expect_line "$html" '<svg class="hist score-histogram".*' 'the score histogram' &&
		expect_line "$html" '<title>Scores of 5 submissions' 'every submission in it' &&
		expect_line "$html" 'id="status-counts"><span>graded <b>4</b></span><span>refused <b>1</b>' \
			'the status counts' &&
		expect_line "$html" 'stroke-width="2"/><text [^>]*>reference</text>' 'the reference marked' &&
		expect_line "$html" 'stroke-width="2"/><text [^>]*>skeleton</text>' 'the skeleton marked' &&
		expect_line "$html" '<h2 id="slowest">' 'the slowest submissions' &&
		expect_line "$html" '<h2 id="refused">' 'the refused submissions' &&
		expect_line "$html" 'fork_bomb</a>.*refused.*uses &#39;fork&#39;' 'fork_bomb refused, with why' &&
		expect_line "$html" '<h2 id="similarity">' 'the similar pairs' &&
		expect_line "$html" '&lt;img src=x onerror=alert\(1\)&gt; eve, &quot;the&quot; \$\(touch PWNED\); `id` &amp; co</a></td><td><a href="reports/partial.html">partial</a></td><td class="n">100%' \
			'the copy listed beside the partial, its name escaped' &&
		expect_no_line "$html" '<img' 'no tag from a student name' || return 1
	# every link resolves, and every student has one
	n=0
	while read -r href; do
		[ -f "$out/$href" ] || { echo "a link to a missing file: $href"; return 1; }
		html_well_formed "$out/$href" || return 1
		n=$((n + 1))
	done < <(grep -o 'href="[^"]*"' "$html" | sed 's/^href="//; s/"$//' | sort -u)
	[ "$n" -eq 5 ] || { echo "want a link to each of the 5 students, got $n"; return 1; }
	# a student's page is the HTML report of the same code and seed: the same score, and the
	# same page but for numbers (drawn from the JSON report, which rounds points to 0.01) and
	# the course version (the sandbox sees no git)
	seed=$(jq .seed "$out/reports/partial.json")
	"$GRADE" --lesson 01 --impl "$partial" --seed "$seed" --batch --no-wall --quiet \
		--student partial --format html >"$d/partial.html" || return 1
	n=$(grep -o 'id="score">[0-9.]*<' "$d/partial.html")
	expect_line "$out/reports/partial.html" "^<div class=\"score\" $n" "the score of grade --format html, $n" &&
		diff <(grep -v '^<footer>' "$d/partial.html" | sed -E 's/[0-9]+(\.[0-9]+)?/N/g') \
			<(grep -v '^<footer>' "$out/reports/partial.html" | sed -E 's/[0-9]+(\.[0-9]+)?/N/g') ||
		{ echo "the batch's page of partial differs from grade --format html (above)"; return 1; }
	if why=$(chromium_unusable); then
		echo "SKIP the screenshot: $why"
	else
		chromium_screenshot "$html" build/test/class-report.png 2000
	fi
}
check "grader-batch-class-report-has-every-section-links-and-renders" grade_class_report

# Where bubblewrap cannot work the batch says so, how to fix it, and refuses (exit 2) unless
# given --no-sandbox. NGRADE_BWRAP stands in for a host without user namespaces.
grade_batch_refuses_without_sandbox() {
	local d=build/test/batch-no-bwrap
	rm -rf "$d" && mkdir -p "$d/subs/x" &&
		cp solutions/01-zero-allocation/skeleton/logfmt.c "$d/subs/x/" || return 1
	NGRADE_BWRAP=/bin/false "$GRADE" batch --lesson 01 "$d/subs" --out "$d/out" 2>"$d/err"
	local rc=$?
	cat "$d/err"
	[ $rc -eq 2 ] || { echo "want exit 2, got $rc"; return 1; }
	grep -q 'apparmor_restrict_unprivileged_userns=0' "$d/err" && grep -q -- '--no-sandbox' "$d/err" ||
		{ echo "want the fix and --no-sandbox named"; return 1; }
	[ ! -e "$d/out/reports/x.json" ] || { echo "graded without the sandbox"; return 1; }
}
check "grader-batch-refuses-without-a-sandbox" grade_batch_refuses_without_sandbox

# Gradescope's run_autograder on a copy of its layout (AUTOGRADER_ROOT): the submission graded
# as a batch of one with the class's seed, results.json written where Gradescope reads it.
grade_gradescope_run_autograder() {
	local d=$PWD/build/test/gradescope
	rm -rf "$d" && mkdir -p "$d/submission" && ln -s "$PWD" "$d/source" &&
		cp "$(variant_made 01 partial)/logfmt.c" "$d/submission/logfmt.c" || return 1
	AUTOGRADER_ROOT=$d LESSON=01 SEED=4242 tools/gradescope/run_autograder >"$d/run.log" 2>&1
	cat "$d/run.log"
	json_holds '.score > 40 and .max_score == 100 and (.tests | length) >= 2 and
		(.leaderboard | length) >= 1 and (.output | test("seed 4242"))' \
		"$d/results/results.json" || { echo "want a graded results.json with seed 4242"; return 1; }
}
check "grader-gradescope-run-autograder-writes-results" grade_gradescope_run_autograder
