/* slot_lease.h: which slot users (ngradeN and ngradestuN) a batch's child grader runs as,
 * leased machine-wide. The users are per machine, not per batch: two batches on one machine
 * (two Slurm tasks on a node, a make test beside a real batch) that both ran slot 1 as ngrade1
 * shared its process limit (RLIMIT_NPROC counts every process of the user), its zombies, and,
 * without user namespaces, the kill of every process of ngradestu1 after each run. A lease is
 * an exclusive flock on SLOT_LEASE_DIR/ngrade-slot-N.lock (root's, mode 0600), held while the
 * child runs. */
#ifndef SLOT_LEASE_H
#define SLOT_LEASE_H

#include <signal.h>
#include <stddef.h>

#define SLOT_LEASE_DIR "/tmp"
#define SLOT_LEASE_MAX 16 /* users ngrade1 to ngrade16 at most; make deps creates 4 */

struct slot_lease {
	unsigned number; /* 1-based: ngrade<number>, ngradestu<number> */
	int fd;          /* the lock's; -1: nothing held (not root) */
};

/* Leases users for a batch's slot (0-based): the slot's own number when no other child holds
 * it, else the next free number whose ngradeN exists, else waits until one is free or *stop
 * (may be NULL) is set. Not root, or no ngradeN for the slot: the slot's own number, nothing
 * held. Returns 0, or -1 when a lock file cannot be opened or *stop was set (why says). */
int slot_lease_take(unsigned slot, const volatile sig_atomic_t *stop, struct slot_lease *lease,
                    char *why, size_t len);

/* Gives the lease back. */
void slot_lease_release(struct slot_lease *lease);

#endif
