# tools/lesson.mk: the lesson template, expanded once per lessons/NN-slug/ by the Makefile.
# For each lesson and each implementation (student, reference, skeleton, or a folder the grader
# staged) it builds three binaries in build/lessons/NN/IMPL/:
#   test       the Criterion suites, `count` variant (allocation interposer linked in)
#   test-asan  the same suites under AddressSanitizer + UBSan
#   bench      the workload driver, `measure` variant, run under Valgrind and timed natively
# and, when the lesson has them, two cmocka programs (Criterion aborts under TSan, and --wrap
# must not reach Criterion's own allocations):
#   race       race_test.c under ThreadSanitizer: the data-race gate
#   alloc-fail alloc_fail_test.c linked with -Wl,--wrap=malloc,... (tools/harness/alloc_fail.h)
# Course-owned sources (bench.c, test_*.c, support files) are compiled once per variant into
# build/lessons/NN/common/VARIANT/; only the student file(s) are compiled per implementation.

# Every allocation entry point a lesson's code may call, for the alloc-fail binary: mappings
# too, so memory taken with mmap fails and leaks like any other (tools/harness/alloc_fail.h).
ALLOC_FAIL_WRAP := $(foreach f,malloc calloc realloc free aligned_alloc posix_memalign mmap mmap64 mremap munmap,-Wl,--wrap=$(f))

# lesson.ini is read by the grader (grade ini), as strictly as it grades: make cannot see a
# lesson otherwise than the grader does. What make needs while it reads the Makefile (titles,
# student files) comes from a generated include, for which make first builds the grader and then
# starts again; goals that must work before anything is built do without it. LESSON_INI_READER
# is the grader to ask (dist_student.sh's object build passes build/grade).
LESSON_INI_READER ?= $(GRADER)
LESSON_INI_MK := $(BUILD)/lesson-ini.mk
LESSON_INI_FILES := $(wildcard lessons/[0-9][0-9]-*/lesson.ini)
$(LESSON_INI_MK): tools/lesson_ini_mk.sh $(LESSON_INI_READER) $(LESSON_INI_FILES)
	@mkdir -p $(@D)
	$(Q)tools/lesson_ini_mk.sh $(LESSON_INI_READER) $(LESSON_INI_FILES) >$@.tmp && mv $@.tmp $@
ifneq ($(filter-out clean deps deps-check doctor lint format,$(or $(MAKECMDGOALS),help)),)
include $(LESSON_INI_MK)
endif
# ini_get(file, SECTION.KEY): a value of a lesson.ini, in a recipe (the grader is built by then).
ini_get = $(shell $(LESSON_INI_READER) ini $(1) $(2))
objects_of = $(patsubst %.S,%.o,$(patsubst %.c,%.o,$(1)))

LESSON_IDS :=
LESSON_BUILD_ALL :=

# Student files are compiled as "student/FILE" in the debug info, wherever they sit, so the same
# code builds into the same binary bytes in every folder and its measurements come from the cache.
impl_flags = -I$(1) -Itools/harness -ffile-prefix-map=$(2)=student/$(notdir $(2))

# PREBUILT_template(source dir, output dir, variant)
define PREBUILT_template
$(2)/$(3)/%.o: $(1)/obj/$(3)/%.o
	@mkdir -p $$(@D)
	$(Q)cp $$< $$@
endef

# IMPL_template(NN, lesson dir, impl name, source dir, output dir)
define IMPL_template
$(5)/count/%.o: $(4)/%.c $(BUILD)/flags/count.txt | deps-check
	@mkdir -p $$(@D)
	$$(call quiet,CC,$$<)
	$(Q)$$(call compile,count,$$(call impl_flags,$(2),$$<))
$(5)/asan/%.o: $(4)/%.c $(BUILD)/flags/asan.txt | deps-check
	@mkdir -p $$(@D)
	$$(call quiet,CC,$$< [asan])
	$(Q)$$(call compile,asan,$$(call impl_flags,$(2),$$<))
$(5)/measure/%.o: $(4)/%.c $(BUILD)/flags/measure.txt | deps-check
	@mkdir -p $$(@D)
	$$(call quiet,CC,$$< [measure])
	$(Q)$$(call compile,measure,$$(call impl_flags,$(2),$$<))
$(5)/tsan/%.o: $(4)/%.c $(BUILD)/flags/tsan.txt | deps-check
	@mkdir -p $$(@D)
	$$(call quiet,CC,$$< [tsan])
	$(Q)$$(call compile,tsan,$$(call impl_flags,$(2),$$<))
