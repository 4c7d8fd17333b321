# tools/module.mk: the harness library every lesson's tests and bench drivers link
# (libharness.a), the measurement engine shared by the budget tests and the grader
# (libmeasure.a), and the allocation interposer linked only into the `count` variant.

HARNESS_SRC := $(filter-out tools/harness/alloc_count.c tools/harness/alloc_fail.c tools/harness/crash_report.c tools/harness/cmocka_filter.c,$(wildcard tools/harness/*.c))
MEASURE_SRC := $(wildcard tools/measure/*.c)
HARNESS_LIB := $(BUILD)/lib/libharness.a
MEASURE_LIB := $(BUILD)/lib/libmeasure.a
ALLOC_COUNT_OBJ := $(BUILD)/lib/alloc_count.o
# The --wrap wrappers of a lesson's alloc-fail binary (tools/harness/alloc_fail.h).
ALLOC_FAIL_OBJ := $(BUILD)/lib/alloc_fail.o
# Linked by name, not from the library: a constructor nobody references would be dropped.
CRASH_REPORT_OBJ := $(BUILD)/lib/crash_report.o
# CMOCKA_TEST_FILTER for the cmocka gate programs; linked by name for the same reason.
CMOCKA_FILTER_OBJ := $(BUILD)/lib/cmocka_filter.o

$(BUILD)/lib/%.o: tools/harness/%.c $(BUILD)/flags/normal.txt | deps-check
	@mkdir -p $(@D)
	$(call quiet,CC,$<)
	$(Q)$(call compile,normal,)

$(BUILD)/lib/measure/%.o: tools/measure/%.c $(BUILD)/flags/normal.txt | deps-check
	@mkdir -p $(@D)
	$(call quiet,CC,$<)
	$(Q)$(call compile,normal,-Itools/harness)

$(HARNESS_LIB): $(patsubst tools/harness/%.c,$(BUILD)/lib/%.o,$(HARNESS_SRC))
	@mkdir -p $(@D)
	$(call quiet,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(MEASURE_LIB): $(patsubst tools/measure/%.c,$(BUILD)/lib/measure/%.o,$(MEASURE_SRC))
	@mkdir -p $(@D)
	$(call quiet,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^
