// SPDX-License-Identifier: GPL-2.0
/*
 * The one way in from a file: open it once, read its first bytes once,
 * and pick the reader from readers[] (perf.data, our streaming trace.dat
 * reader, libtracecmd for the rest); refuse what is plainly not a
 * recording, and keep a crash or the chatter of the trace library on a
 * corrupted file from reaching the user as anything but one line.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event-parse.h>
#include <trace-cmd.h>

#include "model/model.h"
#include "perf-data.h"
#include "read.h"
#include "tdat.h"
#include "lib/util.h"
#include "lib/err.h"

/* trace-cmd's file magic: "\027\010\104tracing". */
static const char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };

/*
 * libtracecmd 3.1.6 and libtraceevent 1.7 can crash on a corrupted file
 * (seen: a glibc "double free" abort after a byte flip, a NULL read in
 * tep_parse_event() on a format whose print fmt names a field it lacks).
 * Each library call that parses the file is named first with
 * read_guard_call(); a fatal signal while one runs jumps back to
 * guarded_load(), which reports the call and its section.  A fatal signal
 * outside a named call is a bug of ours: the handlers in place before
 * (the default, or a sanitizer's) are put back and the faulting
 * instruction runs again under them, so it is never hidden.  The fuzzers
 * (KMEMLAB_FUZZ) leave signals alone, so every crash reaches them and
 * fuzz/triage.sh says whose it is.
 */
/* gcc says ASan with __SANITIZE_ADDRESS__, clang with __has_feature. */
#if defined(__SANITIZE_ADDRESS__)
#define KMEMLAB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KMEMLAB_ASAN 1
#endif
#endif

#if defined(KMEMLAB_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif

#if defined(KMEMLAB_FUZZ)
#define GUARD_SIGNALS 0
#else
#define GUARD_SIGNALS 1
#endif

#if defined(KMEMLAB_ASAN)
/*
 * libtracecmd 3.1.6 leaks a string it parses with sscanf("%ms") when it
 * reads a version 6 file; not ours to fix, so LeakSanitizer skips it.
 * Here, beside the only caller of libtracecmd's file reader, so every
 * program that reads a file (analyze, the fuzzers) gets it.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:__isoc99_vsscanf\nleak:libtracecmd.so\nleak:libtraceevent.so\n";
}

const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

static const int guarded_signals[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };

#define NR_GUARDED ARRAY_SIZE(guarded_signals)

static sigjmp_buf crash_env;
static struct sigaction old_actions[NR_GUARDED];
static void on_crash(int sig)
{
	size_t i;

	if (read_guard_active())
		siglongjmp(crash_env, sig);
	for (i = 0; i < NR_GUARDED; i++)	/* ours: crash as without us */
		sigaction(guarded_signals[i], &old_actions[i], NULL);
}

static void guard_on(void)
{
	struct sigaction sa = { .sa_handler = on_crash };
	size_t i;

	read_guard_done();
	if (!GUARD_SIGNALS)
		return;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	for (i = 0; i < NR_GUARDED; i++)
		sigaction(guarded_signals[i], &sa, &old_actions[i]);
}

static void guard_off(void)
{
	size_t i;

	read_guard_done();
	if (!GUARD_SIGNALS)
		return;
	for (i = 0; i < NR_GUARDED; i++)
		sigaction(guarded_signals[i], &old_actions[i], NULL);
}

/*
 * libtracecmd writes to stderr on damaged files even at TEP_LOG_NONE
 * ("mmap: Unknown error -22"); our one-line error is the whole story, so
 * its stderr goes to /dev/null while it runs.  Sanitizer reports keep the
 * real stderr.
 */
static int quiet_stderr(void)
{
	int saved = dup(STDERR_FILENO);
	int null = open("/dev/null", O_WRONLY);

	if (saved >= 0 && null >= 0) {
#if defined(KMEMLAB_ASAN)
		__sanitizer_set_report_fd((void *)(long)saved);
#endif
		dup2(null, STDERR_FILENO);
	}
	if (null >= 0)
		close(null);
	return saved;
}

static void restore_stderr(int saved)
{
	if (saved < 0)
		return;
	dup2(saved, STDERR_FILENO);
	close(saved);
#if defined(KMEMLAB_ASAN)
	__sanitizer_set_report_fd((void *)(long)STDERR_FILENO);
#endif
}

