# kmemlab — kernel side: the modules (kbuild); lint is in lint.mk.
#
#   make module        build/module/<release>/kmemlab.ko, kmemlab_trace.ko and
#                      kmemlab_check.ko
#                      for the target KERNEL=6.1|6.12 ARCH=x86_64|arm64|arm64-16k
#                      (scripts/target: the kernels not installed here are
#                      Debian's, fetched once into .cache/kernels/<release>)
#   make module-arm64  the same as make module ARCH=arm64
#   make module-clean  remove build/module (and objects an older tree left in
#                      module/)
#
# With neither KERNEL nor ARCH: the installed 6.1 headers the lab VM boots,
# else the running kernel's; KDIR= selects any kernel build tree.  module/
# keeps only sources: kbuild works on a copy in build/module/<release>/, so
# no target's build overwrites another's.  The version is never written
# down here.

MODULE_DIR := $(TOP)/module

ifeq ($(V),1)
KBUILD_QUIET := V=1
else
KBUILD_QUIET := -s
endif

TARGET_ENV = KERNEL="$(KERNEL)" ARCH="$(ARCH)" KBUILD_QUIET="$(KBUILD_QUIET)" \
	KMEMLAB_VERSION="$(KMEMLAB_VERSION)" \
	$(if $(filter command line environment,$(origin KDIR)),KDIR="$(KDIR)")

# The default targets' releases and build trees, for packaging.mk's
# dkms-kernels; evaluated only when used (arm64's may be fetched then).
KMEMLAB_KVER = $(shell KERNEL= ARCH= $(TOP)/scripts/target release)
ARM64_KVER = $(shell KERNEL=6.1 ARCH=arm64 $(TOP)/scripts/target release)
ARM64_KDIR = $(shell KERNEL=6.1 ARCH=arm64 $(TOP)/scripts/target kdir)
ifeq ($(origin KDIR),undefined)
KDIR = /lib/modules/$(KMEMLAB_KVER)/build
endif

module:
	$(Q)$(TARGET_ENV) $(TOP)/scripts/target module

module-arm64:
	$(Q)$(TARGET_ENV) ARCH=arm64 $(TOP)/scripts/target module

module-clean:
	$(Q)rm -rf $(TOP)/build/module
	$(Q)cd $(MODULE_DIR) && rm -f *.o *.ko *.mod *.mod.c .*.cmd Module.symvers modules.order

.PHONY: module module-clean module-arm64
