/* SPDX-License-Identifier: MIT */
/*
 * print_int.h - helpers shared by print.c, print_tree.c and json.c.
 */
#ifndef ISCSI_CTS_PRINT_INT_H
#define ISCSI_CTS_PRINT_INT_H

#include <stddef.h>
#include <stdint.h>

struct pr_buf {
	char *buf;
	size_t cap, len;
};

void pr_add(struct pr_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pr_lun(struct pr_buf *b, const uint8_t *lun);
/* "S.ssssss" seconds from t0_ns to ts_ns. */
void pr_time(char *buf, size_t len, int64_t ts_ns, int64_t t0_ns);

/* Names of coded values (RFC 7143 §11); "reserved" when undefined. */
const char *pr_tmf_function(unsigned f);
const char *pr_tmf_response(unsigned r);
const char *pr_reject_reason(unsigned r);
const char *pr_async_event(unsigned e);
const char *pr_logout_reason(unsigned r);
const char *pr_logout_response(unsigned r);
const char *pr_login_status(unsigned cls, unsigned det);
const char *pr_stage(unsigned s);

#endif
