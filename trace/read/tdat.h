/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tdat - our own streaming reader of a trace.dat's CPU data.
 *
 * libtracecmd 1.3.1 keeps every decompressed chunk of a compressed
 * recording until the file is closed, so its memory grows with the
 * recording.  This reader takes only the event formats from libtracecmd
 * and reads each CPU's ring-buffer pages itself, one chunk per CPU at a
 * time.  It handles version 7 files whose CPU data are uncompressed or
 * zstd-compressed, in one top-level buffer, with no time adjustments;
 * anything else it declines (TDAT_NOT_HANDLED) before touching the model,
 * and the caller uses libtracecmd.  KMEMLAB_READER=libtracecmd in the
 * environment makes it decline every file.
 */
#ifndef _KMEMLAB_TDAT_H
#define _KMEMLAB_TDAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct model;
struct read_stats;

#define TDAT_NOT_HANDLED 1

/* Where one CPU's data lie in the file. */
struct tdat_cpu {
	int cpu;
	uint64_t offset;
	uint64_t size;
};

/* What the file's header and options say about its CPU data. */
struct tdat_file {
	int fd;
	uint64_t file_size;
	uint32_t page_size;
	bool compressed;	/* zstd chunks, not bare pages */
	int nr_cpus;
	struct tdat_cpu *cpus;
};

/*
 * Read @fd's header and options.  0: @f describes data this reader
 * handles; TDAT_NOT_HANDLED: leave the file to libtracecmd; -1 (errno,
 * @err): the file contradicts itself.
 */
int tdat_parse(int fd, struct tdat_file *f, char *err, size_t len);
void tdat_file_free(struct tdat_file *f);

/*
 * Read @path into @m as read_file_load() does.  TDAT_NOT_HANDLED (model
 * untouched) for a file this reader does not handle.
 */
int tdat_load(const char *path, struct model *m, struct read_stats *st,
	      char *err, size_t len);

#endif /* _KMEMLAB_TDAT_H */
