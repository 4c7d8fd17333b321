/* proc_entries.c: counts the entries of a /proc/self folder. opendir allocates inside libc,
 * so an alloc-fail test's --wrap counters do not see it. */
#include "proc_entries.h"

#include <dirent.h>
#include <stddef.h>

long proc_entries(const char *folder)
{
	long n = 0;
	DIR *d = opendir(folder);
	for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
		n += e->d_name[0] != '.';
	if (d != NULL)
		closedir(d);
	return n;
}
