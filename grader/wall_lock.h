/* wall_lock.h: build/wall.lock, which keeps other jobs off the CPUs while a grading times
 * (DESIGN section 4.5). Every grading holds it shared; a timing whose score counts wall-clock
 * time holds it alone. A turnstile beside it (build/wall.lock.turnstile) gives the one waiting
 * to be alone the next turn: flock(2) has no such order, so with three make test slots the
 * other two kept taking the lock shared in turn and a timing waited until the queue ran dry. */
#ifndef WALL_LOCK_H
#define WALL_LOCK_H

struct wall_lock {
	int fd; /* build/wall.lock, or -1: no lock (a copy of the course that cannot have one) */
	int turnstile; /* build/wall.lock.turnstile, or -1 */
};

/* Opens both files in the course root (the current folder), creating them when it can: a
 * batch's sandboxed children open them read-only, which flock allows. */
void wall_lock_open(struct wall_lock *l);

/* Closes both files: every hold of this process ends. */
void wall_lock_close(struct wall_lock *l);

/* Takes the lock shared, after any job that waits to be alone. Under NGRADE_WALL_HELD=1 an
 * ancestor holds it shared for this whole job (a make test check): this job then skips the
 * turnstile, or a timing that holds the turnstile would wait on the ancestor, and the ancestor
 * on this job. */
void wall_lock_share(const struct wall_lock *l);

/* Converts a shared hold to exclusive: lets it go, then waits, holding the turnstile, until
 * every other hold has ended. Under NGRADE_WALL_HELD=1 it does nothing: the ancestor's hold
 * ends only after this job, so the wait would never end. */
void wall_lock_alone(const struct wall_lock *l);

/* Converts an exclusive hold back to shared, without the turnstile: a job queued there waits
 * for this very hold to end. */
void wall_lock_no_longer_alone(const struct wall_lock *l);

#endif
