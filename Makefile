# Makefile: the one entry point of the course. `make help` lists every target.
# One file, no recursive make: tools/ and grader/ add their rules through module.mk, and one
# lesson template is expanded per lessons/NN-slug/ folder (see tools/lesson.mk).

# {=== settings: the only place compiler flags are defined ===}
CC       := gcc
STD      := -std=c11 -D_GNU_SOURCE
# -Wformat-truncation only guesses at path lengths; bounded snprintf is how this code is safe.
WARN     := -Wall -Wextra -Werror -Wno-format-truncation
DEPFLAGS := -MMD -MP
# normal: the grader and course tools; count: tests linked with the allocation interposer;
# measure: bench drivers run under Valgrind and timed natively; asan and tsan: sanitizers.
# Never let -march follow the build machine ("native"): Valgrind 3.19 dies on the AVX-512
# code gcc then emits on hosts that have it.
# DEBUG_INFO=-g1 (make dist-student's reference objects): function names and line tables, which
# per-function reports need, without types or variables; gcc's code is the same at every -g level.
DEBUG_INFO     := -g
CFLAGS_normal  := -O2 -g
CFLAGS_count   := -O2 $(DEBUG_INFO)
CFLAGS_measure := -O2 $(DEBUG_INFO)
CFLAGS_asan    := -O1 $(DEBUG_INFO) -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
CFLAGS_tsan    := -O1 $(DEBUG_INFO) -fno-omit-frame-pointer -fsanitize=thread
VARIANTS       := normal count measure asan tsan
# Bench drivers bind every symbol at start-up: lazy binding would run the dynamic linker inside
# the measured region (27% of a small region's instructions, measured).
LDFLAGS_measure := -Wl,-z,now
LDLIBS_test    := -lcriterion -lm
LDLIBS_unit    := -lcmocka -lm
# Sanitizer binaries run with address randomisation off (hosts with vm.mmap_rnd_bits=32 break
# them otherwise) and never under an address-space limit.
SANITIZER_RUN  := setarch $(shell uname -m) -R
# }===

BUILD := build
IMPL  ?= student
export NO_COLOR

ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-6s %s\n' '$(1)' '$(2)'
endif

.DEFAULT_GOAL := help
.PHONY: help build deps deps-check grade test test-noise lint format clean baselines baselines-missing-lesson FORCE
.DELETE_ON_ERROR:
# Nothing built is an intermediate file to delete: flag stamps and objects stay between runs.
.SECONDARY:

# The flags of each variant, written only when they change, so objects rebuild on a flag change.
$(BUILD)/flags/%.txt: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(STD) $(WARN) $(CFLAGS_$*)' | cmp -s - $@ || echo '$(CC) $(STD) $(WARN) $(CFLAGS_$*)' > $@

# compile(variant, extra flags): the one compile rule every module uses.
compile = $(CC) $(STD) $(WARN) $(CFLAGS_$(1)) $(DEPFLAGS) $(2) -c $< -o $@

# deps-check runs before anything that compiles: a fresh machine installs what it lacks.
deps-check:
	@tools/deps.sh check >/dev/null 2>&1 || { \
	  echo "make: a dependency is missing ($$(tools/deps.sh check 2>&1 | tr '\n' ' ')): running 'make deps' first"; \
	  tools/deps.sh install; }

deps:
	tools/deps.sh install

include tools/module.mk
include grader/module.mk
include tools/lesson.mk
include tools/student.mk
include tools/profile.mk
include tools/instructor.mk

LESSON_DIRS := $(sort $(wildcard lessons/[0-9][0-9]-*))
$(foreach dir,$(LESSON_DIRS),$(eval $(call LESSON_template,$(dir),$(patsubst lessons/%,%,$(firstword $(subst -, ,$(dir)))))))

build: $(GRADER) $(LESSON_BUILD_ALL)

# make grade: the lesson last built with make lessonNN, or LESSON=NN, or every lesson.
LESSON ?= $(shell cat $(BUILD)/last-lesson 2>/dev/null)
# Each report is also kept as $(COURSE_STATE)/NN-grade.json, with the best score beside it.
grade: $(GRADER) | deps-check
	$(Q)status=0; for l in $(or $(LESSON),$(LESSON_IDS)); do \
	  l=$$(tools/lesson_id.sh "$$l" || printf '%s' "$$l"); rc=0; \
	  $(GRADER) --lesson $$l --json-out $(COURSE_STATE)/$$l-grade.json || rc=$$?; \
	  if [ $$rc -le 1 ]; then tools/student/best.sh $$l; fi; [ $$rc -eq 0 ] || status=$$rc; \
	done; exit $$status

