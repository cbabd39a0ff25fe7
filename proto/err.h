/* SPDX-License-Identifier: MIT */
/*
 * err.h - errors are values plus a message.
 *
 * Functions of the core return 0 (or a count) on success and -1 on error,
 * writing a reason into a buffer the caller supplies.
 */
#ifndef ISCSI_CTS_ERR_H
#define ISCSI_CTS_ERR_H

#include <stddef.h>

/*
 * Format a reason into err (nothing when err is NULL or errlen is 0) and
 * return -1, so that callers can write `return iscsi_err(err, len, ...)`.
 */
int iscsi_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
