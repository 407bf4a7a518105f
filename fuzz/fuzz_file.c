// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_file - libFuzzer target: the input bytes are a recording.  They are
 * written to a temporary file and read by `analyze report FILE` itself:
 * every file of trace/ but cmd/main.c is linked in and cmd_report() called,
 * so the fuzzer goes through the very code the command line does,
 * libtracecmd and libtraceevent included.  Built with FUZZ_PERF_ONLY it
 * is fuzz_perf: inputs that do not start with perf.data's magic are
 * skipped, so mutations are spent on perf.data.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/analyze.h"
#include "fuzz.h"

/* mkstemp() fills in the X's, so not const */
static char path[] = "/tmp/kmemlab-fuzz-XXXXXX";
static int fd = -1;

static void drop_file(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fd = mkstemp(path);
	if (fd < 0) {
		perror("fuzz_file: mkstemp /tmp/kmemlab-fuzz-XXXXXX");
		abort();
	}
	atexit(drop_file);
	/* the report goes to stdout; libFuzzer talks on stderr */
	if (!freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

static int write_all(const uint8_t *data, size_t size)
{
	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET))
		return -1;
	while (size) {
		ssize_t n = write(fd, data, size);

		if (n <= 0)
			return -1;
		data += n;
		size -= n;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[] = { "report", path, NULL };

#ifdef FUZZ_PERF_ONLY
	if (size < 8 || memcmp(data, "PERFILE2", 8))
		return 0;
#endif
	if (write_all(data, size)) {
		perror("fuzz_file: cannot write the input file");
		abort();
	}
	cmd_report(2, argv);
	return 0;
}