/* The start of a trace.dat, and the whole of it there (read-size.c). */
static int tracedat_probe(int fd, const unsigned char *head, size_t n,
			  char *err, size_t len)
{
	if (n < sizeof(magic) || memcmp(head, magic, sizeof(magic)))
		return 0;
	return read_check_size(fd, err, len) ? -1 : 1;
}

static int perf_probe(int fd, const unsigned char *head, size_t n,
		      char *err, size_t len)
{
	(void)fd;
	(void)err;
	(void)len;
	return perf_data_is(head, n);
}

/*
 * The readers, in the order they are tried: the first whose probe knows
 * the file's first bytes loads it, unless it declines (READ_DECLINED,
 * the model untouched), and then the next that knows them does.  Every
 * one hands parts of the file to libtraceevent (the event formats) or
 * libtracecmd, so every one runs quiet and guarded.
 */
static const struct reader {
	const char *name;
	/* 1: a file of this kind; 0: not; -1 (errno, err): a broken one */
	int (*probe)(int fd, const unsigned char *head, size_t n,
		     char *err, size_t len);
	int (*load)(const char *path, int fd, struct model *m,
		    struct read_stats *st, char *err, size_t len);
} readers[] = {
	{ "perf.data", perf_probe, perf_data_load },
	{ "trace.dat, streamed", tracedat_probe, tdat_load },
	{ "trace.dat, libtracecmd", tracedat_probe, read_tracecmd_load },
};

/* A reader's run: the libraries' chatter silenced, their crash caught. */
static int guarded_load(const struct reader *r, const char *path, int fd,
			struct model *m, struct read_stats *st,
			char *err, size_t len)
{
	static int saved_stderr;	/* static: survives siglongjmp */
	int ret, saved;

	tracecmd_set_loglevel(TEP_LOG_NONE);
	tep_set_loglevel(TEP_LOG_NONE);
	saved_stderr = quiet_stderr();
	if (sigsetjmp(crash_env, 1)) {
		guard_off();
		restore_stderr(saved_stderr);
		return err_set(err, len, ENOTRECOVERABLE,
			       "the trace library crashed in %s", read_guard_name());
	}
	guard_on();
	ret = r->load(path, fd, m, st, err, len);
	guard_off();
	saved = errno;
	restore_stderr(saved_stderr);
	errno = saved;
	return ret;
}

/* Open once, look at the first bytes once, let the reader that knows them load. */
static int load_fd(const char *path, int fd, struct model *m,
		   struct read_stats *st, char *err, size_t len)
{
	unsigned char head[sizeof(magic)];
	ssize_t n = pread(fd, head, sizeof(head), 0);
	const struct reader *r;
	int ret;

	if (n < 0)
		n = 0;
	for (r = readers; r < readers + ARRAY_SIZE(readers); r++) {
		ret = r->probe(fd, head, n, err, len);
		if (ret <= 0) {
			if (ret < 0)
				return -1;
			continue;
		}
		ret = guarded_load(r, path, fd, m, st, err, len);
		if (ret != READ_DECLINED)
			return ret;
	}
	return err_set(err, len, EINVAL, "not a trace-cmd recording (trace.dat)");
}

static const char *file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFDIR: return "a directory";
	case S_IFSOCK: return "a socket";
	}
	return "not a file";
}

/*
 * Only a regular file is a recording, and that is asked with stat(),
 * before any open(): opening a FIFO without a writer blocks, and reading
 * one (or a device) consumes what another reader was owed.  The open
 * itself never blocks (O_NONBLOCK), and fstat() confirms what was opened.
 */
int read_file_load(const char *path, struct model *m, struct read_stats *st,
		   char *err, size_t len)
{
	struct stat sb;
	int fd, ret, saved;

	if (stat(path, &sb))
		return err_set(err, len, errno, "%s", strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return err_set(err, len, EINVAL,
			       "not a regular file (%s): refused without reading it",
			       file_kind(sb.st_mode));
	fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &sb))
		ret = err_set(err, len, errno, "%s", strerror(errno));
	else if (!S_ISREG(sb.st_mode))	/* replaced since the stat() */
		ret = err_set(err, len, EINVAL, "not a regular file (%s)",
			      file_kind(sb.st_mode));
	else
		ret = load_fd(path, fd, m, st, err, len);
	saved = errno;
	if (fd >= 0)
		close(fd);
	errno = saved;
	return ret;
}
