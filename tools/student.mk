# tools/student.mk: the self-learner's targets (make watch, hint, progress, compare, reset,
# report, doctor), each a script in tools/student/. A student's own state (test results, hints
# seen, scores, backups) lives in $(COURSE_STATE): .course/ at the course root, outside build/
# so `make clean` keeps it, and outside version control.

COURSE_STATE ?= .course
export COURSE_STATE

# The lesson meant: LESSON=NN, else the one built last, else 01; always two digits. LESSON's
# own default comes later in the Makefile, so this reads build/last-lesson itself.
STUDENT_LESSON = $(shell l='$(or $(LESSON),$(shell cat $(BUILD)/last-lesson 2>/dev/null),01)'; \
	tools/lesson_id.sh "$$l" || printf '%s' "$$l")
# Its student binaries, when that lesson exists (the scripts name a missing one clearly).
STUDENT_LESSON_BUILD = $(if $(filter $(STUDENT_LESSON),$(LESSON_IDS)),$(BUILD)/lessons/$(STUDENT_LESSON)/$(IMPL)/all)

.PHONY: watch hint progress compare reset report doctor test-devcontainer

# watch builds and runs the suites itself, on every change
watch: | deps-check
	$(Q)IMPL=$(IMPL) tools/student/watch.sh $(LESSON)

hint:
	$(Q)tools/student/hint.sh $(LESSON)

# reads files only: no build, no deps-check, well under a second
progress:
	$(Q)tools/student/progress.sh

compare: $(GRADER) $(STUDENT_LESSON_BUILD) | deps-check
	$(Q)IMPL=$(IMPL) tools/student/compare.sh $(STUDENT_LESSON)

# reset replaces the student's file, so the lesson must be named, never guessed
reset:
	$(Q)tools/student/reset.sh $(if $(filter command line environment,$(origin LESSON)),$(LESSON))

report: $(GRADER) | deps-check
	$(Q)l=$(STUDENT_LESSON); out=$(BUILD)/report-$$l.html; rc=0; \
	$(GRADER) --lesson $$l --format html --json-out $(COURSE_STATE)/$$l-grade.json >$$out || rc=$$?; \
	if [ $$rc -gt 1 ]; then rm -f $$out; exit $$rc; fi; \
	tools/student/best.sh $$l; \
	echo "report: $$out (open file://$(CURDIR)/$$out in a browser)"

# doctor must run on a machine where deps-check would fail: no prerequisites
doctor:
	$(Q)tools/student/doctor.sh

# the dev container's post-create step in a Debian 12 chroot: minutes, so not part of make test
test-devcontainer:
	$(Q)tools/student/test_devcontainer.sh
