# fuzz/ - libFuzzer targets for the analyzer (clang, ASan + UBSan).
#
#   make fuzz           build the three targets, run each for FUZZ_TIME
#                       seconds (default 60); fails when one finds a crash
#                       in the analyzer's code
#   make fuzz-build     only build build/fuzz/fuzz_model, fuzz_file and
#                       fuzz_perf
#   make fuzz-clean
#
#   fuzz_model  input = a sequence of synthetic events fed to the model
#               (trace/model/), then every output of trace/output/: the
#               text report (all runs, one run), JSON, check and layout,
#               to /dev/null
#   fuzz_file   input = a recording, read by cmd_report() (every file of
#               trace/ but cmd/main.c), libtracecmd and libtraceevent
#               included
#   fuzz_perf   the same, keeping only inputs with perf.data's magic, so
#               the fuzzer spends its time in the perf.data reader
#
# Included from the top-level Makefile (Q, TOP); stand-alone:
#   make -f Makefile -f fuzz/fuzz.mk fuzz
# Seeds: fuzz/corpus/{model,file,perf}/ (committed, small); the working corpora
# and the variants made from the seeds live in build/fuzz/, crashes are
# written there as crash-*.  Crashes already understood, with their
# analysis, are kept in fuzz/crashes-known/.

FUZZ_CC		?= clang
FUZZ_TIME	?= 60
FUZZ_BUILD	:= build/fuzz
FUZZ_PKGS	:= libtracecmd libtraceevent libtracefs json-c libzstd
# clang 14 does not define __SANITIZE_ADDRESS__ (gcc's name) under
# -fsanitize=address; trace/ keys its sanitizer-only code on it (the LSan
# suppressions for libtracecmd's own leak), so say it here.  KMEMLAB_FUZZ
# turns off the signal guard around library calls, so a crash in a
# library reaches the fuzzer and fuzz/triage.sh says whose it is.
FUZZ_CFLAGS	:= -O1 -g -Wall -Wextra -Werror -std=gnu11 -Itrace \
		   -fsanitize=fuzzer-no-link,address,undefined \
		   -fno-sanitize-recover=all -fno-omit-frame-pointer \
		   -D__SANITIZE_ADDRESS__=1 -D_GNU_SOURCE= -DKMEMLAB_FUZZ=1
FUZZ_LDFLAGS	:= -fsanitize=fuzzer,address,undefined
# Everything `analyze report` runs: all of trace/ but main().
FUZZ_FILE_SRCS	:= $(filter-out cmd/main,$(patsubst trace/%.c,%,$(wildcard trace/*/*.c)))
# The model, what it stands on, and the outputs: no reader, no commands.
FUZZ_MODEL_SRCS	:= $(filter model/% lib/% output/%,$(FUZZ_FILE_SRCS))
fuzz-build: $(FUZZ_BUILD)/fuzz_model $(FUZZ_BUILD)/fuzz_file $(FUZZ_BUILD)/fuzz_perf

$(FUZZ_BUILD)/obj/%.o: trace/%.c $(wildcard trace/*/*.h) | fuzz-tools
	@mkdir -p $(@D)
	@echo "  CC      $@ (fuzz)"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $$(pkg-config --cflags $(FUZZ_PKGS)) \
		-c -o $@ $<

$(FUZZ_BUILD)/obj/fuzz/%.o: fuzz/%.c fuzz/fuzz.h $(wildcard trace/*/*.h) | fuzz-tools
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

# fuzz_perf: fuzz_file.c again, keeping only perf.data inputs.
$(FUZZ_BUILD)/obj/fuzz/fuzz_perf.o: fuzz/fuzz_file.c fuzz/fuzz.h $(wildcard trace/*/*.h) | fuzz-tools
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -DFUZZ_PERF_ONLY=1 -c -o $@ $<

$(FUZZ_BUILD)/fuzz_model: $(FUZZ_BUILD)/obj/fuzz/fuzz_model.o \
		$(FUZZ_MODEL_SRCS:%=$(FUZZ_BUILD)/obj/%.o)
	@echo "  LD      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ \
		$$(pkg-config --libs $(FUZZ_PKGS))

$(FUZZ_BUILD)/fuzz_file: $(FUZZ_BUILD)/obj/fuzz/fuzz_file.o \
		$(FUZZ_FILE_SRCS:%=$(FUZZ_BUILD)/obj/%.o)
	@echo "  LD      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ \
		$$(pkg-config --libs $(FUZZ_PKGS))

$(FUZZ_BUILD)/fuzz_perf: $(FUZZ_BUILD)/obj/fuzz/fuzz_perf.o \
		$(FUZZ_FILE_SRCS:%=$(FUZZ_BUILD)/obj/%.o)
	@echo "  LD      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ \
		$$(pkg-config --libs $(FUZZ_PKGS))

# Run each for FUZZ_TIME s; a crash in the analyzer's code fails.
fuzz: fuzz-build
	$(Q)fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TIME)

fuzz-tools:
	@command -v $(FUZZ_CC) >/dev/null && \
	 echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return d && n; }' | \
	 $(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null || { \
		echo "fuzz: needs clang with libFuzzer: apt-get install clang libclang-rt-14-dev" >&2; \
		exit 1; }

fuzz-clean:
	$(Q)rm -rf $(FUZZ_BUILD)

.PHONY: fuzz fuzz-build fuzz-tools fuzz-clean
