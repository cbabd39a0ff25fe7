/* SPDX-License-Identifier: MIT */
/*
 * test_tgt_login_util.c - helpers for test_tgt_login*.c: Login and Text
 * Requests built from literal fields and keys, responses unpacked, and
 * CHAP responses computed with OpenSSL's MD5 (not with proto/chap.c, so
 * that the target's CHAP is checked against an independent computation).
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_tgt_login_util.h"

const char *const tl_normal_keys[] = {
	"InitiatorName=" FIXTURE_INITIATOR,
	"TargetName=" FIXTURE_TARGET,
	"SessionType=Normal",
	NULL,
};

void tl_req_init(struct tl_req *r, uint8_t csg, uint8_t nsg, bool t)
{
	memset(r, 0, sizeof(*r));
	r->t = t;
	r->csg = csg;
	r->nsg = nsg;
	r->isid = FIXTURE_ISID;
	r->itt = TL_ITT;
	r->cmdsn = TL_CMDSN;
}

static size_t keys_len(const char *const *keys)
{
	size_t n = 0;

	for (size_t i = 0; keys && keys[i]; i++)
		n += strlen(keys[i]) + 1;
	return n;
}

static void keys_copy(const char *const *keys, uint8_t *buf)
{
	size_t off = 0;

	for (size_t i = 0; keys && keys[i]; i++) {
		size_t l = strlen(keys[i]) + 1;

		memcpy(buf + off, keys[i], l);
		off += l;
	}
}

int tl_send_data(struct fixture *fx, const struct tl_req *r,
		 const void *data, size_t len)
{
	struct iscsi_login_req_f f;
	struct iscsi_pdu pdu;
	int rc;

	memset(&f, 0, sizeof(f));
	f.transit = r->t;
	f.cont = r->c;
	f.csg = r->csg;
	f.nsg = r->nsg;
	f.version_max = r->vmax;
	f.version_min = r->vmin;
	f.isid = r->isid;
	f.tsih = r->tsih;
	f.cid = r->cid;
	f.itt = r->itt;
	f.cmdsn = r->cmdsn;
	iscsi_pdu_init(&pdu);
	iscsi_login_req_pack(&pdu.bhs, &f);
	if (len && iscsi_pdu_set_data(&pdu, data, len) < 0)
		return -1;
	rc = fixture_send_pdu(fx, &pdu);
	iscsi_pdu_release(&pdu);
	return rc;
}

int tl_send(struct fixture *fx, const struct tl_req *r,
	    const char *const *keys)
{
	size_t len = keys_len(keys);
	uint8_t *buf = malloc(len ? len : 1);
	int rc;

	if (!buf)
		return -1;
	keys_copy(keys, buf);
	rc = tl_send_data(fx, r, buf, len);
	free(buf);
	return rc;
}

int tl_recv(struct fixture *fx, struct tl_rsp *rsp)
{
	struct iscsi_pdu pdu;
	int rc;

	memset(rsp, 0, sizeof(*rsp));
	iscsi_text_init(&rsp->kv);
	iscsi_pdu_init(&pdu);
	rc = fixture_recv_pdu(fx, &pdu, TL_TIMEOUT);
	if (rc < 0)
		return rc;
	rc = 0;
	if (iscsi_bhs_opcode(&pdu.bhs) != ISCSI_OP_LOGIN_RSP)
		rc = -3;
	iscsi_login_rsp_unpack(&pdu.bhs, &rsp->f);
	rsp->dsl = pdu.data_len;
	if (rc == 0 && iscsi_text_parse(&rsp->kv, pdu.data, pdu.data_len,
					NULL, 0) < 0)
		rc = -3;
	iscsi_pdu_release(&pdu);
	return rc;
}

int tl_xchg(struct fixture *fx, const struct tl_req *r,
	    const char *const *keys, struct tl_rsp *rsp)
{
	memset(rsp, 0, sizeof(*rsp));
	iscsi_text_init(&rsp->kv);
	if (tl_send(fx, r, keys) < 0)
		return -1;
	return tl_recv(fx, rsp);
}

void tl_rsp_free(struct tl_rsp *rsp)
{
	iscsi_text_free(&rsp->kv);
}

uint16_t tl_status(const struct tl_rsp *rsp)
{
	return (uint16_t)(rsp->f.status_class << 8 | rsp->f.status_detail);
}

const char *tl_find(const struct tl_rsp *rsp, const char *key)
{
	return iscsi_text_find(&rsp->kv, key);
}

void tl_md5_chap(uint8_t id, const char *secret, const uint8_t *chal,
		 size_t clen, uint8_t out[16])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;

	EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
	EVP_DigestUpdate(ctx, &id, 1);
	EVP_DigestUpdate(ctx, secret, strlen(secret));
	EVP_DigestUpdate(ctx, chal, clen);
	EVP_DigestFinal_ex(ctx, out, &n);
	EVP_MD_CTX_free(ctx);
}

void tl_hex(const uint8_t *b, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";

	out[0] = '0';
	out[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		out[2 + 2 * i] = d[b[i] >> 4];
		out[3 + 2 * i] = d[b[i] & 15];
	}
	out[2 + 2 * n] = '\0';
}

static int nib(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tl_unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n;

	if (!s || (strncmp(s, "0x", 2) != 0 && strncmp(s, "0X", 2) != 0))
		return -1;
	s += 2;
	n = strlen(s);
	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = nib(s[2 * i]), lo = nib(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

int tt_send(struct fixture *fx, bool final, bool cont, uint32_t itt,
	    uint32_t ttt, const char *const *keys)
{
	struct iscsi_text_req_f f;
	struct iscsi_pdu pdu;
	size_t len = keys_len(keys);
	uint8_t *buf = malloc(len ? len : 1);
	int rc = -1;

	if (!buf)
		return -1;
	keys_copy(keys, buf);
	memset(&f, 0, sizeof(f));
	f.final = final;
	f.cont = cont;
	f.itt = itt;
	f.ttt = ttt;
	f.cmdsn = fx->cmdsn++;
	f.exp_statsn = fixture_exp_statsn(fx);
	iscsi_pdu_init(&pdu);
	iscsi_text_req_pack(&pdu.bhs, &f);
	if (!len || iscsi_pdu_set_data(&pdu, buf, len) == 0)
		rc = fixture_send_pdu(fx, &pdu);
	iscsi_pdu_release(&pdu);
	free(buf);
	return rc;
}

int tt_recv(struct fixture *fx, struct iscsi_text_rsp_f *f,
	    struct iscsi_text *kv, size_t *dsl)
{
	struct iscsi_pdu pdu;
	int rc;

	iscsi_pdu_init(&pdu);
	rc = fixture_recv_pdu(fx, &pdu, TL_TIMEOUT);
	if (rc < 0)
		return rc;
	rc = 0;
	if (iscsi_bhs_opcode(&pdu.bhs) != ISCSI_OP_TEXT_RSP)
		rc = -3;
	iscsi_text_rsp_unpack(&pdu.bhs, f);
	if (dsl)
		*dsl = pdu.data_len;
	if (rc == 0 && kv &&
	    iscsi_text_parse(kv, pdu.data, pdu.data_len, NULL, 0) < 0)
		rc = -3;
	iscsi_pdu_release(&pdu);
	return rc;
}
