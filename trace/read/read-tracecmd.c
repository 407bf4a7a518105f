// SPDX-License-Identifier: GPL-2.0
/*
 * The reader of last resort: libtracecmd iterates every CPU of a
 * trace.dat in timestamp order (any version, compression or layout our
 * streaming reader declines), each record through read.c into the model.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>
#include <trace-cmd.h>

#include "model/model.h"
#include "read.h"
#include "read-release.h"
#include "lib/err.h"

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
	read_guard_done();	/* our code from here: not the library's */
	if (read_ctx_record(s->ctx, rec) ||
	    read_release_note(&s->release, rec)) {
		s->error = errno;
		return -1;
	}
	read_guard_call("tracecmd_iterate_events() reading CPU %d's data", cpu);
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
	read_guard_call("tracecmd_iterate_events() reading the CPU data");
	tracecmd_iterate_events(handle, NULL, 0, iter_record, &s);
	read_guard_done();
	if (s.error) {
		err_set(err, len, s.error, "%s", strerror(s.error));
		goto out;
	}
	ret = read_finish(s.ctx, m, st, READ_NO_EVENTS, err, len);
out:
	read_release_free(&s.release);
	read_ctx_free(s.ctx);
	return ret;
}

/* The version a trace.dat's header names after its magic ("6", "7"). */
static const char *file_version(int fd)
{
	static char v[8];
	char buf[10 + sizeof(v)] = "";

	strcpy(v, "?");
	if (pread(fd, buf, sizeof(buf) - 1, 0) > 10 && memchr(buf + 10, 0, sizeof(v)))
		snprintf(v, sizeof(v), "%s", buf + 10);
	return v;
}

int read_tracecmd_load(const char *path, int fd, struct model *m,
		       struct read_stats *st, char *err, size_t len)
{
	struct tracecmd_input *handle;
	int ret, dfd = dup(fd);

	(void)path;
	/* libtracecmd closes the descriptor it is given, so give it its own. */
	read_guard_call("tracecmd_open_fd() reading the headers and event formats");
	handle = dfd < 0 ? NULL : tracecmd_open_fd(dfd, TRACECMD_FL_LOAD_NO_PLUGINS);
	read_guard_done();
	if (!handle)
		return err_set(err, len, errno ? errno : EINVAL,
			       "libtracecmd's tracecmd_open_fd() refused its headers or event formats (a version %s file)",
			       file_version(fd));
	ret = load(handle, m, st, err, len);
	read_guard_call("tracecmd_close()");
	tracecmd_close(handle);
	read_guard_done();
	return ret;
}
