/* SPDX-License-Identifier: MIT */
/* err.c - the error-buffer convention of the core (see err.h). */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"

int iscsi_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
