# KernelShark plot plugin for kmemlab recordings (included from the top Makefile).
#
#   make kernelshark-plugin   build build/kernelshark/plugin-kmemlab.so
#   make kernelshark          open $(KS_TRACE) in KernelShark with the plugin
#                             (default: the demo's, ARCH= as for make demo)
#   make check-gui            GUI test under Xvfb (KS_TRACE= picks the recording,
#                             KS_SHOT=docs/kernelshark.png keeps its screenshot)
#
# KernelShark names a plugin after its file: plugin-kmemlab.so is "kmemlab".

KS_DIR := $(TOP)/kernelshark
KS_BUILD := $(TOP)/build/kernelshark
KS_PLUGIN := $(KS_BUILD)/plugin-kmemlab.so
KS_TRACE ?= $(DEMO_OUT)/trace.dat

# -isystem: KernelShark's own headers do not build warning-free under -Wextra.
KS_PKG_CFLAGS = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags libkshark 2>/dev/null || echo -I/usr/include/kernelshark))
KS_PKG_LIBS = $(shell pkg-config --libs libkshark 2>/dev/null || echo -lkshark)

KS_WARN := -Wall -Wextra -Werror
KS_CFLAGS := -O2 -g -fPIC -fvisibility=hidden $(KS_WARN)
KS_CXXFLAGS := -std=c++17 $(KS_CFLAGS)
# The drawing helpers (KsPlot::*) live in libkshark-plot.
KS_LIBS = $(KS_PKG_LIBS) -lkshark-plot

KS_OBJS := $(KS_BUILD)/kmemlab.o $(KS_BUILD)/KmemlabPlot.o

kernelshark-plugin: $(KS_PLUGIN)

$(KS_PLUGIN): $(KS_OBJS)
	@echo "  LD      $(@:$(TOP)/%=%)"
	$(Q)$(CXX) -shared -o $@ $(KS_OBJS) $(KS_LIBS)

$(KS_BUILD)/kmemlab.o: $(KS_DIR)/kmemlab.c $(KS_DIR)/kmemlab.h | $(KS_BUILD)
	@echo "  CC      $(@:$(TOP)/%=%)"
	$(Q)$(CC) $(KS_CFLAGS) $(KS_PKG_CFLAGS) -c -o $@ $<

$(KS_BUILD)/KmemlabPlot.o: $(KS_DIR)/KmemlabPlot.cpp $(KS_DIR)/kmemlab.h | $(KS_BUILD)
	@echo "  CXX     $(@:$(TOP)/%=%)"
	$(Q)$(CXX) $(KS_CXXFLAGS) $(KS_PKG_CFLAGS) -c -o $@ $<

$(KS_BUILD):
	$(Q)mkdir -p $@

kernelshark: $(KS_PLUGIN)
	$(Q)test -r $(KS_TRACE) || { echo "kernelshark: no recording at $(KS_TRACE); run \`make demo\` first or pass KS_TRACE=file" >&2; exit 1; }
	$(Q)kernelshark -p $(KS_PLUGIN) $(KS_TRACE)

check-gui: $(KS_PLUGIN)
	$(Q)$(KS_DIR)/check-gui.sh $(KS_PLUGIN) $(KS_TRACE) $(KS_SHOT)

kernelshark-clean:
	$(Q)rm -rf $(KS_BUILD)

.PHONY: kernelshark-plugin kernelshark check-gui kernelshark-clean
