# lint - checkpatch.pl --strict on the kernel module and the analyzer.
#
#   make lint           module/ with the kernel's rules; trace/ with them too,
#                       minus the few that cannot apply to user space; then
#                       make layers
#   make layers         trace/'s files call only down, in no cycle
#                       (tests/check-layers on the objects of ./analyze)
#
# Included from the top-level Makefile after module/module.mk (MODULE_DIR).

# checkpatch.pl comes from Debian's linux-source tarball, unpacked once:
# just the script and the two data files it reads from its own directory.
CHECKPATCH_DIR := $(TOP)/.cache/checkpatch
CHECKPATCH := $(CHECKPATCH_DIR)/checkpatch.pl
LINUX_SOURCE_TAR ?= $(lastword $(sort $(wildcard /usr/src/linux-source-*.tar.xz)))

$(CHECKPATCH):
	$(Q)if [ -z "$(LINUX_SOURCE_TAR)" ]; then \
		echo "lint: no /usr/src/linux-source-*.tar.xz:" \
		     "apt-get install linux-source (make deps)" >&2; \
		exit 1; fi
	$(Q)mkdir -p $(CHECKPATCH_DIR)
	$(Q)tar -xJf $(LINUX_SOURCE_TAR) -C $(CHECKPATCH_DIR) \
		--wildcards --strip-components=2 \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	$(Q)touch $@

CHECKPATCH_FLAGS := --strict --no-tree --quiet --show-types --file
LINT_KERNEL := $(filter-out %.mod.c,$(wildcard $(MODULE_DIR)/*.c $(MODULE_DIR)/*.h))
LINT_USER := $(wildcard $(TOP)/trace/*/*.c $(TOP)/trace/*/*.h)

# Kernel rules that cannot apply to user-space C: it has no u32 (stdint
# types are the norm), no kstrto*() or strscpy(), no __printf() from
# compiler_attributes.h; and a usage() that prints "usage:" is not a log
# line that should name its function with __func__; and <inttypes.h>'s
# PRIx64 family is how C prints fixed-width types, not CamelCase.
CHECKPATCH_USER_IGNORE := PREFER_KERNEL_TYPES SSCANF_TO_KSTRTO CONSIDER_KSTRTO \
	STRLCPY PREFER_DEFINED_ATTRIBUTE_MACRO EMBEDDED_FUNCTION_NAME CAMELCASE

# Both sets are checked even when the first fails, so one run shows all.
lint: $(CHECKPATCH)
	$(Q)rc=0; \
	$(CHECKPATCH) $(CHECKPATCH_FLAGS) $(LINT_KERNEL) || rc=1; \
	$(if $(LINT_USER),$(CHECKPATCH) $(CHECKPATCH_FLAGS) \
		$(addprefix --ignore=,$(CHECKPATCH_USER_IGNORE)) \
		$(LINT_USER) || rc=1;) \
	if [ $$rc -ne 0 ]; then \
		echo "lint: checkpatch --strict found problems (above)" >&2; \
		exit 1; fi
	@echo "  LINT    checkpatch --strict: clean ($(words $(LINT_KERNEL) $(LINT_USER)) files)"
	$(Q)$(MAKE) --no-print-directory layers

layers: analyze
	$(Q)out=$$(tests/check-layers $(TRACE_BUILD)) || { echo "$$out" >&2; exit 1; }
	@echo "  LAYERS  trace/: no call cycle, every dependency points down"

.PHONY: lint layers
