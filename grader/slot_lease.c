/* slot_lease.c: machine-wide leases of the slot users (slot_lease.h). */
#include "slot_lease.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"

/* The lock file of users number n, opened (created root's, 0600: a slot user that could open
 * it could hold the lease past its run), or -1. */
static int open_lock(unsigned n, char *why, size_t len)
{
	char path[64];
	snprintf(path, sizeof path, "%s/ngrade-slot-%u.lock", SLOT_LEASE_DIR, n);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		snprintf(why, len, "cannot open the slot lock '%s': %s", path, strerror(errno));
	return fd;
}

/* Whether ngrade<n> exists (sandbox_slot_user takes a 0-based slot). */
static int users_exist(unsigned n)
{
	struct sandbox_user u;
	sandbox_slot_user(n - 1, &u);
	return u.uid != 0;
}

/* Tries every number once, the slot's own first, so that one batch alone keeps slot N on
 * ngradeN. Returns 1 with a lease, 0 when every number is held, -1 on an error. */
static int try_all(unsigned slot, struct slot_lease *lease, char *why, size_t len)
{
	for (unsigned k = 0; k < SLOT_LEASE_MAX; k++) {
		unsigned n = (slot + k) % SLOT_LEASE_MAX + 1;
		if (!users_exist(n))
			continue;
		int fd = open_lock(n, why, len);
		if (fd < 0)
			return -1;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			lease->number = n;
			lease->fd = fd;
			return 1;
		}
		close(fd);
	}
	return 0;
}

int slot_lease_take(unsigned slot, const volatile sig_atomic_t *stop, struct slot_lease *lease,
                    char *why, size_t len)
{
	lease->number = slot + 1;
	lease->fd = -1;
	if (geteuid() != 0 || !users_exist(slot + 1))
		return 0; /* no slot users: nothing to share */
	for (;;) { /* every number held: another batch's child ends within CHILD_WALL_LIMIT */
		int got = try_all(slot, lease, why, len);
		if (got != 0)
			return got > 0 ? 0 : -1;
		if (stop != NULL && *stop) {
			snprintf(why, len, "stopped while waiting for a free slot user");
			return -1;
		}
		nanosleep(&(struct timespec){.tv_nsec = 200000000}, NULL);
	}
}

void slot_lease_release(struct slot_lease *lease)
{
	if (lease->fd >= 0)
		close(lease->fd); /* closing the only descriptor drops the flock */
	lease->fd = -1;
}
