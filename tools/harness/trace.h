/* trace.h: a timeline trace in Chrome's trace-event JSON (opens in https://ui.perfetto.dev and
 * chrome://tracing), the C counterpart of `go tool trace`: which thread ran what, and when.
 * Events are kept in memory (one mutex, no I/O while tracing) and written once, by
 * trace_close or at exit. Thread-safe; every function does nothing until trace_open. */
#ifndef TRACE_H
#define TRACE_H

/* Starts recording; the JSON goes to path at trace_close() or at exit. Returns 0, or -1 (with
 * a message on stderr) if tracing was already open or memory runs out. */
int trace_open(const char *path);

/* A span on the calling thread: begin and end nest like calls. name is copied (47 bytes at
 * most are kept), so it may be a buffer the caller reuses. */
void trace_begin(const char *name);
void trace_end(const char *name);

/* An instant event on the calling thread (a marker with no duration). */
void trace_instant(const char *name);

/* Names the calling thread in the viewer ("worker 1", "producer"). */
void trace_thread_name(const char *name);

/* Writes the events to the path given to trace_open and frees them. Returns 0, or -1 with a
 * message on stderr if the file cannot be written. Called at exit if not called before. */
int trace_close(void);

#endif
