# tools/profile.mk: profiles and timelines for every lesson, outside grading.
#   make profile LESSON=NN [IMPL=student|reference|skeleton]   callgrind, massif, perf flame graph
#   make trace LESSON=NN [IMPL=...]   a Chrome trace-event timeline (Perfetto): lesson 03's pool;
#                                     for lesson 07, the small traced pool of tools/profile/
#   make profile-selftest             the flame-graph and trace tools on recorded input
# Results go to build/profile/NN/IMPL/. Included by the Makefile before the lesson template
# expands, so the lesson folders are listed here again.

PROFILE_DIRS := $(sort $(wildcard lessons/[0-9][0-9]-*))
# LESSON=7 or 07, or the lesson built last
PROFILE_ID = $(shell tools/lesson_id.sh '$(or $(LESSON),$(shell cat $(BUILD)/last-lesson 2>/dev/null))')
profile_src = $(if $(filter reference,$(IMPL)),solutions/$(notdir $(1)),$(if $(filter skeleton,$(IMPL)),solutions/$(notdir $(1))/skeleton,$(1)))

.PHONY: profile trace profile-usage profile-selftest profile-bad-impl
profile: $(if $(PROFILE_ID),profile-$(PROFILE_ID),profile-usage)
trace: $(if $(PROFILE_ID),trace-$(PROFILE_ID),profile-usage)
profile-usage:
	@echo "make profile / make trace: say which lesson: make profile LESSON=NN [IMPL=student|reference|skeleton]" >&2; exit 2

# PROFILE_template(NN, lesson dir)
define PROFILE_template
.PHONY: profile-$(1) trace-$(1)
profile-$(1): $$(if $$(filter student reference skeleton,$$(IMPL)),$(BUILD)/lessons/$(1)/$$(IMPL)/bench,profile-bad-impl) | deps-check
	$(Q)tools/profile/profile.sh $(2) $(BUILD)/lessons/$(1)/$$(IMPL)/bench $$(call profile_src,$(2)) $(BUILD)/profile/$(1)/$$(IMPL)
$(if $(filter 03 07,$(1)),,trace-$(1):
	@echo "make trace: lesson $(1) has no timeline; its threads, if any, are lesson 03's: make trace LESSON=03" >&2; exit 2)
endef
$(foreach dir,$(PROFILE_DIRS),$(eval $(call PROFILE_template,$(patsubst lessons/%,%,$(firstword $(subst -, ,$(dir)))),$(dir))))

profile-bad-impl:
	@echo "make profile: IMPL is student, reference or skeleton, not '$(IMPL)'" >&2; exit 2
profile-selftest: $(BUILD)/profile/trace_demo
	$(Q)tools/profile/selftest.sh $(BUILD)/profile/trace_demo

# {=== make trace ===}
# Lesson 07: the traced demo pool (tools/profile/trace_demo.c), 4 workers, 64 tasks.
$(BUILD)/profile/trace_demo.o: tools/profile/trace_demo.c $(BUILD)/flags/normal.txt | deps-check
	@mkdir -p $(@D)
	$(call quiet,CC,$<)
	$(Q)$(call compile,normal,-Itools/harness)
$(BUILD)/profile/trace_demo: $(BUILD)/profile/trace_demo.o $(HARNESS_LIB)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(CFLAGS_normal) $^ -o $@ -lpthread
trace-07: $(BUILD)/profile/trace_demo
	@mkdir -p $(BUILD)/profile/07
	$(Q)$(BUILD)/profile/trace_demo $(BUILD)/profile/07/trace.json
	$(Q)tools/profile/trace_check.sh $(BUILD)/profile/07/trace.json

# Lesson 03: its pool (IMPL's pool.c, untouched) and support files, linked with a driver that
# wraps each task the bench would submit; lesson.ini's workload arguments.
TRACE03_DIR := $(firstword $(wildcard lessons/03-*))
ifneq ($(TRACE03_DIR),)
TRACE03_SUPPORT := $(filter-out $(addprefix $(TRACE03_DIR)/,bench.c baselines.c race_test.c alloc_fail_test.c $(notdir $(wildcard $(TRACE03_DIR)/test_*.c)) $(LESSON_INI_STUDENT_03)),$(wildcard $(TRACE03_DIR)/*.c))
$(BUILD)/profile/trace_pool.o: tools/profile/trace_pool.c $(BUILD)/flags/normal.txt | deps-check
	@mkdir -p $(@D)
	$(call quiet,CC,$<)
	$(Q)$(call compile,normal,-I$(TRACE03_DIR) -Itools/harness)
$(BUILD)/profile/03/%/trace_pool: $(BUILD)/profile/trace_pool.o $(addprefix $(BUILD)/lessons/03/%/count/,$(patsubst %.c,%.o,$(LESSON_INI_STUDENT_03))) $(patsubst $(TRACE03_DIR)/%.c,$(BUILD)/lessons/03/common/count/%.o,$(TRACE03_SUPPORT)) $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(CFLAGS_normal) $^ -o $@ -lpthread
trace-03: $(if $(filter student reference skeleton,$(IMPL)),$(BUILD)/profile/03/$(IMPL)/trace_pool,profile-bad-impl)
	$(Q)$(BUILD)/profile/03/$(IMPL)/trace_pool $(BUILD)/profile/03/$(IMPL)/trace.json $(call ini_get,$(TRACE03_DIR)/lesson.ini,workload.args) --seed $(or $(call ini_get,$(TRACE03_DIR)/lesson.ini,workload.seed),1)
	$(Q)tools/profile/trace_check.sh $(BUILD)/profile/03/$(IMPL)/trace.json
endif
# }===
