# grader/module.mk: the grading program build/grade and its cmocka unit tests
# (build/tests/test_*, one program per grader/tests/test_*.c).

GRADER := $(BUILD)/grade
GRADER_SRC := $(wildcard grader/*.c)
GRADER_OBJ := $(patsubst grader/%.c,$(BUILD)/grader/%.o,$(GRADER_SRC))
GRADER_LIB := $(BUILD)/lib/libgrader.a
UNIT_TEST_SRC := $(wildcard grader/tests/test_*.c)
UNIT_TESTS := $(patsubst grader/tests/%.c,$(BUILD)/tests/%,$(UNIT_TEST_SRC))

$(BUILD)/grader/%.o: grader/%.c $(BUILD)/flags/normal.txt | deps-check
	@mkdir -p $(@D)
	$(call quiet,CC,$<)
	$(Q)$(call compile,normal,-Itools/measure -Itools/harness)

$(GRADER_LIB): $(filter-out $(BUILD)/grader/main.o,$(GRADER_OBJ))
	@mkdir -p $(@D)
	$(call quiet,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(GRADER): $(BUILD)/grader/main.o $(GRADER_LIB) $(MEASURE_LIB) $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(CFLAGS_normal) $^ -o $@ -larchive -lm

$(BUILD)/tests/%.o: grader/tests/%.c $(BUILD)/flags/normal.txt | deps-check
	@mkdir -p $(@D)
	$(call quiet,CC,$<)
	$(Q)$(call compile,normal,-Igrader -Itools/measure -Itools/harness -DFIXTURES_DIR='"grader/tests/fixtures"' -DTEST_BIN_DIR='"$(BUILD)/tests"')

# test_valgrind_run measures a fixture program under Valgrind through vg_measure.
$(BUILD)/tests/fixture-peak: grader/tests/fixtures/src/peak.c
	@mkdir -p $(@D)
	$(call quiet,CC,$<)
	$(Q)$(CC) -O1 -g $< -o $@
$(BUILD)/tests/test_valgrind_run: | $(BUILD)/tests/fixture-peak

# test_alloc_count checks the interposer itself, so it is the one unit test linked with it.
$(BUILD)/tests/test_alloc_count: $(ALLOC_COUNT_OBJ)
# test_alloc_fail checks the failure-injection wrappers, linked the way a lesson's alloc-fail is.
$(BUILD)/tests/test_alloc_fail: $(ALLOC_FAIL_OBJ)
$(BUILD)/tests/test_alloc_fail: UNIT_LDFLAGS = $(ALLOC_FAIL_WRAP)
$(BUILD)/tests/%: $(BUILD)/tests/%.o $(GRADER_LIB) $(MEASURE_LIB) $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(CFLAGS_normal) $(UNIT_LDFLAGS) $(filter %.o,$^) $(GRADER_LIB) $(MEASURE_LIB) $(HARNESS_LIB) -o $@ $(LDLIBS_unit) -larchive