$(5)/tsan/%.o: $(4)/%.S $(BUILD)/flags/tsan.txt | deps-check
	@mkdir -p $$(@D)
	$(Q)$$(call compile,tsan,-I$(2))
$(5)/measure/%.o: $(4)/%.S $(BUILD)/flags/measure.txt | deps-check
	@mkdir -p $$(@D)
	$(Q)$$(call compile,measure,-I$(2))
$(5)/count/%.o: $(4)/%.S $(BUILD)/flags/count.txt | deps-check
	@mkdir -p $$(@D)
	$(Q)$$(call compile,count,-I$(2))
$(5)/asan/%.o: $(4)/%.S $(BUILD)/flags/asan.txt | deps-check
	@mkdir -p $$(@D)
	$(Q)$$(call compile,asan,-I$(2))

# The student edition (make dist-student) ships the reference as objects, not sources: where
# a source is absent, its object comes from $(4)/obj/VARIANT/.
$(foreach v,count asan measure tsan,$(eval $(call PREBUILT_template,$(4),$(5),$(v))))

$(5)/test: $(addprefix $(5)/count/,$(L$(1)_STUDENT_OBJ)) $(L$(1)_COMMON_count) $(ALLOC_COUNT_OBJ) $(CRASH_REPORT_OBJ) $(HARNESS_LIB) $(MEASURE_LIB)
	$$(call quiet,LD,$$@)
	$(Q)$(CC) $(CFLAGS_count) $$^ -o $$@ $(LDLIBS_test)
$(5)/test-asan: $(addprefix $(5)/asan/,$(L$(1)_STUDENT_OBJ)) $(L$(1)_COMMON_asan) $(CRASH_REPORT_OBJ) $(HARNESS_LIB) $(MEASURE_LIB)
	$$(call quiet,LD,$$@)
	$(Q)$(CC) $(CFLAGS_asan) $$^ -o $$@ $(LDLIBS_test)
$(5)/bench: $(addprefix $(5)/measure/,$(L$(1)_STUDENT_OBJ)) $(L$(1)_COMMON_measure) $(HARNESS_LIB)
	$$(call quiet,LD,$$@)
	$(Q)$(CC) $(CFLAGS_measure) $(LDFLAGS_measure) $$^ -o $$@ -lm
$(5)/race: $(addprefix $(5)/tsan/,$(L$(1)_STUDENT_OBJ)) $(L$(1)_COMMON_tsan) $(CMOCKA_FILTER_OBJ) $(HARNESS_LIB)
	$$(call quiet,LD,$$@)
	$(Q)$(CC) $(CFLAGS_tsan) $$^ -o $$@ $(LDLIBS_unit) -lpthread
$(5)/alloc-fail: $(addprefix $(5)/count/,$(L$(1)_STUDENT_OBJ)) $(L$(1)_ALLOC_FAIL_OBJ) $(L$(1)_SUPPORT_count) $(ALLOC_FAIL_OBJ) $(CMOCKA_FILTER_OBJ) $(HARNESS_LIB)
	$$(call quiet,LD,$$@)
	$(Q)$(CC) $(CFLAGS_count) $(ALLOC_FAIL_WRAP) $$^ -o $$@ $(LDLIBS_unit) -lpthread
.PHONY: $(5)/all
$(5)/all: $(5)/test $(5)/test-asan $(5)/bench $(if $(L$(1)_RACE),$(5)/race) $(if $(L$(1)_ALLOC_FAIL),$(5)/alloc-fail)
endef

# COMMON_template(NN, lesson dir, variant, sources)
define COMMON_template
$(BUILD)/lessons/$(1)/common/$(3)/%.o: $(2)/%.c $(BUILD)/flags/$(3).txt | deps-check
	@mkdir -p $$(@D)
	$$(call quiet,CC,$$< [$(3)])
	$(Q)$$(call compile,$(3),-I$(2) -Itools/harness -Itools/measure -DLESSON_INI='"$(abspath $(2))/lesson.ini"')
L$(1)_COMMON_$(3) := $(addprefix $(BUILD)/lessons/$(1)/common/$(3)/,$(call objects_of,$(notdir $(4))))
endef

# ANCHORS_template(NN, lesson dir): `make baselines LESSON=NN` measures the reference beside
# established libraries and tools in one run. A lesson gives baselines.c (a driver linked with
# the reference and [baselines] libs of lesson.ini), baselines.sh (for baselines that are programs:
# wrk, allocators by LD_PRELOAD), or both; [baselines] packages are installed on first use.
define ANCHORS_template
.PHONY: baselines-$(1) baseline-packages-$(1)
baseline-packages-$(1): | deps-check
	$(Q)tools/deps.sh packages $$(call ini_get,$(2)/lesson.ini,baselines.packages)
