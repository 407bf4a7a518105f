// SPDX-License-Identifier: GPL-2.0
/*
 * perf.data as tools/perf/Documentation/perf.data-file-format.txt documents
 * it: a header naming the attribute, data and feature sections, or (piped,
 * `perf record -o -`) a 16-byte header followed by one stream in which the
 * attributes and the tracing data are records too.  The file is mapped
 * read-only; every offset and size is checked against it before use, and
 * every value is read with memcpy (piped records are not 8-byte aligned).
 *
 * perf writes each CPU's ring buffer in chunks, so samples are in time
 * order per CPU but not across CPUs.  The model wants one time-ordered
 * stream (a block freed on another CPU than it was allocated on), so the
 * CPUs are merged, one cursor each over the mapped data: memory stays one
 * record per CPU, whatever the length of the recording.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/perf_event.h>
#include <event-parse.h>

#include "model/model.h"
#include "perf-data-priv.h"
#include "perf-data.h"
#include "read.h"
#include "lib/err.h"
#include "lib/util.h"

#define MAGIC2		0x32454c4946524550ULL	/* "PERFILE2" as a host u64 */
#define MAGIC2_SWAPPED	0x50455246494c4532ULL
#define MAGIC1		"PERFFILE"		/* the format before 2009 */
#define FEAT_TRACING_DATA 1

#define RECORD_WITH \
	"record with: perf record -a -e 'kmemlab:*' -e kmem:mm_page_alloc " \
	"-e kmem:mm_page_free"

struct section {
	uint64_t offset;
	uint64_t size;
};

struct file_header {
	uint64_t magic;
	uint64_t size;
	uint64_t attr_size;
	struct section attrs;
	struct section data;
	struct section event_types;
	uint64_t features[4];
};

const uint8_t *pd_span(const struct pfile *f, uint64_t off, uint64_t len)
{
	if (off > f->size || len > f->size - off)
		return NULL;
	return f->base + off;
}

static int map_file(int fd, struct pfile *f, char *err, size_t len)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st))
		return err_set(err, len, errno, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode) || st.st_size < 16)
		return err_set(err, len, EINVAL, "not a regular perf.data file");
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return err_set(err, len, errno, "mmap: %s", strerror(errno));
	f->base = p;
	f->size = st.st_size;
	return 0;
}

/* Each entry: perf_event_attr (attr_size - 16 bytes), then the ids section. */
static int read_attrs(struct pfile *f, const struct file_header *h,
		      char *err, size_t len)
{
	uint64_t n, i, asize = h->attr_size;

	if (asize < ATTR_SIZE_VER0 + sizeof(struct section) || asize > 4096 ||
	    !pd_span(f, h->attrs.offset, h->attrs.size) ||
	    h->attrs.size % asize || !h->attrs.size)
		goto bad;
	n = h->attrs.size / asize;
	for (i = 0; i < n; i++) {
		const uint8_t *e = f->base + h->attrs.offset + i * asize;
		struct section ids;

		memcpy(&ids, e + asize - sizeof(ids), sizeof(ids));
		if (ids.size % 8 || !pd_span(f, ids.offset, ids.size) ||
		    pd_attr_add(f, e, asize - sizeof(ids), f->base + ids.offset,
				ids.size / 8))
			goto bad;
	}
	return 0;
bad:
	err_set(err, len, EINVAL, "corrupted perf.data: bad attribute section");
	return -1;
}

/* perf's header features (tools/perf/util/header.h), by bit. */
static const char *const feature_names[] = {
	"reserved", "tracing data", "build ids", "hostname", "osrelease",
	"version", "arch", "nrcpus", "cpudesc", "cpuid", "total mem",
	"cmdline", "event desc", "cpu topology", "numa topology",
	"branch stack", "pmu mappings", "group desc", "auxtrace", "stat",
	"cache", "sample time", "mem topology", "clockid", "dir format",
	"bpf prog info", "bpf btf", "compressed", "cpu pmu caps",
	"clock data", "hybrid topology", "pmu caps",
};

static const char *feature_name(int bit)
{
	return bit < (int)ARRAY_SIZE(feature_names) ?
	       feature_names[bit] : "unknown";
}

/*
 * The feature table follows the data: one section entry per feature bit
 * set, in bit order.  Each must lie inside the file; perf writes the last
 * one up to the file's end, so a file cut by even one byte fails here.
 */
static int read_features(struct pfile *f, const struct file_header *h,
			 char *err, size_t len)
{
	uint64_t at = h->data.offset + h->data.size;
	const uint8_t *entry;
	struct section s;
	int bit;

	if (at < h->data.offset)
		goto bad;
	for (bit = 0; bit < 256; bit++) {
		if (!(h->features[bit / 64] & (1ULL << (bit % 64))))
			continue;
		entry = pd_span(f, at, sizeof(s));
		if (!entry)
			goto bad;
		memcpy(&s, entry, sizeof(s));
		at += sizeof(s);
		if (!pd_span(f, s.offset, s.size)) {
			return err_set(err, len, EIO,
				       "truncated perf.data: feature section %d (%s) ends past the end of the file",
				       bit, feature_name(bit));
		}
		if (bit == FEAT_TRACING_DATA) {
			f->tracing = f->base + s.offset;
			f->tracing_len = s.size;
		}
	}
	return 0;
bad:
	return err_set(err, len, EIO,
		       "truncated perf.data: the feature table after the data section is outside the file");
}

