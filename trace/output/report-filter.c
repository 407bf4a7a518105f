// SPDX-License-Identifier: GPL-2.0
/* Which runs an output shows: all, or the one --run names. */
#include <errno.h>
#include <stdlib.h>

#include "report.h"

bool report_filter_match(const struct report_filter *f,
			 const struct model_run *r)
{
	return !f->one || r->id == f->run;
}

int report_filter_set_run(struct report_filter *f, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v > UINT32_MAX)
		return -1;
	f->one = true;
	f->run = v;
	return 0;
}
