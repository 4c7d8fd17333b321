/* proc_entries.h: what a test counts to prove that code it ran left nothing behind: the
 * entries of a /proc/self folder, such as /proc/self/fd (open descriptors) or /proc/self/task
 * (threads). Read it before and after, and compare. */
#ifndef PROC_ENTRIES_H
#define PROC_ENTRIES_H

/* Entries of folder, "." and ".." not counted; 0 when it cannot be read. */
long proc_entries(const char *folder);

#endif
