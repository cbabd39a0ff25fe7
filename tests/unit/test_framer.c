/* SPDX-License-Identifier: MIT */
/*
 * test_framer.c - the incremental PDU framer: any split of a stream yields
 * the same PDUs, need() is exact, limits are enforced before allocation,
 * digests switch at PDU boundaries, errors are sticky.
 */
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "framer.h"
#include "unit.h"

#define STREAM_MAX 512
#define NPDU	   4

struct stream {
	uint8_t bytes[STREAM_MAX];
	size_t len;
	size_t start[NPDU];
	size_t plen[NPDU];
	size_t n;
};

/*
 * Append one PDU: BHS with the given opcode, ahs_words of AHS, dsl data
 * bytes, zero padding, and the CRC32C digests when dg asks (§11.1).
 */
static void add_pdu(struct stream *s, uint8_t opcode, uint8_t ahs_words,
		    uint32_t dsl, const struct iscsi_digests *dg)
{
	uint8_t *p = s->bytes + s->len;
	size_t off = ISCSI_BHS_LEN + ahs_words * 4u;
	struct iscsi_bhs *h = (struct iscsi_bhs *)p;

	memset(p, 0, ISCSI_BHS_LEN);
	h->opcode = opcode;
	h->flags = ISCSI_FLAG_FINAL;
	h->total_ahs_len = ahs_words;
	iscsi_bhs_set_dsl(h, dsl);
	iscsi_bhs_set_itt(h, (uint32_t)(0x1000 + s->n));
	for (size_t i = ISCSI_BHS_LEN; i < off; i++)
		p[i] = (uint8_t)(0xa0 + i);
	if (dg->header) {
		iscsi_digest_put(p + off, iscsi_crc32c(p, off));
		off += 4;
	}
	if (dsl > 0) {
		size_t d = off;

		for (uint32_t i = 0; i < dsl; i++)
			p[off++] = (uint8_t)(0x30 + s->n * 16 + i);
		while ((off - d) % 4)
			p[off++] = 0;
		if (dg->data) {
			iscsi_digest_put(p + off, iscsi_crc32c(p + d, off - d));
			off += 4;
		}
	}
	s->start[s->n] = s->len;
	s->plen[s->n] = off;
	s->n++;
	s->len += off;
}

/* NOP-Out (BHS only), SCSI Command (2-word AHS, 5 data bytes), Data-In
 * (8 bytes), Text Request (1 byte). */
static void build_stream(struct stream *s, const struct iscsi_digests *dg)
{
	memset(s, 0, sizeof(*s));
	add_pdu(s, ISCSI_OP_NOP_OUT | ISCSI_OP_IMMEDIATE, 0, 0, dg);
	add_pdu(s, ISCSI_OP_SCSI_CMD, 2, 5, dg);
	add_pdu(s, ISCSI_OP_DATA_IN, 0, 8, dg);
	add_pdu(s, ISCSI_OP_TEXT_REQ, 0, 1, dg);
}

/* Wire lengths of the four PDUs, worked out by hand from §11.1. */
static const size_t plain_len[NPDU] = {48, 64, 56, 52};
static const size_t digest_len[NPDU] = {52, 72, 64, 60};

static const struct iscsi_digests no_dg = {false, false};
static const struct iscsi_digests both_dg = {true, true};

/* One feed of s[*pos..end): checks need() before and the PDU after. */
static const char *feed_step(struct iscsi_framer *f, const struct stream *s,
			     const size_t *want_len, size_t *pos, size_t end,
			     size_t *got, bool check_need, char *err)
{
	enum iscsi_framer_status st;
	const uint8_t *fp;
	size_t used, fl, into, i = *got;

	if (check_need && i < NPDU) {
		into = *pos - s->start[i];
		if (iscsi_framer_need(f) != (into < ISCSI_BHS_LEN
						 ? ISCSI_BHS_LEN - into
						 : want_len[i] - into))
			return "need() is not exact";
	}
	st = iscsi_framer_feed(f, s->bytes + *pos, end - *pos, &used, err, 128);
	if (st == ISCSI_FRAMER_ERROR)
		return "framer error on a valid stream";
	if (used == 0)
		return "feed consumed nothing";
	*pos += used;
	if (st == ISCSI_FRAMER_NEED_MORE)
		return *pos != end || iscsi_framer_frame(f, &fp, &fl)
			   ? "NEED_MORE left input or showed a frame"
			   : NULL;
	if (i >= NPDU || !iscsi_framer_frame(f, &fp, &fl))
		return "PDU reported but no frame";
	if (fl != want_len[i] || *pos != s->start[i] + want_len[i])
		return "PDU of the wrong length";
	if (memcmp(fp, s->bytes + s->start[i], fl) != 0)
		return "PDU bytes differ from the stream";
	if (iscsi_framer_need(f) != ISCSI_BHS_LEN)
		return "need() after a PDU is not a BHS";
	(*got)++;
	return NULL;
}

