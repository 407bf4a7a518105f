/* SPDX-License-Identifier: GPL-2.0 */
/* Entry points libFuzzer calls. */
#ifndef _KMEMLAB_FUZZ_H
#define _KMEMLAB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* _KMEMLAB_FUZZ_H */
