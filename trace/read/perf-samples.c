// SPDX-License-Identifier: GPL-2.0
/*
 * The record stream of a perf.data: each record's framing, the layout of a
 * sample as its attribute's sample_type says (perf_event.h, "struct
 * perf_event_header" and PERF_RECORD_SAMPLE), the raw tracepoint payload
 * handed to read_ctx_record() as a tep_record, and the merge of the CPUs
 * into one time-ordered stream.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/perf_event.h>
#include <event-parse.h>

#include "model/model.h"
#include "perf-data-priv.h"
#include "read.h"
#include "lib/err.h"

/* Records perf writes itself (tools/perf/util/event.h, the file ABI). */
#define REC_HEADER_ATTR		64
#define REC_HEADER_TRACING_DATA	66
#define REC_AUXTRACE		71
#define REC_COMPRESSED		81

#define S(x)		PERF_SAMPLE_##x
#define BITS(st, m)	((uint64_t)__builtin_popcountll((st) & (m)))

struct rec {
	uint32_t type;
	const uint8_t *p;	/* the record after its 8-byte header */
	uint64_t len;
	const uint8_t *extra;	/* data perf writes after some records */
	uint64_t extra_len;
};

struct sample {
	uint64_t ts;
	uint32_t cpu;
	const uint8_t *raw;
	uint32_t raw_size;
};

struct rd {
	const uint8_t *p;
	const uint8_t *end;
};

/* Add one attribute: @attr is @size bytes of perf_event_attr, then ids. */
int pd_attr_add(struct pfile *f, const uint8_t *attr, uint64_t size,
		const uint8_t *ids, uint64_t nr_ids)
{
	struct perf_event_attr a = { 0 };
	struct pattr *pa;

	if (size < ATTR_SIZE_VER0 || f->nr_attrs >= MAX_ATTRS)
		return -1;
	memcpy(&a, attr, size < sizeof(a) ? size : sizeof(a));
	pa = realloc(f->attrs, (f->nr_attrs + 1) * sizeof(*pa));
	if (!pa)
		return -1;
	f->attrs = pa;
	pa += f->nr_attrs++;
	pa->sample_type = a.sample_type;
	pa->read_format = a.read_format;
	pa->sample_id_all = a.sample_id_all;
	pa->ids = ids;
	pa->nr_ids = nr_ids;
	return 0;
}

static bool rd_skip(struct rd *r, uint64_t n)
{
	if (n > (uint64_t)(r->end - r->p))
		return false;
	r->p += n;
	return true;
}

static bool rd_u64(struct rd *r, uint64_t *v)
{
	if (r->end - r->p < 8)
		return false;
	memcpy(v, r->p, 8);
	r->p += 8;
	return true;
}

static bool rd_u32(struct rd *r, uint32_t *v)
{
	if (r->end - r->p < 4)
		return false;
	memcpy(v, r->p, 4);
	r->p += 4;
	return true;
}

/*
 * 1 and the record in *r, 0 at the end of the stream, -1 when a record's
 * size is impossible.  A tracing-data or auxtrace record is followed by a
 * payload its header does not count.
 */
static int next_record(const struct pfile *f, uint64_t *off, struct rec *r)
{
	const uint8_t *h = f->base + *off;
	uint64_t room = f->data_end - *off, extra = 0;
	uint16_t size;

	if (*off >= f->data_end)
		return 0;
	if (room < 8)
		return -1;
	memcpy(&r->type, h, 4);
	memcpy(&size, h + 6, 2);
	if (size < 8 || size > room)
		return -1;
	r->p = h + 8;
	r->len = size - 8;
	if (r->type == REC_HEADER_TRACING_DATA && r->len >= 4) {
		uint32_t n;

		memcpy(&n, r->p, 4);
		extra = ((uint64_t)n + 7) & ~7ULL;
	} else if (r->type == REC_AUXTRACE && r->len >= 8) {
		memcpy(&extra, r->p, 8);
	}
	if (extra > room - size)
		return -1;
	r->extra = h + size;
	r->extra_len = extra;
	*off += size + extra;
	return 1;
}

static const struct pattr *find_attr(const struct pfile *f, uint64_t id)
{
	uint64_t j, v;
	int i;

	for (i = 0; i < f->nr_attrs; i++) {
		for (j = 0; j < f->attrs[i].nr_ids; j++) {
			memcpy(&v, f->attrs[i].ids + 8 * j, 8);
			if (v == id)
				return &f->attrs[i];
		}
	}
	return NULL;
}

/* With several layouts the sample's id says whose it is. */
static const struct pattr *sample_attr(const struct pfile *f,
				       const struct rec *r)
{
	uint64_t st, pos, id;

	if (!f->nr_attrs)
		return NULL;
	if (f->uniform)
		return &f->attrs[0];
	st = f->attrs[0].sample_type;
	if (st & S(IDENTIFIER))
		pos = 0;
	else if (st & S(ID))
		pos = BITS(st, S(IP) | S(TID) | S(TIME) | S(ADDR));
	else
		return NULL;
	if (r->len < 8 * (pos + 1))
		return NULL;
	memcpy(&id, r->p + 8 * pos, 8);
	return find_attr(f, id);
}

