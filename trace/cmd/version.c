// SPDX-License-Identifier: GPL-2.0
/* analyze version (and analyze --version): "kmemlab VERSION". */
#include <stdio.h>

#include "analyze.h"
#include "lib/version.h"

int cmd_version(int argc, char **argv)
{
	if (argc > 1)
		return analyze_usage(argv[0], stderr);
	printf("kmemlab %s\n", kmemlab_version);
	return EXIT_OK;
}