/*
 * Feed s in the chunks given by cuts (sorted offsets), checking every PDU
 * against the stream and need() against the hand-computed lengths.
 * Returns NULL, or the first mismatch (one per run keeps failures short).
 */
static const char *run_stream(const struct stream *s, const size_t *want_len,
			      const struct iscsi_digests *dg,
			      const size_t *cuts, size_t ncuts, bool check_need)
{
	struct iscsi_framer f;
	size_t pos = 0, got = 0, ci = 0;
	const char *bad = NULL;
	char err[128];

	iscsi_framer_init(&f, NULL);
	iscsi_framer_set_digests(&f, dg);
	while (!bad && pos < s->len) {
		size_t end = ci < ncuts ? cuts[ci++] : s->len;

		while (!bad && pos < end)
			bad = feed_step(&f, s, want_len, &pos, end, &got,
					check_need, err);
	}
	if (!bad && got != NPDU)
		bad = "not every PDU was framed";
	if (!bad && iscsi_framer_pending(&f) != 0)
		bad = "bytes left pending at the end";
	iscsi_framer_free(&f);
	return bad;
}

/* RFC 7143 §11.1: a stream fed whole yields each PDU, in place. */
static void framer_whole_stream_in_place(void)
{
	struct stream s;
	struct iscsi_framer f;
	size_t pos = 0, used;
	char err[128];

	build_stream(&s, &no_dg);
	CU_ASSERT_EQUAL(s.len, 48u + 64u + 56u + 52u);
	CU_ASSERT_PTR_NULL(run_stream(&s, plain_len, &no_dg, NULL, 0, true));

	/* PDUs lying whole in the caller's buffer are not copied. */
	iscsi_framer_init(&f, NULL);
	for (size_t i = 0; i < NPDU; i++) {
		const uint8_t *fp;
		size_t fl;

		CU_ASSERT_EQUAL(iscsi_framer_feed(&f, s.bytes + pos,
						  s.len - pos, &used, err,
						  sizeof(err)),
				ISCSI_FRAMER_PDU);
		CU_ASSERT(iscsi_framer_frame(&f, &fp, &fl));
		CU_ASSERT_PTR_EQUAL(fp, s.bytes + pos);
		pos += used;
	}
	CU_ASSERT_EQUAL(pos, s.len);
	CU_ASSERT_PTR_NULL(f.buf);
	iscsi_framer_free(&f);
}

/* RFC 7143 §11.1: TCP may split the stream anywhere; framing is the same. */
static void framer_split_at_every_position(void)
{
	struct stream s;

	const char *bad = NULL;

	build_stream(&s, &no_dg);
	for (size_t k = 0; !bad && k <= s.len; k++)
		bad = run_stream(&s, plain_len, &no_dg, &k, 1, false);
	CU_ASSERT_PTR_NULL(bad);
	build_stream(&s, &both_dg);
	for (size_t k = 0; !bad && k <= s.len; k++)
		bad = run_stream(&s, digest_len, &both_dg, &k, 1, false);
	CU_ASSERT_PTR_NULL(bad);
}

/* RFC 7143 §11.1: two cuts anywhere (every pair) frame the same PDUs. */
static void framer_split_at_every_pair(void)
{
	struct stream s;
	const char *bad = NULL;
	size_t cuts[2];

	build_stream(&s, &both_dg);
	for (cuts[0] = 0; !bad && cuts[0] <= s.len; cuts[0]++)
		for (cuts[1] = cuts[0]; !bad && cuts[1] <= s.len; cuts[1]++)
			bad = run_stream(&s, digest_len, &both_dg, cuts, 2,
					 false);
	CU_ASSERT_PTR_NULL(bad);
}

