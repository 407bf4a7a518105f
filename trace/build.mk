# trace/ - the user-space analyzer, built into ./analyze.
#
#   make analyze        ./analyze (objects under build/trace/)
#   make analyze-asan   build/asan/analyze, ASan + UBSan, for the tests
#   make unit           cmocka unit tests of the model, plain and ASan+UBSan,
#                       and tests/unit/cli.sh on $(KMEMLAB_TRACE) if it exists
#   make trace-clean
#
# Included from the top-level Makefile (Q, TOP).  Every library through
# pkg-config.  Sources are trace/*.c: a new subcommand is a new file plus
# one line in main.c's commands[].

TRACE_PKGS	:= libtracecmd libtraceevent libtracefs json-c libzstd
TRACE_BUILD	:= build/trace
TRACE_ASAN	:= build/asan
TRACE_UNIT	:= build/unit

TRACE_PKG_CFLAGS = $(shell pkg-config --cflags $(TRACE_PKGS))
TRACE_PKG_LIBS	 = $(shell pkg-config --libs $(TRACE_PKGS))
TRACE_CFLAGS	:= -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE= -MMD -MP
# A real recording for tests/unit/cli.sh (damaged copies go to build/unit).
KMEMLAB_TRACE	?= $(OUT)/trace.dat

TRACE_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer

TRACE_SRCS	:= $(wildcard trace/*.c)
TRACE_OBJS	:= $(TRACE_SRCS:trace/%.c=$(TRACE_BUILD)/%.o)
TRACE_ASAN_OBJS	:= $(TRACE_SRCS:trace/%.c=$(TRACE_ASAN)/%.o)

# The model alone: no libtracecmd, so tests and fuzzers drive it directly.
TRACE_CORE	:= flags hmap model model-kmem model-walk table
UNIT_SRCS	:= $(wildcard tests/unit/test_*.c)
UNIT_BINS	:= $(UNIT_SRCS:tests/unit/%.c=$(TRACE_UNIT)/%)
UNIT_ASAN_BINS	:= $(UNIT_SRCS:tests/unit/%.c=$(TRACE_ASAN)/unit/%)

analyze: $(TRACE_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(TRACE_CFLAGS) -o $@ $^ $(TRACE_PKG_LIBS)

$(TRACE_BUILD)/%.o: trace/%.c | trace-pkgs
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(TRACE_CFLAGS) $(TRACE_PKG_CFLAGS) -c -o $@ $<

analyze-asan: $(TRACE_ASAN)/analyze

$(TRACE_ASAN)/analyze: $(TRACE_ASAN_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(TRACE_CFLAGS) $(TRACE_SAN) -o $@ $^ $(TRACE_PKG_LIBS)

$(TRACE_ASAN)/%.o: trace/%.c | trace-pkgs
	@mkdir -p $(@D)
	@echo "  CC      $< (asan)"
	$(Q)$(CC) $(TRACE_CFLAGS) $(TRACE_SAN) $(TRACE_PKG_CFLAGS) -c -o $@ $<

$(TRACE_UNIT)/%: tests/unit/%.c $(TRACE_CORE:%=$(TRACE_BUILD)/%.o)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(TRACE_CFLAGS) -Itrace -o $@ $^ $$(pkg-config --cflags --libs cmocka)

$(TRACE_ASAN)/unit/%: tests/unit/%.c $(TRACE_CORE:%=$(TRACE_ASAN)/%.o)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(TRACE_CFLAGS) $(TRACE_SAN) -Itrace -o $@ $^ \
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

trace-pkgs:
	@pkg-config --exists $(TRACE_PKGS) || { \
		echo "analyze: missing libraries: $(TRACE_PKGS) (make deps, group build)" >&2; \
		exit 1; }

trace-clean:
	$(Q)rm -rf build/trace build/asan build/unit analyze

-include $(TRACE_OBJS:.o=.d) $(TRACE_ASAN_OBJS:.o=.d)

.PHONY: analyze-asan unit trace-pkgs trace-clean
