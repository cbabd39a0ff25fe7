/* SPDX-License-Identifier: MIT */
/*
 * test_tgt_login_util.h - crafting Login and Text Requests for the
 * reference target's login/text unit tests (test_tgt_login*.c).
 */
#ifndef ISCSI_CTS_TEST_TGT_LOGIN_UTIL_H
#define ISCSI_CTS_TEST_TGT_LOGIN_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "codec.h"
#include "text.h"
#include "tgt_fixture.h"

#define TL_TIMEOUT 2000
#define TL_ITT 0x1000u
#define TL_CMDSN 0x20u

/* One Login Request's header fields. */
struct tl_req {
	bool t, c;
	uint8_t csg, nsg, vmax, vmin;
	uint64_t isid;
	uint16_t tsih, cid;
	uint32_t itt, cmdsn;
};

/* A Login Response as received. */
struct tl_rsp {
	struct iscsi_login_rsp_f f;
	struct iscsi_text kv;
	size_t dsl;
};

/* Defaults: FIXTURE_ISID, TSIH 0, CID 0, TL_ITT, TL_CMDSN, version 0. */
void tl_req_init(struct tl_req *r, uint8_t csg, uint8_t nsg, bool t);
/* keys: "Name=Value" strings, NULL-terminated (may be NULL). */
int tl_send(struct fixture *fx, const struct tl_req *r,
	    const char *const *keys);
/* Raw data segment instead of keys. */
int tl_send_data(struct fixture *fx, const struct tl_req *r,
		 const void *data, size_t len);
/* 0 with rsp filled (free with tl_rsp_free), -1 timeout, -2 closed,
 * -3 not a Login Response or unparsable text. */
int tl_recv(struct fixture *fx, struct tl_rsp *rsp);
int tl_xchg(struct fixture *fx, const struct tl_req *r,
	    const char *const *keys, struct tl_rsp *rsp);
void tl_rsp_free(struct tl_rsp *rsp);
uint16_t tl_status(const struct tl_rsp *rsp);
const char *tl_find(const struct tl_rsp *rsp, const char *key);

/* The three keys of a normal session's first request. */
extern const char *const tl_normal_keys[];

/* MD5(id || secret || challenge) with OpenSSL directly (RFC 1994). */
void tl_md5_chap(uint8_t id, const char *secret, const uint8_t *chal,
		 size_t clen, uint8_t out[16]);
/* "0x..." of n bytes, lowercase. */
void tl_hex(const uint8_t *b, size_t n, char *out);
/* Decode "0x..." into out (cap bytes); returns the length or -1. */
int tl_unhex(const char *s, uint8_t *out, size_t cap);

/* Text Request in FFP: send and receive. */
int tt_send(struct fixture *fx, bool final, bool cont, uint32_t itt,
	    uint32_t ttt, const char *const *keys);
int tt_recv(struct fixture *fx, struct iscsi_text_rsp_f *f,
	    struct iscsi_text *kv, size_t *dsl);

#endif
