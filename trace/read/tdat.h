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
	bool zstd;		/* the file's compression: sections may use it */
	bool compressed;	/* zstd chunks, not bare pages */
	uint64_t header_info;	/* HEADER_INFO section: header_page, _event */
	uint64_t event_formats;	/* EVENT_FORMATS section */
	int nr_cpus;
	struct tdat_cpu *cpus;
};

/* What a version 7 file's fixed header says (trace-cmd.dat.v7(5)). */
#define TDAT_HEAD_STR	64	/* longest compression name or version, NUL included */

struct tdat_head {
	bool big_endian;
	uint8_t long_size;
	uint32_t page_size;
	char algo[TDAT_HEAD_STR];	/* compression: "none", "zstd", ... */
	uint64_t options;		/* offset of the first options section */
	uint64_t end;			/* where the first section starts */
};

/*
 * Read the fixed header of the trace.dat open on @fd (@file_size bytes):
 * 0 for a version 7 header, 1 for another version (or too short to say),
 * -1 when a version 7 header cannot be read whole.
 */
int tdat_head(int fd, uint64_t file_size, struct tdat_head *h);

/*
 * Read @fd's header and options.  0: @f describes data this reader
 * handles; TDAT_NOT_HANDLED: leave the file to libtracecmd; -1 (errno,
 * @err): the file contradicts itself.
 */
int tdat_parse(int fd, struct tdat_file *f, char *err, size_t len);
void tdat_file_free(struct tdat_file *f);

struct tep_handle;
/*
 * The tep_handle of @f: its header_page and the formats of the events the
 * analyzer reads, from the HEADER_INFO and EVENT_FORMATS sections
 * (decompressed when they are); kallsyms, printk formats, cmdlines and the
 * ftrace formats are not read.  NULL with errno and @err naming the
 * section on failure (tdat-head.c).
 */
struct tep_handle *tdat_head_parse(const struct tdat_file *f, char *err,
				   size_t len);

/*
 * Read the trace.dat @path, open on @fd, into @m as read_file_load()
 * does.  READ_DECLINED (model untouched) for a file this reader does not
 * handle.
 */
int tdat_load(const char *path, int fd, struct model *m,
	      struct read_stats *st, char *err, size_t len);

#endif /* _KMEMLAB_TDAT_H */
