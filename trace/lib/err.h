/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one way the analyzer's layers report a failure upward: a one-line
 * cause in the caller's buffer (without the file name, which the caller
 * adds), errno set, -1 returned.  Only trace/cmd/ prints.
 */
#ifndef _KMEMLAB_ERR_H
#define _KMEMLAB_ERR_H

#include <stddef.h>

/* Format the cause into err[len] (when there is a buffer), set errno to e. */
int err_set(char *err, size_t len, int e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* _KMEMLAB_ERR_H */
