# kmemlab on a real machine: install, man pages, DKMS, Debian packages.
# Included from the top-level Makefile (Q, TOP, KMEMLAB_VERSION).
#
#   make man           build/man/kmemlab-analyze.1 and kmemlab.7 (pandoc,
#                      from docs/analyze.md and docs/kmemlab.md + events.md)
#   make install       PREFIX= (default /usr/local), DESTDIR=: the analyzer
#                      as kmemlab-analyze, man pages, bash completion,
#                      docs and the KernelShark plugin (when libkshark-dev
#                      is installed; WITH_KERNELSHARK=0 leaves it out)
#   make uninstall     remove exactly what make install installed
#   make dkms-source   build/dkms/kmemlab-<version>/: the modules' sources,
#                      dkms.conf and VERSION (DKMS_SRC= puts it elsewhere)
#   make dkms-install  dkms add, build and install for the running kernel
#                      (root; DKMS_KERNEL=<release> for another installed
#                      one); rebuilt by DKMS on every kernel update
#   make dkms-uninstall  dkms remove --all of this version
#   make deb           build/deb/kmemlab_<v>_<arch>.deb (analyzer, man pages,
#                      completion, plugin) and kmemlab-dkms_<v>_all.deb
#   make dkms-kernels  the kernels the DKMS test builds for, one a line:
#                      RELEASE ARCH KERNEL_SOURCE_DIR

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(PREFIX)/bin
MANDIR := $(PREFIX)/share/man
DOCDIR := $(PREFIX)/share/doc/kmemlab
COMPLETIONDIR := $(PREFIX)/share/bash-completion/completions
# KernelShark loads plugins only from its own compiled-in directory, Debian's
# /usr/lib/<multiarch>/kernelshark/plugins: PREFIX=/usr puts the plugin
# there; under another PREFIX, run kernelshark -p <that path>.
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
KS_PLUGIN_DIR := $(PREFIX)/lib/$(MULTIARCH)/kernelshark/plugins
WITH_KERNELSHARK ?= $(if $(wildcard /usr/include/kernelshark/libkshark.h),1,0)

MAN_BUILD := $(TOP)/build/man
MAN_PAGES := $(MAN_BUILD)/kmemlab-analyze.1 $(MAN_BUILD)/kmemlab.7
PANDOC_MAN = pandoc --standalone --from markdown --to man \
	--lua-filter $(TOP)/packaging/man.lua \
	-M footer="kmemlab $(KMEMLAB_VERSION)" -M header="kmemlab"