/* RFC 7143 §11.1: byte-by-byte input; need() exact at every byte. */
static void framer_byte_by_byte_need_exact(void)
{
	struct stream s;
	size_t cuts[STREAM_MAX];

	for (size_t i = 0; i < STREAM_MAX; i++)
		cuts[i] = i + 1;
	build_stream(&s, &no_dg);
	CU_ASSERT_PTR_NULL(
	    run_stream(&s, plain_len, &no_dg, cuts, s.len, true));
	build_stream(&s, &both_dg);
	CU_ASSERT_PTR_NULL(
	    run_stream(&s, digest_len, &both_dg, cuts, s.len, true));
}

/* RFC 7143 §11.1: wire length = BHS + AHS + HD + data + pad + DD. */
static void frame_len_follows_pdu_layout(void)
{
	uint8_t bhs[ISCSI_BHS_LEN] = {0};
	struct iscsi_bhs *h = (struct iscsi_bhs *)bhs;
	struct iscsi_digests hd = {true, false}, dd = {false, true};
	size_t total = 0;
	char err[128];

	CU_ASSERT_EQUAL(iscsi_frame_len(bhs, NULL, NULL, &total, err, 128), 0);
	CU_ASSERT_EQUAL(total, 48u);
	CU_ASSERT_EQUAL(iscsi_frame_len(bhs, &hd, NULL, &total, err, 128), 0);
	CU_ASSERT_EQUAL(total, 52u);
	/* No data segment: no data digest either. */
	CU_ASSERT_EQUAL(iscsi_frame_len(bhs, &dd, NULL, &total, err, 128), 0);
	CU_ASSERT_EQUAL(total, 48u);
	iscsi_bhs_set_dsl(h, 1);
	CU_ASSERT_EQUAL(iscsi_frame_len(bhs, &dd, NULL, &total, err, 128), 0);
	CU_ASSERT_EQUAL(total, 56u);
	h->total_ahs_len = 255;
	iscsi_bhs_set_dsl(h, 0xffffff);
	CU_ASSERT_EQUAL(iscsi_frame_len(bhs, &both_dg, NULL, &total, err, 128),
			0);
	CU_ASSERT_EQUAL(total, 48u + 1020u + 4u + 16777216u + 4u);
}

/* RFC 7143 §13.12 (MaxRecvDataSegmentLength): oversize is refused unread. */
static void framer_dsl_over_limit_is_error(void)
{
	struct iscsi_framer_limits lim = {1024, 0};
	struct iscsi_framer f;
	uint8_t bhs[ISCSI_BHS_LEN] = {ISCSI_OP_SCSI_CMD};
	size_t used, total;
	char err[128] = "";

	iscsi_put24(bhs + 5, 1025);
	CU_ASSERT_EQUAL(iscsi_frame_len(bhs, NULL, &lim, &total, err, 128), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "DataSegmentLength"));

	/* Whole BHS in one feed, and split so it is gathered. */
	for (size_t cut = 1; cut <= ISCSI_BHS_LEN; cut++) {
		iscsi_framer_init(&f, &lim);
		err[0] = '\0';
		if (cut < ISCSI_BHS_LEN)
			CU_ASSERT_EQUAL(
			    iscsi_framer_feed(&f, bhs, cut, &used, err, 128),
			    ISCSI_FRAMER_NEED_MORE);
		CU_ASSERT_EQUAL(iscsi_framer_feed(&f, bhs + cut % 48,
						  ISCSI_BHS_LEN - cut % 48,
						  &used, err, 128),
				ISCSI_FRAMER_ERROR);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "1025"));
		CU_ASSERT_PTR_NULL(f.buf);
		CU_ASSERT_EQUAL(f.cap, 0u);
		iscsi_framer_free(&f);
	}
	/* Exactly at the limit is fine. */
	iscsi_put24(bhs + 5, 1024);
	CU_ASSERT_EQUAL(iscsi_frame_len(bhs, NULL, &lim, &total, err, 128), 0);
	CU_ASSERT_EQUAL(total, 48u + 1024u);
}

