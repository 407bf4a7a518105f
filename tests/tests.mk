# tests/ - what checks the tree, beside the code it checks.
#
#   make check          everything a fresh Debian machine needs, then every
#                       suite of tests/run-all
#   make analyze-asan   build/asan/analyze, ASan + UBSan, for the tests
#   make unit           cmocka unit tests of the model, plain and ASan+UBSan,
#                       and tests/unit/cli.sh on $(KMEMLAB_TRACE) if it exists
#   make compare        the analyzer's outputs, a git revision's against the
#                       working tree's (tests/compare-outputs)
#
# Included from the top-level Makefile after trace/build.mk (TRACE_*).

TRACE_ASAN	:= build/asan
TRACE_UNIT	:= build/unit
# A real recording for tests/unit/cli.sh (damaged copies go to build/unit).
KMEMLAB_TRACE	?= $(OUT)/trace.dat

TRACE_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
TRACE_ASAN_OBJS	:= $(TRACE_SRCS:trace/%.c=$(TRACE_ASAN)/%.o)

UNIT_SRCS	:= $(wildcard tests/unit/test_*.c)
UNIT_HDRS	:= $(wildcard tests/unit/*.h)
UNIT_BINS	:= $(UNIT_SRCS:tests/unit/%.c=$(TRACE_UNIT)/%)
UNIT_ASAN_BINS	:= $(UNIT_SRCS:tests/unit/%.c=$(TRACE_ASAN)/unit/%)

# The modules with W=1, as the module suite builds them: built once.
check:
	$(Q)scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory module W=1
	$(Q)$(MAKE) --no-print-directory analyze analyze-asan
	$(Q)OUT=$(OUT) tests/run-all

.PHONY: check

analyze-asan: $(TRACE_ASAN)/analyze

$(TRACE_ASAN)/analyze: $(TRACE_ASAN_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(TRACE_CFLAGS) $(TRACE_SAN) -o $@ $^ $(TRACE_PKG_LIBS)

$(TRACE_ASAN)/%.o: trace/%.c | trace-pkgs
	@mkdir -p $(@D)
	@echo "  CC      $< (asan)"
	$(Q)$(CC) $(TRACE_CFLAGS) $(TRACE_SAN) $(TRACE_PKG_CFLAGS) -c -o $@ $<

$(TRACE_UNIT)/%: tests/unit/%.c $(TRACE_CORE:%=$(TRACE_BUILD)/%.o) $(UNIT_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(TRACE_CFLAGS) -o $@ $(filter-out %.h,$^) \
		$$(pkg-config --cflags --libs cmocka)

$(TRACE_ASAN)/lib/version.o: $(KMEMLAB_VERSION_FILE)

$(TRACE_ASAN)/unit/%: tests/unit/%.c $(TRACE_CORE:%=$(TRACE_ASAN)/%.o) \
		$(UNIT_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(TRACE_CFLAGS) $(TRACE_SAN) -o $@ $(filter-out %.h,$^) \
		$$(pkg-config --cflags --libs cmocka)

# Run every unit binary (plain and sanitized) with TAP output, then one
# "N passed, N failed" line the lead's aggregation can read.
unit: $(UNIT_BINS) $(UNIT_ASAN_BINS) analyze-asan
	$(Q)pass=0; fail=0; \
	for t in $(UNIT_BINS) $(UNIT_ASAN_BINS); do \
		out=$$(CMOCKA_MESSAGE_OUTPUT=TAP $$t 2>&1); rc=$$?; \
		p=$$(printf '%s\n' "$$out" | grep -c '^ok '); \
		f=$$(printf '%s\n' "$$out" | grep -c '^not ok '); \
		if [ $$rc -ne 0 ] && [ $$f -eq 0 ]; then f=1; fi; \
		[ "$(V)" = 1 ] || [ $$f -ne 0 ] && printf '%s\n' "$$out"; \
		echo "  UNIT    $$t: $$p passed, $$f failed"; \
		pass=$$((pass + p)); fail=$$((fail + f)); \
	done; \
	if [ -f "$(KMEMLAB_TRACE)" ]; then \
		out=$$(V=$(V) sh tests/unit/cli.sh $(TRACE_ASAN)/analyze \
			"$(KMEMLAB_TRACE)" $(TRACE_UNIT)/cli); \
		printf '%s\n' "$$out" | grep -v '^cli:'; \
		line=$$(printf '%s\n' "$$out" | tail -n 1); \
		echo "  UNIT    tests/unit/cli.sh $(KMEMLAB_TRACE): $${line#cli: }"; \
		p=$$(echo "$$line" | sed -n 's/^cli: \([0-9]*\) passed.*/\1/p'); \
		f=$$(echo "$$line" | sed -n 's/.* \([0-9]*\) failed$$/\1/p'); \
		pass=$$((pass + $${p:-0})); fail=$$((fail + $${f:-1})); \
	else \
		echo "  UNIT    tests/unit/cli.sh: skipped, no recording" \
		     "(make demo, or KMEMLAB_TRACE=FILE)"; \
	fi; \
	echo "unit: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

-include $(TRACE_ASAN_OBJS:.o=.d)

.PHONY: analyze-asan unit

# make compare: the analyzer's output must not change across a refactor.
# Builds COMPARE_REF's ./analyze (a git revision, default main) from a
# git archive under build/compare/, runs it and the working tree's on
# COMPARE_RECORDINGS (default: every recording `make check` left in
# $(OUT)/check, plus the fuzz seeds) and diffs (tests/compare-outputs).
COMPARE_REF	?= main
COMPARE_DIR	:= build/compare
COMPARE_RECORDINGS ?= $(wildcard $(OUT)/check/*/*.dat $(OUT)/check/*/perf.data \
			  fuzz/corpus/file/*.tracedat)

compare: analyze
	$(Q)rm -rf $(COMPARE_DIR) && mkdir -p $(COMPARE_DIR)/ref
	$(Q)git archive $(COMPARE_REF) | tar -x -C $(COMPARE_DIR)/ref
	@# the same version as ours, so that only the code's outputs differ
	$(Q)echo "$(KMEMLAB_VERSION)" > $(COMPARE_DIR)/ref/VERSION
	$(Q)$(MAKE) --no-print-directory -C $(COMPARE_DIR)/ref analyze
	$(Q)tests/compare-outputs save $(COMPARE_DIR)/ref/analyze \
		$(COMPARE_DIR)/before $(COMPARE_RECORDINGS) >/dev/null
	$(Q)tests/compare-outputs save ./analyze $(COMPARE_DIR)/after \
		$(COMPARE_RECORDINGS) >/dev/null
	$(Q)tests/compare-outputs diff $(COMPARE_DIR)/before $(COMPARE_DIR)/after

.PHONY: compare
