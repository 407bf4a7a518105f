// SPDX-License-Identifier: GPL-2.0
/*
 * A software page-table walk of a kernel virtual address, with the generic
 * pgd -> p4d -> pud -> pmd -> pte helpers only, so it reads the same on any
 * architecture with a kernel page table.  It gives a second, independent
 * answer to "where is this byte in physical memory", to compare with
 * virt_to_phys() and page_to_phys().  Part of kmemlab_trace.ko, which
 * exports it to kmemlab.ko and kmemlab_check.ko.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/sched.h>

#include "kmemlab.h"
#include "kmemlab_trace.h"

/*
 * init_mm is not exported to modules.  On x86 the kernel half of every page
 * table is init_mm's, so the current task's active_mm serves.  arm64 keeps
 * the kernel's tables apart, in TTBR1 (swapper_pg_dir; with KPTI the
 * trampoline is only there at EL0): a user mm's pgd has no kernel entries,
 * so start from the register.
 */
#ifdef CONFIG_ARM64
/* TTBR1_EL1's table address: the inverse of phys_to_ttbr(). */
static phys_addr_t ttbr_to_table(u64 ttbr)
{
	u64 baddr = ttbr & ~(TTBR_ASID_MASK | TTBR_CNP_BIT);

#ifdef CONFIG_ARM64_PA_BITS_52
	/* 52-bit PAs keep PA[51:48] in BADDR[5:2]. */
	baddr = (baddr & ~GENMASK_ULL(5, 2)) |
		((baddr & GENMASK_ULL(5, 2)) << 46);
#endif
	return baddr;
}
#endif

static pgd_t *kernel_pgd(unsigned long addr)
{
#ifdef CONFIG_ARM64
	pgd_t *pgd = __va(ttbr_to_table(read_sysreg(ttbr1_el1)));

	return pgd + pgd_index(addr);
#else
	return pgd_offset(current->active_mm, addr);
#endif
}

/* Physical address of addr inside a leaf entry covering ~mask + 1 bytes. */
static u64 leaf_phys(unsigned long pfn, unsigned long mask, unsigned long addr)
{
	return ((u64)pfn << PAGE_SHIFT) | (addr & ~mask);
}

static u64 walk_pmd(pud_t *pudp, pud_t pud, unsigned long addr, int *level)
{
	pmd_t *pmdp = pmd_offset_lockless(pudp, pud, addr);
	pmd_t pmd = READ_ONCE(*pmdp);
	pte_t pte;

	if (pmd_none(pmd) || !pmd_present(pmd))
		return 0;
	if (pmd_leaf(pmd)) {
		*level = KMEMLAB_LEVEL_PMD;
		return leaf_phys(pmd_pfn(pmd), PMD_MASK, addr);
	}
	if (pmd_bad(pmd))
		return 0;

	pte = ptep_get(pte_offset_kernel(&pmd, addr));
	if (!pte_present(pte))
		return 0;
	*level = KMEMLAB_LEVEL_PTE;
	return leaf_phys(pte_pfn(pte), PAGE_MASK, addr);
}

/**
 * kmemlab_walk() - translate a kernel virtual address by walking the tables
 * @addr: kernel virtual address
 * @level: set to the enum kmemlab_level of the leaf, KMEMLAB_LEVEL_NONE if
 *	none was found
 *
 * The walk starts from the kernel's top-level table (kernel_pgd()).  Entries are
 * read once each (READ_ONCE), the way lockless walkers such as GUP-fast do,
 * because the kernel may split a direct-map leaf while we look.
 *
 * Return: the physical address, or 0 when addr is not mapped.
 */
u64 kmemlab_walk(unsigned long addr, int *level)
{
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;

	*level = KMEMLAB_LEVEL_NONE;

	pgdp = kernel_pgd(addr);
	pgd = READ_ONCE(*pgdp);
	if (pgd_none(pgd) || pgd_bad(pgd))
		return 0;

	p4dp = p4d_offset_lockless(pgdp, pgd, addr);
	p4d = READ_ONCE(*p4dp);
	if (p4d_none(p4d) || p4d_bad(p4d))
		return 0;

	pudp = pud_offset_lockless(p4dp, p4d, addr);
	pud = READ_ONCE(*pudp);
	if (pud_none(pud) || !pud_present(pud))
		return 0;
	if (pud_leaf(pud)) {
		*level = KMEMLAB_LEVEL_PUD;
		return leaf_phys(pud_pfn(pud), PUD_MASK, addr);
	}
	if (pud_bad(pud))
		return 0;

	return walk_pmd(pudp, pud, addr, level);
}
EXPORT_SYMBOL_GPL(kmemlab_walk);