/* RFC 7143 §11.2.1.4 (TotalAHSLength): AHS over the limit is an error. */
static void framer_ahs_over_limit_is_error(void)
{
	struct iscsi_framer_limits lim = {0, 16};
	uint8_t bhs[ISCSI_BHS_LEN] = {ISCSI_OP_SCSI_CMD};
	size_t total;
	char err[128] = "";

	bhs[4] = 5; /* 20 bytes */
	CU_ASSERT_EQUAL(iscsi_frame_len(bhs, NULL, &lim, &total, err, 128), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "TotalAHSLength"));
	bhs[4] = 4;
	CU_ASSERT_EQUAL(iscsi_frame_len(bhs, NULL, &lim, &total, err, 128), 0);
	CU_ASSERT_EQUAL(total, 64u);
}

/* RFC 7143 §13.1: digests begin with the PDU after the final Login Rsp. */
static void framer_digest_switch_at_boundary(void)
{
	struct stream s;
	struct iscsi_framer f;
	size_t used, pos = 0;
	const uint8_t *fp;
	size_t fl;
	char err[128];

	/* Login Response without digests, then NOP-In with both. */
	memset(&s, 0, sizeof(s));
	add_pdu(&s, ISCSI_OP_LOGIN_RSP, 0, 3, &no_dg);
	add_pdu(&s, ISCSI_OP_NOP_IN, 0, 4, &both_dg);
	add_pdu(&s, ISCSI_OP_NOP_IN, 0, 4, &both_dg);
	CU_ASSERT_EQUAL(s.plen[0], 52u);
	CU_ASSERT_EQUAL(s.plen[1], 60u);

	iscsi_framer_init(&f, NULL);
	CU_ASSERT_EQUAL(iscsi_framer_feed(&f, s.bytes, s.len, &used, err, 128),
			ISCSI_FRAMER_PDU);
	CU_ASSERT_EQUAL(used, 52u);
	CU_ASSERT_FALSE(iscsi_framer_frame_digests(&f)->header);
	pos += used;
	iscsi_framer_set_digests(&f, &both_dg);
	/* The login PDU's digests are unchanged by the switch. */
	CU_ASSERT_FALSE(iscsi_framer_frame_digests(&f)->data);
	/* Mid-PDU switch back: applies only after this PDU. */
	CU_ASSERT_EQUAL(
	    iscsi_framer_feed(&f, s.bytes + pos, 10, &used, err, 128),
	    ISCSI_FRAMER_NEED_MORE);
	pos += used;
	iscsi_framer_set_digests(&f, &no_dg);
	CU_ASSERT_EQUAL(
	    iscsi_framer_feed(&f, s.bytes + pos, s.len - pos, &used, err, 128),
	    ISCSI_FRAMER_PDU);
	CU_ASSERT(iscsi_framer_frame(&f, &fp, &fl));
	CU_ASSERT_EQUAL(fl, 60u);
	CU_ASSERT(iscsi_framer_frame_digests(&f)->header);
	CU_ASSERT(iscsi_framer_frame_digests(&f)->data);
	pos += used;
	/* Third PDU now framed without digests: 48 + 4 data bytes. */
	CU_ASSERT_EQUAL(
	    iscsi_framer_feed(&f, s.bytes + pos, s.len - pos, &used, err, 128),
	    ISCSI_FRAMER_PDU);
	CU_ASSERT_EQUAL(used, 52u);
	iscsi_framer_free(&f);
}

/* RFC 7143 §6.2.1 (format errors): after a framing error, stay failed. */
static void framer_error_sticky_until_reset(void)
{
	struct iscsi_framer_limits lim = {64, 0};
	struct iscsi_framer f;
	struct stream s;
	uint8_t bad[ISCSI_BHS_LEN] = {ISCSI_OP_DATA_OUT};
	size_t used;
	char err[128] = "";

	build_stream(&s, &no_dg);
	iscsi_put24(bad + 5, 65);
	iscsi_framer_init(&f, &lim);
	CU_ASSERT_EQUAL(iscsi_framer_feed(&f, bad, 48, &used, err, 128),
			ISCSI_FRAMER_ERROR);
	CU_ASSERT_EQUAL(iscsi_framer_need(&f), 0u);
	err[0] = '\0';
	CU_ASSERT_EQUAL(iscsi_framer_feed(&f, s.bytes, s.len, &used, err, 128),
			ISCSI_FRAMER_ERROR);
	CU_ASSERT_EQUAL(used, 0u);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "65"));
	iscsi_framer_reset(&f);
	CU_ASSERT_EQUAL(iscsi_framer_need(&f), 48u);
	CU_ASSERT_EQUAL(iscsi_framer_feed(&f, s.bytes, s.len, &used, err, 128),
			ISCSI_FRAMER_PDU);
	CU_ASSERT_EQUAL(used, 48u);
	iscsi_framer_free(&f);
}

