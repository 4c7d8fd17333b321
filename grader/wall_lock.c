/* wall_lock.c: the wall lock and its turnstile (wall_lock.h). */
#include "wall_lock.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_lock_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	return fd >= 0 ? fd : open(path, O_RDONLY | O_CLOEXEC);
}

void wall_lock_open(struct wall_lock *l)
{
	mkdir("build", 0755);
	l->fd = open_lock_file("build/wall.lock");
	l->turnstile = l->fd >= 0 ? open_lock_file("build/wall.lock.turnstile") : -1;
}

void wall_lock_close(struct wall_lock *l)
{
	if (l->fd >= 0)
		close(l->fd);
	if (l->turnstile >= 0)
		close(l->turnstile);
	l->fd = l->turnstile = -1;
}

static int ancestor_holds_it(void)
{
	const char *held = getenv("NGRADE_WALL_HELD");
	return held != NULL && strcmp(held, "1") == 0;
}

void wall_lock_share(const struct wall_lock *l)
{
	if (l->fd < 0)
		return;
	int through_turnstile = l->turnstile >= 0 && !ancestor_holds_it();
	if (through_turnstile)
		flock(l->turnstile, LOCK_EX);
	flock(l->fd, LOCK_SH);
	if (through_turnstile)
		flock(l->turnstile, LOCK_UN);
}

void wall_lock_no_longer_alone(const struct wall_lock *l)
{
	if (l->fd >= 0)
		flock(l->fd, LOCK_SH);
}

void wall_lock_alone(const struct wall_lock *l)
{
	/* an ancestor's shared hold would never end before this job's: waiting for it would hang
	 * every job behind the turnstile; the timing runs beside what runs, and says so if busy */
	if (l->fd < 0 || ancestor_holds_it())
		return;
	/* the shared hold goes first: two gradings that both wanted to be alone deadlocked, one
	 * holding the turnstile and waiting for the other's shared hold, the other holding it and
	 * waiting at the turnstile (measured; flock's own conversion drops it first too) */
	flock(l->fd, LOCK_UN);
	if (l->turnstile >= 0)
		flock(l->turnstile, LOCK_EX);
	flock(l->fd, LOCK_EX);
	if (l->turnstile >= 0)
		flock(l->turnstile, LOCK_UN);
}
