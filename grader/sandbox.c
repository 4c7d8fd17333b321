/* sandbox.c: the bwrap command line of a batch's child graders, and the checks that it works. */
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"

#define TMP_BYTES "536870912" /* a student's /tmp: Valgrind's outputs fit, a disk filler not */

/* NGRADE_BWRAP names another bwrap (an unusual install; the course's test of a host where
 * bubblewrap cannot work). */
static const char *find_bwrap(void)
{
	const char *chosen = getenv("NGRADE_BWRAP");
	if (chosen != NULL && chosen[0] != '\0')
		return access(chosen, X_OK) == 0 ? chosen : NULL;
	static const char *const places[] = {"/usr/bin/bwrap", "/usr/local/bin/bwrap",
	                                     "/bin/bwrap"};
	for (size_t i = 0; i < sizeof places / sizeof *places; i++)
		if (access(places[i], X_OK) == 0)
			return places[i];
	return NULL;
}

void sandbox_slot_user(unsigned slot, struct sandbox_user *out)
{
	memset(out, 0, sizeof *out);
	if (geteuid() != 0)
		return;
	snprintf(out->name, sizeof out->name, "ngrade%u", slot + 1);
	struct passwd *pw = getpwnam(out->name);
	if (pw == NULL || pw->pw_uid == 0) {
		out->name[0] = '\0';
		return;
	}
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
}

int sandbox_probe(const struct sandbox_user *user, char *why, size_t len)
{
	const char *bwrap = find_bwrap();
	if (bwrap == NULL) {
		snprintf(why, len,
		         "bubblewrap (bwrap) is not installed\n"
		         "  install it: 'sudo apt-get install bubblewrap' (or run 'make deps')");
		return -1;
	}
	char *argv[] = {(char *)bwrap,
	                "--unshare-all",
	                "--die-with-parent",
	                "--new-session",
	                "--cap-drop",
	                "ALL",
	                "--ro-bind",
	                "/",
	                "/",
	                "--proc",
	                "/proc",
	                "--dev",
	                "/dev",
	                "true",
	                NULL};
	struct proc_spec spec = {
	    .argv = argv, .wall_limit = 20, .run_uid = user->uid, .run_gid = user->gid};
	struct proc_result r;
	if (proc_run(&spec, &r) == 0 && r.exited && r.exit_code == 0)
		return 0;
	snprintf(
	    why, len,
	    "bubblewrap cannot create user namespaces here%s%s\n"
	    "  on Ubuntu 24.04 AppArmor blocks them: 'sudo sysctl -w "
	    "kernel.apparmor_restrict_unprivileged_userns=0'\n"
	    "  elsewhere check 'sysctl user.max_user_namespaces' (must be > 0); in a container, "
	    "allow unshare (e.g. docker --security-opt seccomp=unconfined)\n"
	    "  or grade without the sandbox, trusting every submission: --no-sandbox",
	    user->uid ? " as " : "", user->uid ? user->name : "");
	return -1;
}

