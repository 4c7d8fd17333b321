# tools/instructor.mk: the instructor's targets: grading a class (make batch), the student
# edition without solution sources (make dist-student), Gradescope's autograder (make
# gradescope) and the cluster recipes run for real (make test-cluster). DESIGN section 6.4,
# "Untrusted code"; README's "For instructors".

JOBS ?= 2
.PHONY: batch batch-usage dist-student gradescope gradescope-usage test-cluster

# make batch LESSON=NN SUBMISSIONS=DIR OUT=DIR [JOBS=2] [BATCH_FLAGS='--gradescope ...']
batch: $(if $(and $(LESSON),$(SUBMISSIONS),$(OUT)),$(GRADER),batch-usage) | deps-check
	$(Q)$(GRADER) batch --lesson $(LESSON) $(SUBMISSIONS) --out $(OUT) --jobs $(JOBS) $(BATCH_FLAGS)
batch-usage:
	@echo "make batch: say what to grade: make batch LESSON=NN SUBMISSIONS=DIR OUT=DIR [JOBS=2]" >&2; exit 2

# make dist-student [OUT=DIR]: the course without solution sources; each lesson's reference
# ships as an object built with the course's flags (tools/dist_student.sh says how the grader
# links it). The script builds those objects itself, so nothing else need be built first.
dist-student: | deps-check
	$(Q)tools/dist_student.sh $(or $(OUT),$(BUILD)/dist-student)

# make gradescope LESSON=NN: Gradescope's autograder zip for one lesson.
gradescope: $(if $(LESSON),$(GRADER),gradescope-usage)
	$(Q)tools/gradescope/make_zip.sh $(LESSON) $(BUILD)/gradescope-$(LESSON).zip
gradescope-usage:
	@echo "make gradescope: say which lesson: make gradescope LESSON=NN" >&2; exit 2

# make test-cluster: a class of 40 graded on a single-node Slurm started here (one task killed and
# rerun) and with GNU parallel over ssh to localhost, each gradebook matched against one
# machine's; minutes, not part of make test. Needs tools/deps.sh cluster. It ends with the time
# of each shard with 1, 2 and 4 shards.
test-cluster: $(GRADER) | deps-check
	$(Q)tools/cluster/test_cluster.sh
