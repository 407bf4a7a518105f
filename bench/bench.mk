# bench/ - the analyzer's speed and memory, side by side with trace-cmd.
#
#   make bench          record (once, cached) two page-heavy recordings in
#                       the lab VM, then time ./analyze report, trace-cmd
#                       report, bench/floor and bench/limit on both, count
#                       instructions per event with callgrind; prints a
#                       table and which targets are met (docs/bench.md)
#   make bench-record   only the recordings: build/bench/zstd-{1x,2x}.dat as
#                       trace-cmd records them by default (file version 7,
#                       zstd), raw-{1x,2x}.dat the same converted to
#                       uncompressed (trace-cmd convert --compression none)
#   make bench-floor    only build/bench/floor (and build/bench/limit)
#   make bench-clean    drop build/bench (the recordings included)
#
# BENCH_RUNS=N runs per tool and file (default 3).  BENCH_CALLGRIND=FILE
# the recording callgrind counts on (default zstd-1x.dat; empty: none).
# VM_RUN_FLAGS= options for vm/run when recording (e.g. --no-kvm).  BENCH_ROUNDS=N workload
# rounds of the 1x recording (default 24, about 1.6 million page events;
# the 2x recording does twice as many).  Included from the top-level
# Makefile (Q, TOP); stand-alone: make -f Makefile -f bench/bench.mk bench

BENCH_DIR	:= build/bench
BENCH_RUNS	?= 3
BENCH_ROUNDS	?= 24
BENCH_MEM	?= 2048
BENCH_PKGS	:= libtracecmd libtraceevent
BENCH_CALLGRIND	?= $(BENCH_DIR)/zstd-1x.dat
BENCH_CFLAGS	:= -O2 -g -Wall -Wextra -Werror -std=gnu11

BENCH_FILES	:= $(foreach f,zstd raw,$(foreach n,1x 2x,$(BENCH_DIR)/$(f)-$(n).dat))

bench: analyze $(BENCH_DIR)/floor $(BENCH_DIR)/limit bench-record
	$(Q)python3 bench/bench.py --runs $(BENCH_RUNS) --analyze ./analyze \
		--floor $(BENCH_DIR)/floor --limit $(BENCH_DIR)/limit \
		$(if $(BENCH_CALLGRIND),--callgrind $(BENCH_CALLGRIND)) \
		$(BENCH_FILES)

bench-floor: $(BENCH_DIR)/floor $(BENCH_DIR)/limit

$(BENCH_DIR)/limit: bench/limit.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(BENCH_CFLAGS) -o $@ $< $$(pkg-config --libs libzstd)

$(BENCH_DIR)/floor: bench/floor.c | trace-pkgs
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(BENCH_CFLAGS) $$(pkg-config --cflags $(BENCH_PKGS)) -o $@ $< \
		$$(pkg-config --libs $(BENCH_PKGS))

bench-record: $(BENCH_FILES)

# zstd-Nx.dat: N x BENCH_ROUNDS rounds of bench/record-guest.sh in the VM.
# Recorded into a scratch share, moved into place only when complete, so an
# interrupted recording is never mistaken for a cached one.
$(BENCH_DIR)/zstd-%x.dat: bench/record-guest.sh
	$(Q)$(MAKE) --no-print-directory module
	@mkdir -p $(BENCH_DIR)/vm-$*x
	@echo "  RECORD  $@ ($$(($* * $(BENCH_ROUNDS))) rounds, TCG: about $$(($* * 60)) s)"
	$(Q)t0=$$(date +%s); \
	$(TOP)/vm/run -q $(VM_RUN_FLAGS) --mem $(BENCH_MEM) --timeout 900 \
		--share $(BENCH_DIR)/vm-$*x bench/record-guest.sh \
		$$(($* * $(BENCH_ROUNDS))) /out/pages.dat || { \
		echo "bench: recording failed; see $(BENCH_DIR)/vm-$*x/console.log" >&2; \
		exit 1; }; \
	echo "  RECORD  $@ done in $$(( $$(date +%s) - t0 )) s"
	$(Q)mv $(BENCH_DIR)/vm-$*x/pages.dat $@
	$(Q)rm -rf $(BENCH_DIR)/vm-$*x

# The same events uncompressed: libtracecmd maps these instead of
# decompressing them into memory, which changes the memory picture.
$(BENCH_DIR)/raw-%.dat: $(BENCH_DIR)/zstd-%.dat
	@echo "  CONVERT $@"
	$(Q)trace-cmd convert -i $< -o $@.tmp --compression none >$@.log 2>&1 || { \
		cat $@.log >&2; echo "bench: trace-cmd convert failed" >&2; exit 1; }
	$(Q)mv $@.tmp $@; rm -f $@.log
bench-clean:
	$(Q)rm -rf $(BENCH_DIR)

.PRECIOUS: $(BENCH_DIR)/zstd-%x.dat $(BENCH_DIR)/raw-%.dat
.PHONY: bench bench-record bench-floor bench-clean
