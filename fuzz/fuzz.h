/* SPDX-License-Identifier: GPL-2.0 */
/* Entry points libFuzzer calls, and the analyzer's main() renamed. */
#ifndef _KMEMLAB_FUZZ_H
#define _KMEMLAB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* trace/main.c's main(), built with -Dmain=analyze_main (fuzz/fuzz.mk) */
int analyze_main(int argc, char **argv);

#endif /* _KMEMLAB_FUZZ_H */
