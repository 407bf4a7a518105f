// SPDX-License-Identifier: GPL-2.0
/*
 * The name of the trace-library call under way.  Readers name each call
 * that hands the file to libtracecmd or libtraceevent before making it;
 * read-file.c's signal guard reads the name when a call crashes, and
 * tells a crash inside one (reported, exit 2) from a crash in our own code
 * (left to crash).  Apart from read-file.c so the readers it calls do not
 * call back into it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "read.h"

static int in_library;	/* __atomic: a signal handler reads it */
static char library_call[160];

void read_guard_call(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(library_call, sizeof(library_call), fmt, ap);
	va_end(ap);
	__atomic_store_n(&in_library, 1, __ATOMIC_SEQ_CST);
}

void read_guard_done(void)
{
	__atomic_store_n(&in_library, 0, __ATOMIC_SEQ_CST);
}

bool read_guard_active(void)
{
	return __atomic_load_n(&in_library, __ATOMIC_SEQ_CST);
}

const char *read_guard_name(void)
{
	return library_call;
}
