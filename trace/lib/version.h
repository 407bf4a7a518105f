/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KMEMLAB_VERSION_H
#define _KMEMLAB_VERSION_H

/* "1.2-10-gabc1234": scripts/version.sh when the analyzer was built. */
extern const char kmemlab_version[];

#endif /* _KMEMLAB_VERSION_H */
