/* batch.h: `grade batch`: grades every submission of one lesson in a folder, each by a child
 * grader in the sandbox, on a fixed pool of workers; writes the gradebook, one report per
 * student and the CI formats as each student finishes, so a killed batch resumes where it
 * stopped. DESIGN section 6.4 ("Untrusted code") is the design. */
#ifndef BATCH_H
#define BATCH_H

/* argv[0] is "batch". Returns the process's exit code: 0 when every submission has a gradebook
 * row, 1 when some have none, 2 for usage or internal errors. */
int batch_main(int argc, char **argv);

/* argv[0] is "batch-merge": `grade batch-merge --out DIR SHARD_DIR...` (batch_merge.c). */
int batch_merge_main(int argc, char **argv);

#endif
