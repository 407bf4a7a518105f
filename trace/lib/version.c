// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab's version, alone in its file: the build passes KMEMLAB_VERSION
 * (scripts/version.sh) to this file only, so a new commit recompiles one
 * file rather than the whole analyzer.
 */
#include "version.h"

#ifndef KMEMLAB_VERSION
#define KMEMLAB_VERSION "unknown"
#endif

const char kmemlab_version[] = KMEMLAB_VERSION;
