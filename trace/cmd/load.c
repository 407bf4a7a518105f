// SPDX-License-Identifier: GPL-2.0
/*
 * The one way a subcommand gets a model from a file: the reader fills it
 * (read/), and a file it cannot read ends here as one "analyze: FILE:
 * cause" line.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "model/model.h"

int analyze_read(const char *path, struct model *m, struct read_stats *st)
{
	char err[READ_ERR_LEN] = "";

	if (read_file_load(path, m, st, err, sizeof(err))) {
		int crashed = errno == ENOTRECOVERABLE;

		analyze_err("%s: %s", path, err[0] ? err : strerror(errno));
		if (crashed)
			_exit(EXIT_INPUT);
		return -1;
	}
	return 0;
}

struct model *analyze_load(const char *path, struct read_stats *st)
{
	struct model *m = model_new();

	if (!m) {
		analyze_err("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (analyze_read(path, m, st)) {
		model_free(m);
		return NULL;
	}
	return m;
}