$(BUILD)/lessons/$(1)/baselines: $(BUILD)/lessons/$(1)/common/measure/baselines.o $$(addprefix $(BUILD)/lessons/$(1)/reference/measure/,$$(L$(1)_STUDENT_OBJ)) $$(filter-out %/bench.o,$$(L$(1)_COMMON_measure)) $(HARNESS_LIB) | baseline-packages-$(1)
	$$(call quiet,LD,$$@)
	$(Q)$(CC) $(CFLAGS_measure) $(LDFLAGS_measure) $$^ -o $$@ $$(call ini_get,$(2)/lesson.ini,baselines.libs) -lm
baselines-$(1): $(BUILD)/lessons/$(1)/reference/all $(BUILD)/lessons/$(1)/skeleton/all $(if $(wildcard $(2)/baselines.c),$(BUILD)/lessons/$(1)/baselines) | baseline-packages-$(1)
	$(Q)GRADE=$(LESSON_INI_READER) tools/run_baselines.sh $(2) $(BUILD)/lessons/$(1)
endef

# LESSON_template(lesson dir, NN)
define LESSON_template
LESSON_IDS += $(2)
LESSON_DIR_$(2) := $(1)
LESSON_TITLE_$(2) := $(LESSON_INI_TITLE_$(2))
LESSON_TITLE_TH_$(2) := $(LESSON_INI_TITLE_TH_$(2))
L$(2)_STUDENT := $(LESSON_INI_STUDENT_$(2))
L$(2)_STUDENT_OBJ := $$(call objects_of,$$(L$(2)_STUDENT))
L$(2)_TESTS := $(wildcard $(1)/test_*.c)
L$(2)_RACE := $(wildcard $(1)/race_test.c)
L$(2)_ALLOC_FAIL := $(wildcard $(1)/alloc_fail_test.c)
L$(2)_SUPPORT := $$(filter-out $$(addprefix $(1)/,$$(L$(2)_STUDENT)) $(1)/bench.c $(1)/baselines.c $$(L$(2)_TESTS) $$(L$(2)_RACE) $$(L$(2)_ALLOC_FAIL),$(wildcard $(1)/*.c))
$$(eval $$(call COMMON_template,$(2),$(1),count,$$(L$(2)_TESTS) $$(L$(2)_SUPPORT)))
L$(2)_SUPPORT_count := $$(addprefix $(BUILD)/lessons/$(2)/common/count/,$$(call objects_of,$$(notdir $$(L$(2)_SUPPORT))))
L$(2)_ALLOC_FAIL_OBJ := $$(addprefix $(BUILD)/lessons/$(2)/common/count/,$$(call objects_of,$$(notdir $$(L$(2)_ALLOC_FAIL))))
$$(eval $$(call COMMON_template,$(2),$(1),tsan,$$(L$(2)_RACE) $$(L$(2)_SUPPORT)))
$$(eval $$(call COMMON_template,$(2),$(1),asan,$$(L$(2)_TESTS) $$(L$(2)_SUPPORT)))
$$(eval $$(call COMMON_template,$(2),$(1),measure,$(1)/bench.c $$(L$(2)_SUPPORT)))
$$(eval $$(call IMPL_template,$(2),$(1),student,$(1),$(BUILD)/lessons/$(2)/student))
$$(eval $$(call IMPL_template,$(2),$(1),reference,solutions/$(notdir $(1)),$(BUILD)/lessons/$(2)/reference))
$$(eval $$(call IMPL_template,$(2),$(1),skeleton,solutions/$(notdir $(1))/skeleton,$(BUILD)/lessons/$(2)/skeleton))
$$(if $$(and $$(IMPL_SRC),$$(filter $(2),$$(LESSON))),$$(eval $$(call IMPL_template,$(2),$(1),custom,$$(IMPL_SRC),$$(IMPL_OUT))))
$$(eval $$(call ANCHORS_template,$(2),$(1)))
LESSON_BUILD_ALL += $(BUILD)/lessons/$(2)/student/all $(BUILD)/lessons/$(2)/reference/all $(BUILD)/lessons/$(2)/skeleton/all

.PHONY: lesson$(2)
lesson$(2): $(BUILD)/lessons/$(2)/$$(IMPL)/all $(GRADER)
	@echo $(2) > $(BUILD)/last-lesson
	$(Q)GRADE=$(GRADER) tools/run_lesson.sh $(1) $(BUILD)/lessons/$(2)/$$(IMPL) '$(SANITIZER_RUN)'
endef
