// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a recording from a file: refuse what is plainly not one, pick the
 * reader (perf.data, our streaming trace.dat reader, libtracecmd for the
 * rest), and keep a crash or the chatter of the trace library on a
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
#include "read-release.h"
#include "tdat.h"
#include "lib/util.h"

/* trace-cmd's file magic: "\027\010\104tracing". */
static const char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };

/* Refuse what is plainly not a recording before libtracecmd parses it. */
static int precheck(const char *path, char *err, size_t len)
{
	char buf[sizeof(magic)];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		read_set_err(err, len, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		read_set_err(err, len, "not a regular file");
		goto fail;
	}
	n = read(fd, buf, sizeof(buf));
	if (n != sizeof(buf) || memcmp(buf, magic, sizeof(magic))) {
		errno = EINVAL;
		read_set_err(err, len, "not a trace-cmd recording (trace.dat)");
		goto fail;
	}
	if (read_check_size(fd, err, len))
		goto fail;
	close(fd);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

struct iter_state {
	struct read_ctx *ctx;
	struct read_release release;
	int error;
};

static int iter_record(struct tracecmd_input *handle, struct tep_record *rec,
		       int cpu, void *data)
{
	struct iter_state *s = data;

	(void)handle;
	(void)cpu;
	if (read_ctx_record(s->ctx, rec) ||
	    read_release_note(&s->release, rec)) {
		s->error = errno;
		return -1;
	}
	return 0;
}

static int load(struct tracecmd_input *handle, struct model *m,
		struct read_stats *st, char *err, size_t len)
{
	struct iter_state s = { 0 };
	int ret = -1;

	s.ctx = read_ctx_new(tracecmd_get_tep(handle), m, err, len);
	if (!s.ctx)
		return -1;
	tracecmd_iterate_events(handle, NULL, 0, iter_record, &s);
	if (s.error) {
		errno = s.error;
		read_set_err(err, len, "%s", strerror(errno));
		goto out;
	}
	if (!read_ctx_stats(s.ctx)->handled) {
		errno = ENOENT;
		read_set_err(err, len, READ_NO_EVENTS);
		goto out;
	}
	if (st)
		*st = *read_ctx_stats(s.ctx);
	model_finish(m);
	ret = 0;
out:
	read_release_free(&s.release);
	read_ctx_free(s.ctx);
	return ret;
}

/*
 * libtracecmd 3.1.6 can crash on a corrupted file (seen: a glibc "double
 * free" abort after a byte flip).  Around the library calls, a fatal signal
 * jumps back here so the caller can report the file as unreadable instead
 * of dumping core.  Sanitizer builds leave signals alone, so fuzzing them
 * still shows where a crash happens.
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

static void on_crash(int sig)
{
	siglongjmp(crash_env, sig);
}

static void guard(struct sigaction *old, bool on)
{
	struct sigaction sa = { .sa_handler = on_crash };
	size_t i;

	if (!GUARD_SIGNALS)
		return;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER | SA_RESETHAND;
	for (i = 0; i < NR_GUARDED; i++)
		sigaction(guarded_signals[i], on ? &sa : &old[i], on ? &old[i] : NULL);
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

static int open_and_load(const char *path, struct model *m,
			 struct read_stats *st, char *err, size_t len)
{
	struct tracecmd_input *handle;
	int ret;

	ret = tdat_load(path, m, st, err, len);	/* streaming: trace/tdat.h */
	if (ret != TDAT_NOT_HANDLED)
		return ret;
	handle = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!handle) {
		if (!errno)
			errno = EINVAL;
		read_set_err(err, len, "cannot read the recording (truncated or corrupted?)");
		return -1;
	}
	ret = load(handle, m, st, err, len);
	tracecmd_close(handle);
	return ret;
}

int read_file_load(const char *path, struct model *m, struct read_stats *st,
		   char *err, size_t len)
{
	struct sigaction old[NR_GUARDED];
	static int saved_stderr;	/* static: survives siglongjmp */
	int ret, saved;

	if (perf_data_is(path))		/* perf record's file: trace/perf-data.c */
		return perf_data_load(path, m, st, err, len);
	if (precheck(path, err, len))
		return -1;
	tracecmd_set_loglevel(TEP_LOG_NONE);
	tep_set_loglevel(TEP_LOG_NONE);
	saved_stderr = quiet_stderr();
	if (sigsetjmp(crash_env, 1)) {
		guard(old, false);
		restore_stderr(saved_stderr);
		read_set_err(err, len, "corrupted recording (the trace reader crashed on it)");
		errno = ENOTRECOVERABLE;
		return -1;
	}
	guard(old, true);
	ret = open_and_load(path, m, st, err, len);
	guard(old, false);
	saved = errno;
	restore_stderr(saved_stderr);
	errno = saved;
	return ret;
}
