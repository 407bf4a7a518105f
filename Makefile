# kmemlab — top-level build.
#
#   make            build ./analyze (user space, trace/)
#   make module     build build/module/<release>/kmemlab.ko with kbuild
#   make demo       install what is missing, boot the lab VM, record, report
#   make check      install what is missing, unit tests + VM tests
#
# KERNEL=6.1|6.12 and ARCH=x86_64|arm64|arm64-16k pick the kernel that
# make module, make demo, make check and vm/run work on (scripts/target);
# the default is the installed 6.1 on x86_64.
#   make bench      analyzer speed and memory, side by side
#   make fuzz       libFuzzer on the model and on trace.dat input (FUZZ_TIME=)
#   make lint       checkpatch.pl --strict on module/ and trace/, then
#                   make layers (trace/ calls only down, no cycle): lint.mk
#   make unit       unit tests (tests/tests.mk, with analyze-asan, compare)
#   make vm         build the lab VM's initramfs (cached in build/vm)
#   make lab-docs   rerun the lab scenarios in the VM, regenerate the lab
#                   guide's pasted outputs (docs/docs.mk)
#   make kernelshark open out/trace.dat in KernelShark with kmemlab's plugin
#   make install    kmemlab-analyze, man pages, completion, plugin (PREFIX=,
#                   DESTDIR=); make uninstall removes them
#   make dkms-install  the modules under DKMS for the running kernel
#   make deb        build/deb/kmemlab_*.deb and kmemlab-dkms_*.deb
#
# Quiet by default; V=1 shows full commands.

ifeq ($(V),1)
Q :=
else
Q := @
endif

TOP := $(CURDIR)
OUT ?= $(TOP)/out

# kmemlab's one version (scripts/version.sh: git describe, or the VERSION
# file of a tarball or package tree): the analyzer, the modules' MODULE_VERSION,
# DKMS and the .deb all carry it.  build/version.txt changes only when the
# version does, so what depends on it is rebuilt only then.
KMEMLAB_VERSION := $(shell $(TOP)/scripts/version.sh 2>/dev/null)
ifeq ($(KMEMLAB_VERSION),)
$(warning neither git nor a VERSION file tells kmemlab's version: "unknown")
KMEMLAB_VERSION := unknown
endif
KMEMLAB_VERSION_FILE := $(TOP)/build/version.txt
$(shell mkdir -p $(TOP)/build && \
	[ "$$(cat $(KMEMLAB_VERSION_FILE) 2>/dev/null)" = "$(KMEMLAB_VERSION)" ] || \
	echo "$(KMEMLAB_VERSION)" > $(KMEMLAB_VERSION_FILE))

# A KERNEL or ARCH the lab does not support stops make at once, with the
# list of those it does.
ifneq ($(KERNEL)$(ARCH),)
TARGET_ERROR := $(shell KERNEL="$(KERNEL)" ARCH="$(ARCH)" $(TOP)/scripts/target check 2>&1)
ifneq ($(TARGET_ERROR),)
$(error $(TARGET_ERROR))
endif
endif

all: analyze

# The fuzzers need clang's libFuzzer, the benchmark /usr/bin/time (peak
# RSS) and valgrind (profiles): installed only when those are asked for.
# Listed before the includes, so they come before the targets' own
# prerequisites.
deps-fuzz:
	$(Q)scripts/deps.sh build fuzz
deps-bench:
	$(Q)scripts/deps.sh build vm bench
fuzz-build: deps-fuzz
bench-record: deps-bench

include module/module.mk
include trace/build.mk
include vm/vm.mk
include docs/docs.mk
include tests/tests.mk
include lint.mk
include kernelshark/kernelshark.mk
include fuzz/fuzz.mk
include bench/bench.mk
include packaging/packaging.mk

deps:
	$(Q)scripts/deps.sh

clean: module-clean trace-clean vm-clean kernelshark-clean fuzz-clean packaging-clean
	$(Q)rm -rf $(OUT)

.PHONY: all deps deps-fuzz deps-bench clean
