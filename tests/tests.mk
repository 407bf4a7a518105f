# make check: everything a fresh Debian machine needs, then every suite.

check:
	$(Q)scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory module analyze analyze-asan
	$(Q)OUT=$(OUT) tests/run-all

.PHONY: check

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
	$(Q)$(MAKE) --no-print-directory -C $(COMPARE_DIR)/ref analyze
	$(Q)tests/compare-outputs save $(COMPARE_DIR)/ref/analyze \
		$(COMPARE_DIR)/before $(COMPARE_RECORDINGS) >/dev/null
	$(Q)tests/compare-outputs save ./analyze $(COMPARE_DIR)/after \
		$(COMPARE_RECORDINGS) >/dev/null
	$(Q)tests/compare-outputs diff $(COMPARE_DIR)/before $(COMPARE_DIR)/after

.PHONY: compare