# The student edition (make dist-student) ships the references as objects, no solution sources:
# its make test is tools/edition_test.sh, on the reference and skeleton builds only (your own
# file need not compile). LESSONS="01 04" limits either run to those lessons.
ifneq ($(wildcard solutions/*/obj),)
test: $(GRADER) $(foreach id,$(or $(LESSONS),$(LESSON_IDS)),$(BUILD)/lessons/$(id)/reference/all $(BUILD)/lessons/$(id)/skeleton/all) | deps-check
	$(Q)tools/edition_test.sh
else
test: $(GRADER) $(UNIT_TESTS) $(GRADER_ASAN) $(UNIT_TESTS_ASAN) $(LESSON_BUILD_ALL) | deps-check
	$(Q)tools/course_test.sh
endif

# make test-noise: every partial graded five times quiet and five times under a load this
# target starts and stops itself (two CPU hogs, a memory hog); not part of make test (an hour).
test-noise: $(GRADER) $(LESSON_BUILD_ALL) | deps-check
	$(Q)tools/test_noise.sh

# make lint: shellcheck on every shell script and clang-format on every C file, as make test
# checks them; make format rewrites the C files in the course's style (tools/lint.sh).
lint:
	$(Q)tools/lint.sh
format:
	$(Q)tools/lint.sh format

# make baselines LESSON=NN: the reference beside established libraries and tools, in one run.
baselines: $(if $(LESSON),baselines-$(LESSON),baselines-missing-lesson)
baselines-missing-lesson:
	@echo "make baselines: say which lesson: make baselines LESSON=NN" >&2; exit 2

clean:
	rm -rf $(BUILD)

# The lesson titles in the student tools' language (tools/course_lang.sh): COURSE_LANG=th or a
# Thai locale shows lesson.ini's title_th. Passed on explicitly: make 4.3's $(shell) does not see
# a COURSE_LANG given on the command line.
HELP_LANG = $(shell COURSE_LANG='$(COURSE_LANG)' tools/course_lang.sh)
help_title = $(or $(if $(filter th,$(HELP_LANG)),$(LESSON_TITLE_TH_$(1))),$(LESSON_TITLE_$(1)))

help:
	@echo "Nightmare Level: high-performance C. Start with: make lesson01"
	@echo
	@echo "Lessons (make lessonNN builds and tests one; IMPL=reference runs the reference):"
	@$(foreach id,$(LESSON_IDS),printf '  lesson%s  %s\n' '$(id)' '$(call help_title,$(id))';)
	@echo
	@echo "Targets:"
	@echo "  lessonNN       build lesson NN and run its suites (normal build, then ASan+UBSan)"
	@echo "  grade          score the lesson last built; grade LESSON=NN for one lesson"
	@echo "  build          build the grader, the harness and every lesson, run nothing"
	@echo "  test           the course's own test suite (in the student edition: its own checks)"
	@echo "  baselines        LESSON=NN: the reference beside established libraries, one run"
	@echo "  profile        LESSON=NN: callgrind, massif, perf flame graph of the bench; trace: a timeline"
	@echo "  deps           install the dependencies (apt, dnf) and the grading users"
	@echo "  lint           shellcheck and clang-format on the course's own files (make format fixes C)"
	@echo "  clean          remove build/"
	@echo "  help           this list"
	@echo "  COURSE_LANG=th in front of any target: hints, lesson titles and README pointers in Thai"
	@echo
	@echo "Working alone (LESSON=NN, default: the lesson built last):"
	@echo "  watch          rerun the lesson's suites on every save; h: next hint, q: quit"
	@echo "  hint           the next hint of the lesson, one more each time"
	@echo "  progress       every lesson: suites, budgets, last and best score, next step"
	@echo "  compare        instructions per function, yours vs the reference; your peak-heap stack"
	@echo "  report         the graded report as a web page: build/report-NN.html"
	@echo "  reset          LESSON=NN: put the skeleton back (your file is backed up in .course/)"
	@echo "  doctor         check the compiler, Valgrind, libraries, sandbox and CPU; say the fix"
	@echo "  test-devcontainer  run the dev container's setup in a Debian 12 chroot (minutes)"
	@echo
	@echo "Instructors (README: For instructors):"
	@echo "  batch          LESSON=NN SUBMISSIONS=DIR OUT=DIR [JOBS=2]: grade a class, sandboxed"
	@echo "  dist-student   the course without solution sources: build/dist-student/"
	@echo "  gradescope     LESSON=NN: Gradescope's autograder zip, build/gradescope-NN.zip"
	@echo "  test-cluster   the Slurm and GNU parallel recipes run on this machine (minutes)"
	@echo
	@echo "Options: V=1 shows commands; IMPL=student|reference|skeleton picks the code tested."
	@echo "Grader:  build/grade --lesson NN [--impl PATH]... [--seed N] [--format text|json|html] [--no-wall]"
	@echo
	@tools/student/next_step.sh

FORCE:

# only the course's own object folders: build/ may also hold a Debian chroot (make
# test-devcontainer), and staged submissions never change (their folder is named by content)
-include $(shell find $(addprefix $(BUILD)/,lessons lib grader tests asan) -type f -name '*.d' 2>/dev/null)
