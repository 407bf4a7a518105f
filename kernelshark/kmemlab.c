// SPDX-License-Identifier: GPL-2.0
/*
 * KernelShark plot plugin for kmemlab recordings, the C half: find the
 * kmemlab events of a stream and keep what the drawing needs while
 * KernelShark loads the recording.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kmemlab.h"

/* Some libkshark releases do not accept NULL here (init may fail half way). */
static void drop(struct kshark_data_container *c)
{
	if (c)
		kshark_free_data_container(c);
}

static void free_context(struct kmemlab_ks_context *ctx)
{
	if (!ctx)
		return;

	drop(ctx->alloc);
	drop(ctx->free);
	drop(ctx->fill);
	drop(ctx->verify);
	drop(ctx->split);
	drop(ctx->merge);
	/* The macro's __close() only calls us; the object is ours to free. */
	free(ctx);
}

KS_DEFINE_PLUGIN_CONTEXT(struct kmemlab_ks_context, free_context);

static void keep_field(struct kshark_data_stream *stream, void *rec,
		       struct kshark_entry *entry, const char *field,
		       struct kshark_data_container *where)
{
	int64_t val;

	if (kshark_read_record_field_int(stream, rec, field, &val) == 0)
		kshark_data_container_append(where, entry, val);
}

static void on_alloc(struct kshark_data_stream *stream, void *rec,
		     struct kshark_entry *entry)
{
	struct kmemlab_ks_context *ctx = __get_context(stream->stream_id);

	if (ctx)
		keep_field(stream, rec, entry, "pfn", ctx->alloc);
}

static void on_free(struct kshark_data_stream *stream, void *rec,
		    struct kshark_entry *entry)
{
	struct kmemlab_ks_context *ctx = __get_context(stream->stream_id);

	if (ctx)
		keep_field(stream, rec, entry, "pfn", ctx->free);
}

static void on_fill(struct kshark_data_stream *stream, void *rec,
		    struct kshark_entry *entry)
{
	struct kmemlab_ks_context *ctx = __get_context(stream->stream_id);

	if (ctx)
		keep_field(stream, rec, entry, "pfn", ctx->fill);
}

static void on_verify(struct kshark_data_stream *stream, void *rec,
		      struct kshark_entry *entry)
{
	struct kmemlab_ks_context *ctx = __get_context(stream->stream_id);

	if (ctx)
		keep_field(stream, rec, entry, "mismatches", ctx->verify);
}

/*
 * How many orders @field (source or merged order) lies above "order".
 * The reader gives the field's 32 bits unsigned: -1 (a per-CPU list) must
 * stay -1, not become 4294967295 and draw a split that never happened.
 */
static void keep_orders_above(struct kshark_data_stream *stream, void *rec,
			      struct kshark_entry *entry, const char *field,
			      struct kshark_data_container *where)
{
	int64_t order, other;

	if (kshark_read_record_field_int(stream, rec, "order", &order) == 0 &&
	    kshark_read_record_field_int(stream, rec, field, &other) == 0)
		kshark_data_container_append(where, entry,
					     (int32_t)other - order);
}

static void on_split(struct kshark_data_stream *stream, void *rec,
		     struct kshark_entry *entry)
{
	struct kmemlab_ks_context *ctx = __get_context(stream->stream_id);

	if (ctx)
		keep_orders_above(stream, rec, entry, "source_order", ctx->split);
}

static void on_merge(struct kshark_data_stream *stream, void *rec,
		     struct kshark_entry *entry)
{
	struct kmemlab_ks_context *ctx = __get_context(stream->stream_id);

	if (ctx)
		keep_orders_above(stream, rec, entry, "merged_order", ctx->merge);
}

static bool find_events(struct kshark_data_stream *stream,
			struct kmemlab_ks_context *ctx)
{
	ctx->alloc_id = kshark_find_event_id(stream, "kmemlab/kmemlab_alloc");
	ctx->free_id = kshark_find_event_id(stream, "kmemlab/kmemlab_free");
	ctx->fill_id = kshark_find_event_id(stream, "kmemlab/kmemlab_fill");
	ctx->verify_id = kshark_find_event_id(stream, "kmemlab/kmemlab_verify");
	/* absent from recordings older than the buddy events: no marks */
	ctx->split_id = kshark_find_event_id(stream, "kmemlab/kmemlab_split");
	ctx->merge_id = kshark_find_event_id(stream, "kmemlab/kmemlab_merge");

	if (ctx->alloc_id < 0) {
		fprintf(stderr,
			"kmemlab plugin: no kmemlab:kmemlab_alloc event in %s, nothing to draw; record with `trace-cmd record -e kmemlab`\n",
			stream->file);
		return false;
	}
	return true;
}

static bool init_context(struct kshark_data_stream *stream,
			 struct kmemlab_ks_context *ctx)
{
	if (!find_events(stream, ctx))
		return false;

	ctx->alloc = kshark_init_data_container();
	ctx->free = kshark_init_data_container();
	ctx->fill = kshark_init_data_container();
	ctx->verify = kshark_init_data_container();
	ctx->split = kshark_init_data_container();
	ctx->merge = kshark_init_data_container();
	return ctx->alloc && ctx->free && ctx->fill && ctx->verify &&
	       ctx->split && ctx->merge;
}

/*
 * An event the recording lacks has id < 0; registering it would only add
 * a handler that never runs, so skip it.
 */
static void handle(struct kshark_data_stream *stream, int id,
		   kshark_plugin_event_handler_func func, bool on)
{
	if (id < 0)
		return;
	if (on)
		kshark_register_event_handler(stream, id, func);
	else
		kshark_unregister_event_handler(stream, id, func);
}

static void handle_all(struct kshark_data_stream *stream,
		       struct kmemlab_ks_context *ctx, bool on)
{
	handle(stream, ctx->alloc_id, on_alloc, on);
	handle(stream, ctx->free_id, on_free, on);
	handle(stream, ctx->fill_id, on_fill, on);
	handle(stream, ctx->verify_id, on_verify, on);
	handle(stream, ctx->split_id, on_split, on);
	handle(stream, ctx->merge_id, on_merge, on);
}

/* Returns 1 when the plugin is active on @stream, 0 when it has nothing to do. */
int KSHARK_PLOT_PLUGIN_INITIALIZER(struct kshark_data_stream *stream)
{
	struct kmemlab_ks_context *ctx = __init(stream->stream_id);

	if (!ctx || !init_context(stream, ctx)) {
		__close(stream->stream_id);
		return 0;
	}

	handle_all(stream, ctx, true);
	kshark_register_draw_handler(stream, kmemlab_ks_draw);
	return 1;
}

int KSHARK_PLOT_PLUGIN_DEINITIALIZER(struct kshark_data_stream *stream)
{
	struct kmemlab_ks_context *ctx;
	int sd = stream->stream_id;

	/*
	 * When KernelShark frees its plugin list it calls us once more with
	 * a dummy stream whose only valid field is stream_id ==
	 * KS_PLUGIN_CONTEXT_FREE: release the per-stream table, touch nothing
	 * else.
	 */
	if (sd == KS_PLUGIN_CONTEXT_FREE) {
		__close(KS_PLUGIN_CONTEXT_FREE);
		return 0;
	}

	ctx = __get_context(sd);
	if (!ctx)
		return 0;

	handle_all(stream, ctx, false);
	kshark_unregister_draw_handler(stream, kmemlab_ks_draw);
	kmemlab_ks_forget_pairs(sd);
	__close(sd);
	return 1;
}