int sandbox_argv(const struct sandbox *sb, const char *work_dir, char *const *inner,
                 struct sandbox_command *cmd)
{
	char **argv = cmd->argv;
	size_t n = 0;
	const char *bwrap = find_bwrap();
	/* clang-format off */
	char *head[] = {
	    (char *)(bwrap ? bwrap : "bwrap"), "--unshare-all", "--die-with-parent",
	    "--new-session", "--cap-drop", "ALL", "--clearenv",
	    "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin", "--setenv", "LC_ALL", "C",
	    "--setenv", "HOME", "/tmp",
	    "--setenv", "NGRADE_PREBUILT", "1", /* build.c: the reference is built already */
	    "--ro-bind", "/", "/", "--dev", "/dev",
	    "--ro-bind", "/dev/null", "/dev/zero", /* #include "/dev/zero" hangs gcc */
	    "--proc", "/proc", "--size", TMP_BYTES, "--tmpfs", "/tmp",
	    "--tmpfs", "/var/tmp", "--tmpfs", "/dev/shm", NULL};
	/* clang-format on */
	for (size_t i = 0; head[i] != NULL; i++)
		argv[n++] = head[i];
	/* a course that lives under /tmp (a CI's clean clone) would vanish under the private /tmp
	 * and come back as empty, writable folders: mount it again, read-only, over the tmpfs */
	argv[n++] = "--ro-bind";
	argv[n++] = (char *)sb->course_root;
	argv[n++] = (char *)sb->course_root;
	for (size_t i = 0; i < sb->n_hide; i++) {
		argv[n++] = "--tmpfs";
		argv[n++] = (char *)sb->hide[i];
	}
	if (sb->decoy_to[0] != '\0') {
		argv[n++] = "--ro-bind";
		argv[n++] = (char *)sb->decoy_to;
		argv[n++] = (char *)sb->decoy_from;
	}
	for (size_t i = 0; i < sb->n_shadowed_dirs; i++) {
		argv[n++] = "--tmpfs";
		argv[n++] = sb->shadowed_dirs[i];
	}
	for (size_t i = 0; i < sb->n_shadowed; i++) {
		argv[n++] = "--ro-bind";
		argv[n++] = sb->shadowed[i];
		argv[n++] = sb->shadowed[i];
	}
	snprintf(cmd->staging, sizeof cmd->staging, "%s/build/staging", sb->course_root);
	char *tail[] = {"--bind",  (char *)work_dir,        cmd->staging,
	                "--chdir", (char *)sb->course_root, "--",
	                NULL};
	for (size_t i = 0; tail[i] != NULL; i++)
		argv[n++] = tail[i];
	for (size_t i = 0; inner[i] != NULL; i++) {
		if (n + 1 >= SANDBOX_MAX_ARGS)
			return -1;
		argv[n++] = inner[i];
	}
	argv[n] = NULL;
	return 0;
}

int sandbox_shadow(struct sandbox *sb, const char *dir)
{
	char full[PATH_MAX];
	snprintf(full, sizeof full, "%s/%s", sb->course_root, dir);
	DIR *d = opendir(full);
	if (d == NULL ||
	    sb->n_shadowed_dirs == sizeof sb->shadowed_dirs / sizeof *sb->shadowed_dirs) {
		if (d)
			closedir(d);
		return -1;
	}
	sb->shadowed_dirs[sb->n_shadowed_dirs++] = strdup(full);
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "build.log") ||
		    !strcmp(e->d_name, "build.lock"))
			continue;
		if (sb->n_shadowed == SANDBOX_MAX_SHADOWED) {
			rc = -1;
			break;
		}
		char entry[PATH_MAX + 256];
		snprintf(entry, sizeof entry, "%s/%s", full, e->d_name);
		sb->shadowed[sb->n_shadowed++] = strdup(entry);
	}
	closedir(d);
	return rc;
}

/* {=== the decoy solutions tree ===} */

static int copy_file(const char *from, const char *to, int whole)
{
	int in = whole ? open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int ok = out >= 0 && (!whole || in >= 0);
	char buf[65536];
	ssize_t got;
	while (ok && whole && (got = read(in, buf, sizeof buf)) > 0)
		ok = write(out, buf, (size_t)got) == got;
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0)
		ok = 0;
	struct stat st;
	if (ok && stat(from, &st) == 0) {
		struct timespec times[2] = {st.st_atim, st.st_mtim};
		ok = utimensat(AT_FDCWD, to, times, 0) == 0;
	}
	return ok ? 0 : -1;
}

static int decoy_tree(const char *from, const char *to, int whole, char *err, size_t errlen)
{
	if (mkdir(to, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create '%s': %s", to, strerror(errno));
		return -1;
	}
	DIR *d = opendir(from);
	if (d == NULL) {
		snprintf(err, errlen, "cannot read '%s': %s", from, strerror(errno));
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char a[PATH_MAX], b[PATH_MAX];
		snprintf(a, sizeof a, "%s/%s", from, e->d_name);
		snprintf(b, sizeof b, "%s/%s", to, e->d_name);
		struct stat st;
		if (lstat(a, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = decoy_tree(a, b, whole || !strcmp(e->d_name, "skeleton"), err, errlen);
		else if (S_ISREG(st.st_mode) && copy_file(a, b, whole) != 0) {
			snprintf(err, errlen, "cannot write '%s': %s", b, strerror(errno));
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

int sandbox_make_decoy(const char *from, const char *to, char *err, size_t errlen)
{
	return decoy_tree(from, to, 0, err, errlen);
}

/* }=== */
