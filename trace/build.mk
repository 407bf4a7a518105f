# trace/ - the user-space analyzer, built into ./analyze.
#
#   make analyze        ./analyze (objects under build/trace/)
#   make trace-clean
#
# Included from the top-level Makefile (Q, TOP).  Every library through
# pkg-config.  Sources are trace/*/*.c, one folder per layer (trace/README.md);
# headers are included by their folder ("model/model.h") from -Itrace.  A
# new subcommand is a new file in trace/cmd/ plus one line in cmd/main.c's
# commands[] and its manual page in cmd/usage.c.  The sanitized build and
# the unit tests are in tests/tests.mk, lint in lint.mk.

TRACE_PKGS	:= libtracecmd libtraceevent libtracefs json-c libzstd
TRACE_BUILD	:= build/trace

TRACE_PKG_CFLAGS = $(shell pkg-config --cflags $(TRACE_PKGS))
TRACE_PKG_LIBS	 = $(shell pkg-config --libs $(TRACE_PKGS))
TRACE_CFLAGS	:= -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE= -MMD -MP \
		   -Itrace

TRACE_SRCS	:= $(wildcard trace/*/*.c)
TRACE_OBJS	:= $(TRACE_SRCS:trace/%.c=$(TRACE_BUILD)/%.o)

# The model and what it stands on: no libtracecmd, so the unit tests and
# the model fuzzer drive it directly.
TRACE_CORE	:= $(basename $(wildcard trace/model/*.c trace/lib/*.c))
TRACE_CORE	:= $(TRACE_CORE:trace/%=%)

analyze: $(TRACE_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(TRACE_CFLAGS) -o $@ $^ $(TRACE_PKG_LIBS)

$(TRACE_BUILD)/%.o: trace/%.c | trace-pkgs
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(TRACE_CFLAGS) $(TRACE_PKG_CFLAGS) -c -o $@ $<

# Only lib/version.c sees the version, and is rebuilt when it changes
# (tests/tests.mk says the same of its sanitized object).
%/lib/version.o: TRACE_CFLAGS += -DKMEMLAB_VERSION='"$(KMEMLAB_VERSION)"'
$(TRACE_BUILD)/lib/version.o: $(KMEMLAB_VERSION_FILE)

trace-pkgs:
	@pkg-config --exists $(TRACE_PKGS) || { \
		echo "analyze: missing libraries: $(TRACE_PKGS) (make deps, group build)" >&2; \
		exit 1; }

trace-clean:
	$(Q)rm -rf build/trace build/asan build/unit analyze

-include $(TRACE_OBJS:.o=.d)

.PHONY: trace-pkgs trace-clean