static int read_magic(struct pfile *f, uint64_t *hsize, char *err, size_t len)
{
	uint64_t magic;

	memcpy(&magic, f->base, 8);
	memcpy(hsize, f->base + 8, 8);
	if (magic == MAGIC2_SWAPPED) {
		err_set(err, len, EINVAL,
			"perf.data of the other byte order: read it on a machine like the one that recorded it");
		return -1;
	}
	if (magic != MAGIC2) {
		if (memcmp(f->base, MAGIC1, 8))
			return err_set(err, len, EINVAL, "not a perf.data file");
		return err_set(err, len, EINVAL,
			       "perf.data in the old PERFFILE format: record it again with a current perf");
	}
	return 0;
}

static int read_header(struct pfile *f, char *err, size_t len)
{
	struct file_header h;
	uint64_t hsize;

	if (read_magic(f, &hsize, err, len))
		return -1;
	if (hsize == 16) {	/* piped: everything is in the stream */
		f->pipe = true;
		f->data_off = 16;
		f->data_end = f->size;
		return 0;
	}
	if (hsize < sizeof(h) || f->size < sizeof(h)) {
		err_set(err, len, EINVAL, "corrupted perf.data: header too short (truncated?)");
		return -1;
	}
	memcpy(&h, f->base, sizeof(h));
	if (!pd_span(f, h.data.offset, h.data.size)) {
		err_set(err, len, EINVAL,
			"corrupted perf.data: data section outside the file (truncated?)");
		return -1;
	}
	f->data_off = h.data.offset;
	f->data_end = h.data.offset + h.data.size;
	return read_attrs(f, &h, err, len) || read_features(f, &h, err, len);
}

static void pfile_close(struct pfile *f)
{
	if (f->base)
		munmap((void *)f->base, f->size);
	free(f->attrs);
}

static int check_contents(const struct pfile *f, char *err, size_t len)
{
	if (f->compressed) {
		err_set(err, len, ENOTSUP,
			"compressed perf.data (perf record -z) is not read: record without -z");
		return -1;
	}
	if (!f->tracing) {
		err_set(err, len, ENOENT,
			"no tracepoint data in this perf.data (no tracing-data section) \u2014 "
			RECORD_WITH);
		return -1;
	}
	if (!f->nr_raw) {
		err_set(err, len, ENOENT,
			"no raw tracepoint samples in this perf.data \u2014 " RECORD_WITH);
		return -1;
	}
	return 0;
}

/*
 * A file whose samples are mostly malformed is not a recording with a few
 * bad records: its report would describe the part that happened to parse.
 */
static int too_many_bad(const struct pfile *f, const struct read_stats *rs,
			char *err, size_t len)
{
	uint64_t bad = f->bad_samples + rs->bad_records;
	uint64_t total = f->nr_raw + f->bad_samples;

	if (bad * 2 <= total)
		return 0;
	return err_set(err, len, EINVAL,
		       "corrupted perf.data: %llu of %llu samples malformed (more than half)",
		       (unsigned long long)bad, (unsigned long long)total);
}

static int load(struct pfile *f, struct model *m, struct read_stats *st,
		char *err, size_t len)
{
	struct tep_handle *tep;
	struct read_ctx *ctx;
	int ret = -1;

	tep = perf_tracing_parse(f->tracing, f->tracing_len, err, len);
	if (!tep)
		return -1;
	ctx = read_ctx_new(tep, m, err, len);
	if (!ctx)
		goto out;
	if (pd_merge(f, m, ctx, err, len))
		goto out;
	if (too_many_bad(f, read_ctx_stats(ctx), err, len))
		goto out;
	ret = read_finish(ctx, m, st,
			  "no kmemlab or kmem page samples in this perf.data \u2014 "
			  RECORD_WITH, err, len);
	if (!ret && st)
		st->bad_records += f->bad_samples;
out:
	read_ctx_free(ctx);
	read_guard_call("tep_free() on the perf.data tracing data's formats");
	tep_free(tep);
	read_guard_done();
	return ret;
}

int perf_data_load(const char *path, int fd, struct model *m,
		   struct read_stats *st, char *err, size_t len)
{
	struct pfile f = { 0 };
	int ret = -1;

	(void)path;
	tep_set_loglevel(TEP_LOG_NONE);
	if (map_file(fd, &f, err, len))
		return -1;
	if (!read_header(&f, err, len) && !pd_prescan(&f, err, len) &&
	    !check_contents(&f, err, len))
		ret = load(&f, m, st, err, len);
	pfile_close(&f);
	return ret;
}

bool perf_data_is(const unsigned char *head, size_t n)
{
	return n >= 8 &&
	       (!memcmp(head, "PERFILE2", 8) || !memcmp(head, "2ELIFREP", 8) ||
		!memcmp(head, MAGIC1, 8));
}
