# vm/ — the lab VM (QEMU, Debian's kernel, busybox initramfs).
#
#   make vm         build (or refresh) the cached initramfs and kernel in build/vm
#   make demo       install what is missing, build the modules and ./analyze,
#                   record vm/scenarios/demo.sh in the VM, report
#                   (KERNEL=, ARCH=: in that kernel's VM); leaves its
#                   files in out/ (the default VM) or out/<kernel release>/
#                   (make demo-out prints which)
#   make vm-clean   drop build/vm
#
# Included from the top-level Makefile (Q, TOP, OUT).  vm/run does the work;
# vm/README.md describes it.

VM_RUN := $(TOP)/vm/run
# ./analyze comes from trace/build.mk; the demo falls back to trace-cmd's
# report where that part of the tree is absent.
VM_DEMO_ANALYZE := $(if $(wildcard $(TOP)/trace/build.mk),analyze)

vm:
	$(Q)$(VM_RUN) --build

# Each VM's demo has its own folder, so one never writes over another's
# trace.dat, dmesg.txt and layout.svg: $(OUT) for the default VM (6.1,
# x86_64), $(OUT)/<kernel release>/ for any other KERNEL=/ARCH=, the
# release scripts/target names (nothing is fetched to name it).
DEMO_RELEASE = $(shell KERNEL="$(KERNEL)" ARCH="$(ARCH)" TARGET_LIB=1 bash -c \
	'. $(TOP)/scripts/target && target_check && target_release && \
	 [ "$$target_kernel/$$target_arch" != 6.1/x86_64 ] && echo "$$target_release"')
DEMO_OUT = $(if $(KERNEL)$(ARCH),$(OUT)$(addprefix /,$(DEMO_RELEASE)),$(OUT))

# KERNEL=/ARCH=: the same demo in that VM (make passes both on to vm/run
# and to `make module`, which cross-builds for arm64).
demo:
	$(Q)scripts/deps.sh build vm $(if $(filter arm64%,$(ARCH)),arm64)
	$(Q)$(MAKE) --no-print-directory module $(VM_DEMO_ANALYZE)
	$(Q)$(VM_RUN) --share $(DEMO_OUT) $(TOP)/vm/scenarios/demo.sh
	$(Q)$(TOP)/vm/demo-report $(DEMO_OUT)

demo-out:
	@echo $(DEMO_OUT)

vm-clean:
	$(Q)rm -rf $(TOP)/build/vm

.PHONY: vm demo demo-out vm-clean
