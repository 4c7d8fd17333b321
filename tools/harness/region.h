/* region.h: marks the measured region of a bench driver. Callgrind runs with
 * --instr-atstart=no, so only instructions between REGION_BEGIN and REGION_END are counted.
 * REGION_END also prints "region_ns N", the region's monotonic wall time, which the grader's
 * native timing reads: timing the whole process would drown the region in start-up and input
 * generation (an A/A noise of 1.76x on lesson 01, measured). It also prints the region's CPU
 * time (all threads: busy-waiting shows as CPU time above wall time), context switches, minor
 * page faults, and the process's peak RSS so far ("region_cpu_ns N", "region_csw N",
 * "region_minflt N", "region_max_rss BYTES"). Print nothing after the region that the grader
 * reads but the checksum line. */
#ifndef REGION_H
#define REGION_H

void region_begin(void);
void region_end(void);

#define REGION_BEGIN() region_begin()
#define REGION_END()   region_end()

#endif
