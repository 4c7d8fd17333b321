/* sandbox.h: bubblewrap around everything a batch runs on a student's behalf (DESIGN section 6.4,
 * layer 4): the child grader that compiles, gates and measures one submission runs with no
 * network, a new PID namespace and session, no capabilities, the whole system read-only, a
 * size-capped private /tmp, the batch's outputs and the submissions hidden, the lesson's
 * solution sources replaced by empty files (so `#include` of the reference gets nothing),
 * /dev/zero replaced by /dev/null, and one writable folder: the student's own work folder
 * mounted over build/staging. As root it also drops to the slot's user (ngrade1, ngrade2, ...). */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <limits.h>
#include <stddef.h>

#define SANDBOX_MAX_ARGS     320
#define SANDBOX_MAX_SHADOWED 96

struct sandbox {
	char bwrap[PATH_MAX]; /* the bwrap binary */
	char course_root[PATH_MAX];
	char hide[4][PATH_MAX]; /* folders replaced by an empty tmpfs (outputs, inputs) */
	size_t n_hide;
	char decoy_from[PATH_MAX]; /* solutions/NN-slug, seen as ... */
	char decoy_to[PATH_MAX];   /* ... this tree of empty files with the same mtimes */
	/* build folders of trusted code (the reference's, the skeleton's): each is a private
	 * writable tmpfs in which every entry but the logs and locks is the real one, read-only,
	 * so the grader can write its build.log there and nobody can alter a binary */
	char *shadowed_dirs[4];
	size_t n_shadowed_dirs;
	char *shadowed[SANDBOX_MAX_SHADOWED];
	size_t n_shadowed;
};

struct sandbox_user {
	unsigned uid, gid; /* 0: stay who we are (not root, or no such user) */
	char name[32];
};

/* Finds bwrap and checks that it can make the namespaces here. Returns 0, or -1 with what is
 * missing and how to fix it in why (several lines). */
int sandbox_probe(const struct sandbox_user *user, char *why, size_t len);

/* The slot's user when running as root: ngrade<slot+1> if it exists. */
void sandbox_slot_user(unsigned slot, struct sandbox_user *out);

/* Adds dir (relative to the course root) to sb's shadowed build folders, listing its entries
 * now. Returns 0, or -1 when it is missing or has too many entries. */
int sandbox_shadow(struct sandbox *sb, const char *dir);

/* Builds in argv the bwrap command that runs inner (NULL-terminated) with work_dir writable
 * as build/staging. argv must hold SANDBOX_MAX_ARGS pointers; the strings live in sb and
 * work_dir. Returns 0, or -1 when inner is too long. */
int sandbox_argv(const struct sandbox *sb, const char *work_dir, char *const *inner, char **argv);

/* Writes the decoy tree for solutions folder from into to: every file of from with its mtime,
 * empty, except those under skeleton/ which are copied whole (the skeleton is no secret and
 * the grader measures it). Returns 0 or -1 with a reason. */
int sandbox_make_decoy(const char *from, const char *to, char *err, size_t errlen);

#endif