static bool skip_read_values(struct rd *r, uint64_t rf)
{
	uint64_t times = 8 * BITS(rf, PERF_FORMAT_TOTAL_TIME_ENABLED |
				  PERF_FORMAT_TOTAL_TIME_RUNNING);
	uint64_t each = 8 * (1 + BITS(rf, PERF_FORMAT_ID | PERF_FORMAT_LOST));
	uint64_t nr = 1;

	if ((rf & PERF_FORMAT_GROUP) && !rd_u64(r, &nr))
		return false;
	if (nr > (uint64_t)(r->end - r->p) / each)
		return false;
	return rd_skip(r, times + nr * each);
}

/* Up to the raw data; what follows it is not needed. */
static bool walk_sample(struct rd *r, const struct pattr *a, struct sample *s)
{
	uint64_t st = a->sample_type, nr;

	if (!rd_skip(r, 8 * BITS(st, S(IDENTIFIER) | S(IP) | S(TID))) ||
	    ((st & S(TIME)) && !rd_u64(r, &s->ts)) ||
	    !rd_skip(r, 8 * BITS(st, S(ADDR) | S(ID) | S(STREAM_ID))))
		return false;
	if ((st & S(CPU)) && (!rd_u32(r, &s->cpu) || !rd_skip(r, 4)))
		return false;
	if (!rd_skip(r, 8 * BITS(st, S(PERIOD))) ||
	    ((st & S(READ)) && !skip_read_values(r, a->read_format)))
		return false;
	if (st & S(CALLCHAIN)) {
		if (!rd_u64(r, &nr) || nr > (uint64_t)(r->end - r->p) / 8)
			return false;
		r->p += 8 * nr;
	}
	return true;
}

/* 1: a raw sample in *s; 0: a sample without raw data; -1: malformed. */
static int parse_sample(const struct pfile *f, const struct rec *rec,
			struct sample *s)
{
	const struct pattr *a = sample_attr(f, rec);
	struct rd r = { rec->p, rec->p + rec->len };

	memset(s, 0, sizeof(*s));
	if (!a || !walk_sample(&r, a, s) || s->cpu >= PD_MAX_CPUS)
		return -1;
	if (!(a->sample_type & S(RAW)))
		return 0;
	if (!rd_u32(&r, &s->raw_size) || s->raw_size > (uint64_t)(r.end - r.p))
		return -1;
	s->raw = r.p;
	return 1;
}

/*
 * PERF_RECORD_LOST {id, lost} and LOST_SAMPLES {lost}; with sample_id_all
 * a trailer (tid, time, id, stream_id, cpu, identifier) ends the record.
 * Returns the count lost; *cpu is 0 when the record does not say.
 */
static uint64_t parse_lost(const struct pfile *f, const struct rec *r,
			   uint32_t *cpu)
{
	uint64_t at = r->type == PERF_RECORD_LOST ? 8 : 0, lost, st, n;
	const uint8_t *t;

	*cpu = 0;
	if (r->len < at + 8 || !f->nr_attrs)
		return 0;
	memcpy(&lost, r->p + at, 8);
	st = f->attrs[0].sample_type;
	n = 8 * BITS(st, S(TID) | S(TIME) | S(ID) | S(STREAM_ID) | S(CPU) |
		     S(IDENTIFIER));
	if (!f->attrs[0].sample_id_all || !(st & S(CPU)) || r->len < at + 8 + n)
		return lost;
	t = r->p + r->len - n + 8 * BITS(st, S(TID) | S(TIME) | S(ID) |
					 S(STREAM_ID));
	memcpy(cpu, t, 4);
	if (*cpu >= PD_MAX_CPUS)
		*cpu = 0;
	return lost;
}

/*
 * perf record ends a file with LOST_SAMPLES records that add up the losses
 * its LOST records already counted: they count only in a file without any.
 */
static bool is_lost(const struct pfile *f, const struct rec *r)
{
	return r->type == PERF_RECORD_LOST ||
	       (r->type == PERF_RECORD_LOST_SAMPLES && !f->has_lost_records);
}

/* Piped files carry the attributes and the tracing data as records. */
static int collect(struct pfile *f, const struct rec *r)
{
	uint32_t n, asize;

	if (r->type == REC_COMPRESSED)
		f->compressed = true;
	if (r->type == PERF_RECORD_LOST)
		f->has_lost_records = true;
	if (!f->pipe)
		return 0;
	if (r->type == REC_HEADER_TRACING_DATA && !f->tracing && r->len >= 4) {
		memcpy(&n, r->p, 4);
		f->tracing = r->extra;
		f->tracing_len = n;
	}
	if (r->type != REC_HEADER_ATTR)
		return 0;
	if (r->len < 8)
		return -1;
	memcpy(&asize, r->p + 4, 4);	/* perf_event_attr.size */
	if (asize > r->len || (r->len - asize) % 8)
		return -1;
	return pd_attr_add(f, r->p, asize, r->p + asize, (r->len - asize) / 8);
}