/* RFC 7143 §11.1: a truncated PDU at end of stream is reported pending. */
static void framer_truncated_pdu_pending(void)
{
	struct iscsi_framer f;
	struct stream s;
	size_t used;
	char err[128];

	build_stream(&s, &no_dg);
	iscsi_framer_init(&f, NULL);
	CU_ASSERT_EQUAL(
	    iscsi_framer_feed(&f, s.bytes + 48, 60, &used, err, 128),
	    ISCSI_FRAMER_NEED_MORE);
	CU_ASSERT_EQUAL(used, 60u);
	CU_ASSERT_EQUAL(iscsi_framer_pending(&f), 60u);
	CU_ASSERT_EQUAL(iscsi_framer_need(&f), 4u);
	CU_ASSERT_EQUAL(f.cap, 64u); /* buffer sized to this PDU only */
	iscsi_framer_free(&f);
}

/* RFC 7143 §11.1, §13.1: a framed PDU decodes with its own digests. */
static void framer_decode_uses_frame_digests(void)
{
	struct iscsi_framer f;
	struct iscsi_pdu pdu;
	struct stream s;
	size_t used;
	char err[128];

	build_stream(&s, &both_dg);
	iscsi_pdu_init(&pdu);
	iscsi_framer_init(&f, NULL);
	CU_ASSERT_EQUAL(iscsi_framer_decode(&f, &pdu, err, 128), -1);
	iscsi_framer_set_digests(&f, &both_dg);
	/* SCSI Command: 2-word AHS, 5 data bytes, split across two feeds. */
	CU_ASSERT_EQUAL(
	    iscsi_framer_feed(&f, s.bytes + 52, 30, &used, err, 128),
	    ISCSI_FRAMER_NEED_MORE);
	/* Switching digests mid-PDU must not change how this one decodes. */
	iscsi_framer_set_digests(&f, &no_dg);
	CU_ASSERT_EQUAL(
	    iscsi_framer_feed(&f, s.bytes + 82, 42, &used, err, 128),
	    ISCSI_FRAMER_PDU);
	CU_ASSERT_EQUAL(used, 42u);
	CU_ASSERT_EQUAL_FATAL(iscsi_framer_decode(&f, &pdu, err, 128), 0);
	CU_ASSERT_EQUAL(iscsi_bhs_opcode(&pdu.bhs), ISCSI_OP_SCSI_CMD);
	CU_ASSERT_EQUAL(pdu.ahs_len, 8u);
	CU_ASSERT_EQUAL(pdu.data_len, 5u);
	CU_ASSERT(pdu.hdigest_present && pdu.hdigest_ok);
	CU_ASSERT(pdu.ddigest_present && pdu.ddigest_ok);
	iscsi_pdu_release(&pdu);
	iscsi_framer_free(&f);
}

UNIT_SUITE(framer, "proto.framer", UNIT_TEST(framer_whole_stream_in_place),
	   UNIT_TEST(framer_split_at_every_position),
	   UNIT_TEST(framer_split_at_every_pair),
	   UNIT_TEST(framer_byte_by_byte_need_exact),
	   UNIT_TEST(frame_len_follows_pdu_layout),
	   UNIT_TEST(framer_dsl_over_limit_is_error),
	   UNIT_TEST(framer_ahs_over_limit_is_error),
	   UNIT_TEST(framer_digest_switch_at_boundary),
	   UNIT_TEST(framer_error_sticky_until_reset),
	   UNIT_TEST(framer_truncated_pdu_pending),
	   UNIT_TEST(framer_decode_uses_frame_digests))