DOC_FILES := README.md $(sort $(wildcard docs/*.md docs/*.png docs/*.svg))

# Everything make install puts down, relative to DESTDIR; uninstall removes
# this list and nothing else.
INSTALLED := $(BINDIR)/kmemlab-analyze $(MANDIR)/man1/kmemlab-analyze.1 \
	$(MANDIR)/man7/kmemlab.7 $(COMPLETIONDIR)/kmemlab-analyze \
	$(addprefix $(DOCDIR)/,$(notdir $(DOC_FILES)))
ifeq ($(WITH_KERNELSHARK),1)
INSTALLED += $(KS_PLUGIN_DIR)/plugin-kmemlab.so
INSTALL_PLUGIN := $(KS_PLUGIN)
endif

man: $(MAN_PAGES)

$(MAN_BUILD)/kmemlab-analyze.1: docs/analyze.md packaging/man.lua $(KMEMLAB_VERSION_FILE) | pandoc-tool
	@mkdir -p $(@D)
	@echo "  PANDOC  $(@:$(TOP)/%=%)"
	$(Q)$(PANDOC_MAN) -M title=KMEMLAB-ANALYZE -M section=1 -o $@ docs/analyze.md

$(MAN_BUILD)/kmemlab.7: docs/kmemlab.md docs/events.md packaging/man.lua $(KMEMLAB_VERSION_FILE) | pandoc-tool
	@mkdir -p $(@D)
	@echo "  PANDOC  $(@:$(TOP)/%=%)"
	$(Q)$(PANDOC_MAN) -M title=KMEMLAB -M section=7 -o $@ docs/kmemlab.md docs/events.md

pandoc-tool:
	@command -v pandoc >/dev/null || { \
		echo "man: pandoc not found: apt-get install pandoc (scripts/deps.sh install)" >&2; \
		exit 1; }

install: analyze $(MAN_PAGES) $(INSTALL_PLUGIN)
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(DOCDIR)
	$(Q)install -m 755 analyze $(DESTDIR)$(BINDIR)/kmemlab-analyze
	$(Q)install -m 644 $(MAN_BUILD)/kmemlab-analyze.1 $(DESTDIR)$(MANDIR)/man1/
	$(Q)install -m 644 $(MAN_BUILD)/kmemlab.7 $(DESTDIR)$(MANDIR)/man7/
	$(Q)install -m 644 packaging/kmemlab-analyze.bash \
		$(DESTDIR)$(COMPLETIONDIR)/kmemlab-analyze
	$(Q)install -m 644 $(DOC_FILES) $(DESTDIR)$(DOCDIR)/
ifeq ($(WITH_KERNELSHARK),1)
	$(Q)install -d $(DESTDIR)$(KS_PLUGIN_DIR)
	$(Q)install -m 644 $(KS_PLUGIN) $(DESTDIR)$(KS_PLUGIN_DIR)/
endif
	@echo "  INSTALL $(words $(INSTALLED)) files under $(DESTDIR)$(PREFIX)"

# Only our files, then the directories they leave empty (never PREFIX's).
uninstall:
	$(Q)rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	$(Q)for d in $(DOCDIR) $(KS_PLUGIN_DIR) $(dir $(KS_PLUGIN_DIR)); do \
		rmdir $(DESTDIR)$$d 2>/dev/null || :; done
	@echo "  UNINSTALL $(words $(INSTALLED)) files under $(DESTDIR)$(PREFIX)"

# DKMS: the module sources as DKMS wants them, /usr/src/kmemlab-<version>.
DKMS_SRC ?= $(TOP)/build/dkms
DKMS_TREE := $(DKMS_SRC)/kmemlab-$(KMEMLAB_VERSION)
DKMS_FILES := module/Kbuild $(filter-out %.mod.c,$(wildcard module/*.c)) \
	$(wildcard module/*.h)

dkms-source:
	$(Q)rm -rf $(DKMS_TREE) && mkdir -p $(DKMS_TREE)
	$(Q)cp $(DKMS_FILES) $(DKMS_TREE)/
	$(Q)echo "$(KMEMLAB_VERSION)" > $(DKMS_TREE)/VERSION
	$(Q)packaging/dkms-conf.sh $(KMEMLAB_VERSION) module/Kbuild > $(DKMS_TREE)/dkms.conf
	@echo "  DKMS    $(DKMS_TREE:$(TOP)/%=%)"

DKMS_KERNEL ?=
DKMS_KERNEL_ARG := $(if $(DKMS_KERNEL),-k $(DKMS_KERNEL))

dkms-install:
	$(Q)[ "$$(id -u)" = 0 ] || { echo "dkms-install: run as root (sudo make dkms-install)" >&2; exit 1; }
	$(Q)command -v dkms >/dev/null || { echo "dkms-install: apt-get install dkms" >&2; exit 1; }
	$(Q)$(MAKE) --no-print-directory dkms-source DKMS_SRC=/usr/src
	$(Q)dkms add -m kmemlab -v $(KMEMLAB_VERSION)
	$(Q)dkms build -m kmemlab -v $(KMEMLAB_VERSION) $(DKMS_KERNEL_ARG)
	$(Q)dkms install -m kmemlab -v $(KMEMLAB_VERSION) $(DKMS_KERNEL_ARG)

dkms-uninstall:
	$(Q)dkms remove -m kmemlab -v $(KMEMLAB_VERSION) --all
	$(Q)rm -rf /usr/src/kmemlab-$(KMEMLAB_VERSION)

# The kernels tests/install/dkms-test builds for: the ones make check
# covers (scripts/target fetches what is missing).  One line each; add a
# line for another kernel.
dkms_test_kernel = "$(shell KERNEL=$(1) ARCH=$(2) $(TOP)/scripts/target release) $(2) $(shell KERNEL=$(1) ARCH=$(2) $(TOP)/scripts/target kdir)"
DKMS_TEST_KERNELS = \
	"$(KMEMLAB_KVER) x86_64 $(KDIR)" \
	"$(ARM64_KVER) arm64 $(ARM64_KDIR)" \
	$(call dkms_test_kernel,6.12,x86_64) \
	$(call dkms_test_kernel,6.12,arm64) \
	$(call dkms_test_kernel,6.12,arm64-16k)

dkms-kernels:
	@printf '%s\n' $(DKMS_TEST_KERNELS)

# Debian packages, with dpkg-deb: kmemlab (PREFIX=/usr) and kmemlab-dkms.
DEB_BUILD := $(TOP)/build/deb
DEB_VERSION := $(shell scripts/version.sh --deb)
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)

deb: analyze $(MAN_PAGES) $(INSTALL_PLUGIN)
	$(Q)DEB_BUILD=$(DEB_BUILD) DEB_VERSION=$(DEB_VERSION) DEB_ARCH=$(DEB_ARCH) \
		KMEMLAB_VERSION=$(KMEMLAB_VERSION) WITH_KERNELSHARK=$(WITH_KERNELSHARK) \
		MAKE="$(MAKE)" packaging/deb.sh

packaging-clean:
	$(Q)rm -rf $(MAN_BUILD) $(DKMS_SRC) $(DEB_BUILD)

.PHONY: man pandoc-tool install uninstall dkms-source dkms-install \
	dkms-uninstall dkms-kernels deb packaging-clean
