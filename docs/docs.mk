# docs/ — the lab guides' pasted outputs, regenerated and checked.
#
#   make lab-docs   run every vm/scenarios/lab-*.sh in the lab VM (one after
#                   the other, sharing $(LAB_OUT)), then rewrite every
#                   excerpt of docs/*.md from their transcripts, which are
#                   kept in docs/lab/ (scripts/lab-docs), and the guide's
#                   pictures docs/lab-layout.svg and docs/lab-buddy-layout.svg
#   make lab-docs-check
#                   the same check `make check` runs without a VM: every
#                   excerpt is what docs/lab/ holds, and every kmemlab dmesg
#                   and trace line there is one module/ prints now
#
# Included from the top-level Makefile (Q, TOP, OUT; VM_RUN from vm/vm.mk).

LAB_OUT		:= $(OUT)/lab
LAB_SCENARIOS	:= $(sort $(wildcard $(TOP)/vm/scenarios/lab-*.sh))

lab-docs:
	$(Q)scripts/deps.sh build vm
	$(Q)$(MAKE) --no-print-directory module analyze
	$(Q)rm -rf $(LAB_OUT) && mkdir -p $(LAB_OUT)
	$(Q)for s in $(LAB_SCENARIOS); do \
		echo "  VM      $$s"; \
		$(VM_RUN) -q --share $(LAB_OUT) $$s || exit 1; \
	done
	$(Q)scripts/lab-docs update $(LAB_OUT)
	$(Q)if [ -f $(LAB_OUT)/lab-layout.svg ]; then \
		cp $(LAB_OUT)/lab-layout.svg docs/lab-layout.svg; fi
	$(Q)if [ -f $(LAB_OUT)/buddy-layout.svg ]; then \
		cp $(LAB_OUT)/buddy-layout.svg docs/lab-buddy-layout.svg; fi

lab-docs-check:
	$(Q)scripts/lab-docs check

.PHONY: lab-docs lab-docs-check
