/* crash_report.c: linked into every lesson test binary so that a test killed by a signal says
 * which one. Criterion reports only "unexpected signal"; this handler first writes
 * "test process killed by SIGSEGV (Segmentation fault)" to stderr, then dies of the same signal.
 * Under ASan the sanitizer's own report is better, so the handler stays out of its way. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

extern void __asan_init(void) __attribute__((weak));

static void write_str(const char *s)
{
	(void)!write(STDERR_FILENO, s, strlen(s));
}

static void report_and_die(int sig)
{
	/* only async-signal-safe calls here: write, signal, raise */
	write_str("\ntest process killed by SIG");
	write_str(sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
	write_str(" (");
	write_str(sigdescr_np(sig) ? sigdescr_np(sig) : "unknown signal");
	write_str(")\n");
	signal(sig, SIG_DFL);
	raise(sig);
}

__attribute__((constructor)) static void crash_report_install(void)
{
	static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS};
	if (__asan_init != NULL)
		return;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		signal(fatal[i], report_and_die);
}
