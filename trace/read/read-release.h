/* SPDX-License-Identifier: GPL-2.0 */
/*
 * read-release - drop the pages of an uncompressed recording that every
 * CPU has read past, so memory stays flat however long the recording.
 */
#ifndef _KMEMLAB_READ_RELEASE_H
#define _KMEMLAB_READ_RELEASE_H

#include <stdbool.h>

struct tep_record;
struct cpu_walk;

/* Zero-initialise; one per open recording. */
struct read_release {
	struct cpu_walk *cpus;
	int nr_cpus;
	bool off;		/* records are not in a file mapping */
};

/* Note @rec as read; -1 (ENOMEM) only when the per-CPU state cannot grow. */
int read_release_note(struct read_release *rr, const struct tep_record *rec);
void read_release_free(struct read_release *rr);

#endif /* _KMEMLAB_READ_RELEASE_H */