static void set_uniform(struct pfile *f)
{
	int i;

	f->uniform = true;
	for (i = 1; i < f->nr_attrs; i++)
		if (f->attrs[i].sample_type != f->attrs[0].sample_type ||
		    f->attrs[i].read_format != f->attrs[0].read_format)
			f->uniform = false;
}

static void count(struct pfile *f, const struct rec *r)
{
	struct sample s;
	uint32_t cpu;
	int ret;

	if (is_lost(f, r)) {
		parse_lost(f, r, &cpu);
		s.cpu = cpu;
	} else if (r->type == PERF_RECORD_SAMPLE) {
		ret = parse_sample(f, r, &s);
		if (ret < 0)
			f->bad_samples++;
		if (ret <= 0)
			return;
		f->nr_raw++;
	} else {
		return;
	}
	if ((int)s.cpu >= f->nr_cpus)
		f->nr_cpus = s.cpu + 1;
	f->cpu_seen[s.cpu / 64] |= 1ULL << (s.cpu % 64);
}

int pd_prescan(struct pfile *f, char *err, size_t len)
{
	uint64_t off = f->data_off;
	struct rec r;
	int ret;

	while ((ret = next_record(f, &off, &r)) > 0)
		if (collect(f, &r))
			break;
	if (ret) {
		err_set(err, len, EINVAL,
			"corrupted perf.data: bad record at offset %llu (truncated?)",
			(unsigned long long)off);
		return -1;
	}
	if (!f->nr_attrs) {
		err_set(err, len, EINVAL, "corrupted perf.data: no event attributes");
		return -1;
	}
	set_uniform(f);
	off = f->data_off;
	while (next_record(f, &off, &r) > 0)
		count(f, &r);
	return 0;
}

struct cursor {
	uint64_t off;
	bool have;
	struct sample s;
	long long lost;		/* events lost on this CPU before s */
};

/* Advance @c to the next raw sample of @cpu, adding up losses on the way. */
static void cursor_next(const struct pfile *f, struct cursor *c, uint32_t cpu)
{
	struct rec r;
	uint32_t lost_cpu;
	uint64_t lost;

	c->have = false;
	while (next_record(f, &c->off, &r) > 0) {
		if (is_lost(f, &r)) {
			lost = parse_lost(f, &r, &lost_cpu);
			if (lost_cpu == cpu)
				c->lost += lost;
		} else if (r.type == PERF_RECORD_SAMPLE &&
			   parse_sample(f, &r, &c->s) > 0 && c->s.cpu == cpu) {
			c->have = true;
			return;
		}
	}
}

static struct cursor *earliest(struct cursor *cur, int n)
{
	struct cursor *best = NULL;
	int i;

	for (i = 0; i < n; i++)
		if (cur[i].have && (!best || cur[i].s.ts < best->s.ts))
			best = &cur[i];
	return best;
}

static int deliver(struct read_ctx *ctx, struct cursor *c)
{
	struct tep_record rec = {
		.ts = c->s.ts,
		.cpu = (int)c->s.cpu,
		.missed_events = c->lost,
		.size = (int)c->s.raw_size,
		.data = (void *)c->s.raw,
	};

	c->lost = 0;
	return read_ctx_record(ctx, &rec);
}

int pd_merge(const struct pfile *f, struct model *m, struct read_ctx *ctx,
	     char *err, size_t len)
{
	struct cursor *cur = calloc(f->nr_cpus, sizeof(*cur)), *c;
	uint64_t last_ts = 0;
	int i;

	if (!cur) {
		err_set(err, len, ENOMEM, "out of memory");
		return -1;
	}
	/* A CPU without samples would cost a scan of the whole file. */
	for (i = 0; i < f->nr_cpus; i++) {
		cur[i].off = f->data_off;
		if (f->cpu_seen[i / 64] & (1ULL << (i % 64)))
			cursor_next(f, &cur[i], i);
	}
	while ((c = earliest(cur, f->nr_cpus))) {
		last_ts = c->s.ts;
		if (deliver(ctx, c)) {
			err_set(err, len, errno, "%s", strerror(errno));
			free(cur);
			return -1;
		}
		cursor_next(f, c, c - cur);
	}
	/* Losses after a CPU's last sample still cost the runs then open. */
	for (i = 0; i < f->nr_cpus; i++)
		if (cur[i].lost)
			model_handle_missed(m, last_ts, i, cur[i].lost);
	free(cur);
	return 0;
}
