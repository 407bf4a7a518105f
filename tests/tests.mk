# make check: everything a fresh Debian machine needs, then every suite.

check:
	$(Q)scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory module analyze analyze-asan
	$(Q)OUT=$(OUT) tests/run-all

.PHONY: check
