# kmemlab — kernel side: the modules (kbuild); lint is in lint.mk.
#
#   make module        module/kmemlab.ko and module/kmemlab_trace.ko
#   make module-clean  remove what kbuild left in module/
#   make module-arm64  cross-build for arm64 into build/arm64/ (Debian's
#                      arm64 headers, fetched once into .cache/arm64/headers);
#                      make module ARCH=arm64 is the same
#
# KDIR= selects the kernel build tree.  The default is the installed headers
# that have a matching /boot/vmlinuz-* (the kernel the lab VM boots), else
# the running kernel's.  The version is never written down here.

MODULE_DIR := $(TOP)/module

ifeq ($(origin KDIR),undefined)
KMEMLAB_KVER := $(shell for d in /lib/modules/*/build; do \
	v=$${d%/build}; v=$${v##*/}; \
	[ -e "$$d/Makefile" ] && [ -e "/boot/vmlinuz-$$v" ] && echo "$$v"; \
	done | sort -V | tail -n 1)
ifeq ($(KMEMLAB_KVER),)
KMEMLAB_KVER := $(shell uname -r)
endif
KDIR := /lib/modules/$(KMEMLAB_KVER)/build
endif

ifeq ($(V),1)
KBUILD_QUIET := V=1
else
KBUILD_QUIET := -s
endif

# Headers packages ship no vmlinux, so kbuild could only print that it skips
# module BTF; say so up front instead of warning on every build.
KBUILD_MAKE = $(MAKE) --no-print-directory $(KBUILD_QUIET) -C $(KDIR) \
	M=$(MODULE_DIR) CONFIG_DEBUG_INFO_BTF_MODULES= \
	KMEMLAB_VERSION=$(KMEMLAB_VERSION)

# ARCH=arm64 on the command line reaches kbuild too, so the native build
# must not run with it: hand the whole goal to the cross-build.
ifeq ($(ARCH),arm64)
module: module-arm64
else
module:
	$(Q)if [ ! -e "$(KDIR)/Makefile" ]; then \
		echo "module: no kernel build tree at $(KDIR):" \
		     "install linux-headers-amd64 (make deps) or pass KDIR=" >&2; \
		exit 1; fi
	@echo "  KBUILD  module/kmemlab.ko module/kmemlab_trace.ko ($(KDIR))"
	$(Q)$(KBUILD_MAKE) modules
endif

module-clean:
	$(Q)if [ -e "$(KDIR)/Makefile" ]; then $(KBUILD_MAKE) clean; fi

# arm64: Debian's linux-headers-<ver>-arm64:arm64 cannot be installed beside
# the amd64 ones, but it only needs extracting: its scripts/ and tools/ links
# point at ../../lib/linux-kbuild-<x.y>, which the installed (amd64, runs on
# this host) linux-kbuild package provides once that link resolves, and its
# Makefile includes the installed linux-headers-<ver>-common.  The sources
# are copied to build/arm64 so the amd64 .ko files in module/ stay.
ARM64_CROSS ?= aarch64-linux-gnu-
ARM64_KVER ?= $(patsubst %-amd64,%-arm64,$(KMEMLAB_KVER))
ARM64_CACHE := $(TOP)/.cache/arm64/headers
ARM64_KDIR := $(ARM64_CACHE)/usr/src/linux-headers-$(ARM64_KVER)
ARM64_OUT := $(TOP)/build/arm64
ARM64_SRC := $(filter-out %.mod.c,$(wildcard $(MODULE_DIR)/*.c)) \
	$(wildcard $(MODULE_DIR)/*.h) $(MODULE_DIR)/Kbuild

$(ARM64_KDIR)/Makefile:
	$(Q)case "$(ARM64_KVER)" in *-arm64) ;; *) \
		echo "module-arm64: cannot tell the arm64 kernel version from" \
		     "'$(KMEMLAB_KVER)': pass ARM64_KVER=<ver>-arm64" >&2; \
		exit 1;; esac
	$(Q)if ! dpkg --print-foreign-architectures | grep -qx arm64; then \
		echo "module-arm64: apt knows no arm64 packages: as root run" \
		     "dpkg --add-architecture arm64 && apt-get update" >&2; \
		exit 1; fi
	$(Q)rm -rf $(ARM64_CACHE) && mkdir -p $(ARM64_CACHE)/deb
	$(Q)cd $(ARM64_CACHE)/deb && apt-get download -q=2 \
		-o APT::Sandbox::User=$$(id -un) \
		linux-headers-$(ARM64_KVER):arm64 || { \
		echo "module-arm64: apt-get download linux-headers-$(ARM64_KVER):arm64" \
		     "failed (apt-get update? network?)" >&2; exit 1; }
	$(Q)dpkg -x $(ARM64_CACHE)/deb/*.deb $(ARM64_CACHE)
	$(Q)kb=$$(readlink $(ARM64_KDIR)/scripts); kb=$${kb#../../lib/}; \
	kb=$${kb%/scripts}; \
	if [ ! -d "/usr/lib/$$kb" ]; then \
		echo "module-arm64: /usr/lib/$$kb missing: apt-get install $$kb" >&2; \
		rm -rf $(ARM64_CACHE); exit 1; fi; \
	mkdir -p $(ARM64_CACHE)/usr/lib && \
	ln -sfn /usr/lib/$$kb $(ARM64_CACHE)/usr/lib/$$kb
	$(Q)touch $@

module-arm64: $(ARM64_KDIR)/Makefile
	$(Q)if ! command -v $(ARM64_CROSS)gcc >/dev/null; then \
		echo "module-arm64: no $(ARM64_CROSS)gcc:" \
		     "apt-get install gcc-aarch64-linux-gnu" >&2; \
		exit 1; fi
	@echo "  KBUILD  build/arm64/kmemlab.ko build/arm64/kmemlab_trace.ko ($(ARM64_KDIR))"
	$(Q)mkdir -p $(ARM64_OUT) && cp -p $(ARM64_SRC) $(ARM64_OUT)/
	$(Q)$(MAKE) --no-print-directory $(KBUILD_QUIET) -C $(ARM64_KDIR) \
		M=$(ARM64_OUT) ARCH=arm64 CROSS_COMPILE=$(ARM64_CROSS) \
		CONFIG_DEBUG_INFO_BTF_MODULES= KMEMLAB_VERSION=$(KMEMLAB_VERSION) \
		modules

.PHONY: module module-clean module-arm64
