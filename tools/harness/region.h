/* region.h: marks the measured region of a bench driver. Callgrind runs with
 * --instr-atstart=no, so only instructions between REGION_BEGIN and REGION_END are counted.
 * REGION_END also prints "region_ns N", the region's monotonic wall time, which the grader's
 * native timing reads: timing the whole process would drown the region in start-up and input
 * generation (an A/A noise of 1.76x on lesson 01, measured). Print nothing after the region
 * that the grader reads but the checksum line. */
#ifndef REGION_H
#define REGION_H

void region_begin(void);
void region_end(void);

#define REGION_BEGIN() region_begin()
#define REGION_END() region_end()

#endif
