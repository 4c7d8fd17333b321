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

# {=== the grader and its unit tests once more under AddressSanitizer + UBSan (make test) ===}
# Objects in build/asan/; the programs sit where course_root() finds the course two folders up,
# as it does for build/grade: build/grade-asan and build/tests-asan/test_*. test_alloc_count is
# left out: its allocation interposer replaces the malloc ASan must own (as a lesson's test-asan
# leaves it out).
ASAN_BUILD := $(BUILD)/asan
GRADER_ASAN := $(BUILD)/grade-asan
ASAN_GRADER_LIB := $(ASAN_BUILD)/lib/libgrader.a
ASAN_MEASURE_LIB := $(ASAN_BUILD)/lib/libmeasure.a
ASAN_HARNESS_LIB := $(ASAN_BUILD)/lib/libharness.a
UNIT_TESTS_ASAN := $(patsubst $(BUILD)/tests/%,$(BUILD)/tests-asan/%,$(filter-out %/test_alloc_count,$(UNIT_TESTS)))

$(ASAN_BUILD)/grader/%.o: grader/%.c $(BUILD)/flags/asan.txt | deps-check
	@mkdir -p $(@D)
	$(call quiet,CC,$< [asan])
	$(Q)$(call compile,asan,-Itools/measure -Itools/harness)
$(ASAN_BUILD)/measure/%.o: tools/measure/%.c $(BUILD)/flags/asan.txt | deps-check
	@mkdir -p $(@D)
	$(call quiet,CC,$< [asan])
	$(Q)$(call compile,asan,-Itools/harness)
$(ASAN_BUILD)/harness/%.o: tools/harness/%.c $(BUILD)/flags/asan.txt | deps-check
	@mkdir -p $(@D)
	$(call quiet,CC,$< [asan])
	$(Q)$(call compile,asan,)
$(ASAN_BUILD)/tests/%.o: grader/tests/%.c $(BUILD)/flags/asan.txt | deps-check
	@mkdir -p $(@D)
	$(call quiet,CC,$< [asan])
	$(Q)$(call compile,asan,-Igrader -Itools/measure -Itools/harness -DFIXTURES_DIR='"grader/tests/fixtures"' -DTEST_BIN_DIR='"$(BUILD)/tests"')

$(ASAN_GRADER_LIB): $(patsubst $(BUILD)/grader/%,$(ASAN_BUILD)/grader/%,$(filter-out $(BUILD)/grader/main.o,$(GRADER_OBJ)))
$(ASAN_MEASURE_LIB): $(patsubst tools/measure/%.c,$(ASAN_BUILD)/measure/%.o,$(MEASURE_SRC))
$(ASAN_HARNESS_LIB): $(patsubst tools/harness/%.c,$(ASAN_BUILD)/harness/%.o,$(HARNESS_SRC))
$(ASAN_GRADER_LIB) $(ASAN_MEASURE_LIB) $(ASAN_HARNESS_LIB):
	@mkdir -p $(@D)
	$(call quiet,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(GRADER_ASAN): $(ASAN_BUILD)/grader/main.o $(ASAN_GRADER_LIB) $(ASAN_MEASURE_LIB) $(ASAN_HARNESS_LIB)
	@mkdir -p $(@D)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(CFLAGS_asan) $^ -o $@ -larchive -lm

$(BUILD)/tests-asan/test_valgrind_run: | $(BUILD)/tests/fixture-peak
$(BUILD)/tests-asan/test_alloc_fail: $(ASAN_BUILD)/harness/alloc_fail.o
$(BUILD)/tests-asan/test_alloc_fail: UNIT_LDFLAGS = $(ALLOC_FAIL_WRAP)
$(BUILD)/tests-asan/%: $(ASAN_BUILD)/tests/%.o $(ASAN_GRADER_LIB) $(ASAN_MEASURE_LIB) $(ASAN_HARNESS_LIB)
	@mkdir -p $(@D)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(CFLAGS_asan) $(UNIT_LDFLAGS) $(filter %.o,$^) $(ASAN_GRADER_LIB) $(ASAN_MEASURE_LIB) $(ASAN_HARNESS_LIB) -o $@ $(LDLIBS_unit) -larchive
# }===
