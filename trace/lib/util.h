/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KMEMLAB_UTIL_H
#define _KMEMLAB_UTIL_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* _KMEMLAB_UTIL_H */
