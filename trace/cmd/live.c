// SPDX-License-Identifier: GPL-2.0
/*
 * analyze live: a session on this machine's kernel, no trace.dat.  The
 * events go to a tracefs instance of our own, so a trace-cmd or another
 * session running at the same time is not disturbed, and are read while
 * COMMAND runs (the ring buffer need not hold a whole experiment) into the
 * same model and report as a recording.  The instance is removed on every
 * way out but a crash: a signal only sets a flag, and the one cleanup path
 * runs after the loop.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event-parse.h>
#include <tracefs.h>

#include "analyze.h"
#include "model/model.h"
#include "read/read.h"
#include "output/report.h"
#include "session.h"
#include "lib/util.h"

#define POLL_NS		100000000L	/* read the buffers 10 times a second */

/* Lock-free, so safe to set from a signal handler. */
static atomic_int stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

struct live {
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	struct model *m;
	struct read_ctx *ctx;
	pid_t child;
	int cmd_status;		/* -1 while running or without COMMAND */
	double settle;
	bool json;
	bool failed;		/* the model ran out of memory */
};

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t i;

	/* No SA_RESTART: a signal must cut the poll's sleep short. */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int on_record(struct tep_event *ev, struct tep_record *rec, int cpu,
		     void *data)
{
	struct live *lv = data;

	(void)ev;
	(void)cpu;
	if (read_ctx_record(lv->ctx, rec)) {
		lv->failed = true;
		return -1;
	}
	return 0;
}

/* Everything the instance holds now, in time order across CPUs. */
static void drain(struct live *lv)
{
	if (!lv->failed)
		tracefs_iterate_raw_events(lv->tep, lv->inst, NULL, 0,
					   on_record, lv);
}

static int enable_events(struct live *lv, char *err, size_t len)
{
	size_t i;

	for (i = 0; i < session_nr_events; i++) {
		const struct session_event *e = &session_events[i];

		/*
		 * Module events matter to a recording's reader, not to us;
		 * the optional kmem events do, where this kernel has them.
		 */
		if (e->optional && (!strcmp(e->system, "module") ||
				    !session_event_exists(e)))
			continue;
		if (tracefs_event_enable(lv->inst, e->system, e->name)) {
			snprintf(err, len, "cannot enable %s:%s in instance %s",
				 e->system, e->name ? e->name : "*",
				 tracefs_instance_get_name(lv->inst));
			return -1;
		}
	}
	return tracefs_trace_on(lv->inst);
}

static int setup(struct live *lv, char *err, size_t len)
{
	static const char *const systems[] = { "kmemlab", "kmem", NULL };
	char name[64];

	if (session_check(err, len))
		return -1;
	lv->tep = tracefs_local_events_system(NULL, systems);
	lv->m = model_new();
	if (!lv->tep || !lv->m) {
		snprintf(err, len, "cannot read the event formats: %s", strerror(errno));
		return -1;
	}
	lv->ctx = read_ctx_new(lv->tep, lv->m, err, len);
	if (!lv->ctx)
		return -1;
	snprintf(name, sizeof(name), "kmemlab-live-%d", (int)getpid());
	lv->inst = tracefs_instance_create(name);
	if (!lv->inst) {
		snprintf(err, len, "cannot create tracefs instance %s: %s", name,
			 strerror(errno));
		return -1;
	}
	return enable_events(lv, err, len);
}

static void nap(double secs)
{
	struct timespec ts = { (time_t)secs, (long)((secs - (time_t)secs) * 1e9) };

	nanosleep(&ts, NULL);
}

static void reap(struct live *lv, int flags)
{
	int status;

	if (lv->child <= 0 || waitpid(lv->child, &status, flags) != lv->child)
		return;
	lv->child = 0;
	lv->cmd_status = WIFEXITED(status) ? WEXITSTATUS(status) :
			 128 + WTERMSIG(status);
}

/* Read until COMMAND ends or a signal comes; then settle and read the rest. */
static void session(struct live *lv, char **cmd)
{
	if (cmd[0]) {
		lv->child = session_spawn(cmd);
		if (lv->child < 0)
			analyze_err("live: cannot start %s: %s", cmd[0], strerror(errno));
	} else {
		fputs("analyze: live: recording; Ctrl-C to stop and report\n", stderr);
	}
	while (!stop_sig && !lv->failed && (!cmd[0] || lv->child > 0)) {
		drain(lv);
		reap(lv, WNOHANG);
		nap(POLL_NS / 1e9);
	}
	if (lv->child > 0) {
		/* A signal sent to us alone must not leave COMMAND behind. */
		kill(lv->child, SIGTERM);
		reap(lv, 0);
	}
	nap(lv->settle);
	drain(lv);
}

static void teardown(struct live *lv)
{
	if (lv->inst) {
		tracefs_instance_destroy(lv->inst);
		tracefs_instance_free(lv->inst);
	}
	read_ctx_free(lv->ctx);
	model_free(lv->m);
	if (lv->tep)
		tep_free(lv->tep);
}

static int print_report(struct live *lv)
{
	const struct read_stats *st = read_ctx_stats(lv->ctx);
	struct report_filter all = { 0 };

	model_finish(lv->m);
	if (lv->json)
		return report_json(lv->m, st, &all, "live", stdout);
	return report_text(lv->m, st, &all, "live session",
			   "no kmemlab runs happened during the session", stdout);
}

static int finish(struct live *lv)
{
	int ret = EXIT_OK;

	if (lv->failed || print_report(lv)) {
		analyze_err("live: %s", strerror(errno ? errno : ENOMEM));
		ret = EXIT_INPUT;
	} else if (lv->cmd_status > 0) {
		analyze_err("live: the command exited with status %d", lv->cmd_status);
		ret = EXIT_VIOLATION;
	}
	return ret;
}

static const struct option options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "settle", required_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse(struct live *lv, int argc, char **argv)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+js:h", options, NULL)) != -1) {
		if (c == 'j') {
			lv->json = true;
		} else if (c == 's') {
			if (!session_parse_secs(optarg, &lv->settle))
				continue;
			analyze_err("live: --settle wants seconds from 0 to 60, not '%s'",
				    optarg);
			return EXIT_INPUT;
		} else {
			return analyze_usage("live", c == 'h' ? stdout : stderr);
		}
	}
	return -1;
}

int cmd_live(int argc, char **argv)
{
	struct live lv = { .cmd_status = -1, .settle = 0.2 };
	char err[READ_ERR_LEN] = "";
	int ret = parse(&lv, argc, argv);

	if (ret >= 0)
		return ret;
	catch_signals();
	if (setup(&lv, err, sizeof(err))) {
		analyze_err("live: %s", err);
		ret = EXIT_INPUT;
	} else {
		session(&lv, argv + optind);
		/* The report can wait; the instance goes before it. */
		tracefs_instance_destroy(lv.inst);
		tracefs_instance_free(lv.inst);
		lv.inst = NULL;
		ret = finish(&lv);
	}
	teardown(&lv);
	return ret;
}
