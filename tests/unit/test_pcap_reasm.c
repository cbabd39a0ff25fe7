/* SPDX-License-Identifier: MIT */
/*
 * test_pcap_reasm.c - the analyzer's TCP reassembly and PDU framing, on
 * hand-built frames: out-of-order, overlapping and retransmitted
 * segments, a PDU split over many segments, several PDUs per segment,
 * gaps and resynchronisation.
 */
#include <stdlib.h>
#include <string.h>

#include "test_pcap_util.h"
#include "unit.h"

#define ISN_I 1000u
#define ISN_T 5000u

struct tp_run {
	struct pcap_analyzer *a;
	struct tp_rec rec;
	uint8_t fr[70000];
	int64_t ts;
};

static struct tp_run *run_new(bool syn)
{
	struct tp_run *r = calloc(1, sizeof(*r));
	struct pcap_opts o;
	size_t n;

	CU_ASSERT_FATAL(r != NULL);
	pcap_opts_init(&o);
	r->a = pcap_analyzer_new(&o, tp_cb, &r->rec);
	CU_ASSERT_FATAL(r->a != NULL);
	if (syn) {
		n = tp_frame(r->fr, TP_ETH, 0, ISN_I - 1, 0, 0x02, NULL, 0);
		pcap_analyzer_frame(r->a, PCAP_LT_ETHERNET, r->fr, n, 0);
		n = tp_frame(r->fr, TP_ETH, 1, ISN_T - 1, ISN_I, 0x12, NULL, 0);
		pcap_analyzer_frame(r->a, PCAP_LT_ETHERNET, r->fr, n, 0);
	}
	return r;
}

/* A data segment from side s at seq; ack 0 means no ACK flag. */
static void seg(struct tp_run *r, int s, uint32_t seq, uint32_t ack,
		const uint8_t *pl, size_t len)
{
	size_t n = tp_frame(r->fr, TP_ETH, s, seq, ack, ack ? 0x18 : 0x08, pl,
			    len);

	r->ts += 1000;
	pcap_analyzer_frame(r->a, PCAP_LT_ETHERNET, r->fr, n, r->ts);
}

static void run_end(struct tp_run *r)
{
	pcap_analyzer_finish(r->a);
	pcap_analyzer_free(r->a);
}

/* §11.1: one PDU per segment yields one PDU, in the frame it ends in. */
static void test_pcap_one_pdu_per_segment(void)
{
	struct tp_run *r = run_new(true);
	uint8_t p[256];
	size_t n = tp_pdu_bytes(p, 0x01, 0x80, 0, 7, 0, false, false);

	seg(r, 0, ISN_I, 0, p, n); /* frame 3 */
	run_end(r);
	CU_ASSERT_EQUAL(r->rec.pdus, 1);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 0)->frame, 3);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 0)->opcode, 0x01);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 0)->itt, 7);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 0)->dir, PCAP_DIR_I2T);
	CU_ASSERT_EQUAL(r->rec.gaps + r->rec.resyncs + r->rec.errors, 0);
	free(r);
}

/* §11.1: several PDUs in one segment are each decoded, in order. */
static void test_pcap_several_pdus_per_segment(void)
{
	struct tp_run *r = run_new(true);
	uint8_t p[1024];
	size_t n = 0;

	n += tp_pdu_bytes(p + n, 0x01, 0x80, 0, 1, 0, false, false);
	n += tp_pdu_bytes(p + n, 0x01, 0x80, 5, 2, 0xaa, false, false);
	n += tp_pdu_bytes(p + n, 0x00, 0x80, 0, 3, 0, false, false);
	seg(r, 0, ISN_I, 0, p, n);
	run_end(r);
	CU_ASSERT_EQUAL(r->rec.pdus, 3);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 1)->itt, 2);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 1)->data_len, 5);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 1)->data0, 0xaa);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 2)->opcode, 0x00);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 2)->index, 2);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 2)->frame, 3);
	free(r);
}

/* §11.1: a PDU split over many segments completes in its last frame. */
static void test_pcap_pdu_split_over_segments(void)
{
	struct tp_run *r = run_new(true);
	static uint8_t p[9000];
	size_t n = tp_pdu_bytes(p, 0x25, 0x81, 8192, 9, 0x5c, false, false);
	size_t off;
	uint32_t seq = ISN_T;

	for (off = 0; off < n; off += 100) {
		size_t l = n - off < 100 ? n - off : 100;

		seg(r, 1, seq, 0, p + off, l);
		seq += (uint32_t)l;
	}
	run_end(r);
	CU_ASSERT_EQUAL(r->rec.pdus, 1);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 0)->data_len, 8192);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 0)->first_frame, 3);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 0)->frame, 3 + (n + 99) / 100 - 1);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 0)->dir, PCAP_DIR_T2I);
	free(r);
}

/* §11.1: PDUs of any legal size: a 1 MiB Data-In (over 256 KiB) spread
 * over 1448-byte segments is framed whole, then the next PDU follows. */
static void test_pcap_pdu_over_256k(void)
{
	enum { DSL = 1048576 };
	struct tp_run *r = run_new(true);
	uint8_t *p = malloc(DSL + 2 * 4096);
	size_t n, off;
	uint32_t seq = ISN_T;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	n = tp_pdu_bytes(p, 0x25, 0x80, DSL, 9, 0x5c, false, false);
	n += tp_pdu_bytes(p + n, 0x25, 0x81, 512, 9, 0x5d, false, false);
	for (off = 0; off < n; off += 1448) {
		size_t l = n - off < 1448 ? n - off : 1448;

		seg(r, 1, seq, 0, p + off, l);
		seq += (uint32_t)l;
	}
	run_end(r);
	CU_ASSERT_EQUAL(r->rec.pdus, 2);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 0)->data_len, DSL);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 1)->data_len, 512);
	free(p);
	free(r);
}

/* RFC 9293 §3.10.7.4: segments arriving out of order are put back in
 * sequence before framing. */
static void test_pcap_out_of_order_segments(void)
{
	struct tp_run *r = run_new(true);
	uint8_t p[512];
	size_t n = 0;

	n += tp_pdu_bytes(p + n, 0x01, 0x80, 0, 1, 0, false, false);
	n += tp_pdu_bytes(p + n, 0x01, 0x80, 0, 2, 0, false, false);
	seg(r, 0, ISN_I + 48, 0, p + 48, 48); /* second PDU first */
	seg(r, 0, ISN_I, 0, p, 48);
	run_end(r);
	CU_ASSERT_EQUAL(r->rec.pdus, 2);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 0)->itt, 1);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 1)->itt, 2);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 1)->frame, 4);
	CU_ASSERT_EQUAL(r->rec.gaps, 0);
	free(r);
}

/* RFC 9293 §3.4: a retransmitted segment carries bytes already seen; they
 * are delivered once. */
static void test_pcap_retransmission_dedup(void)
{
	struct tp_run *r = run_new(true);
	uint8_t p[256];
	size_t n = tp_pdu_bytes(p, 0x01, 0x80, 0, 1, 0, false, false);

	seg(r, 0, ISN_I, 0, p, n);
	seg(r, 0, ISN_I, 0, p, n);
	run_end(r);
	CU_ASSERT_EQUAL(r->rec.pdus, 1);
	CU_ASSERT_EQUAL(r->rec.gaps + r->rec.errors, 0);
	free(r);
}

/* RFC 9293 §3.10.7.4: overlapping segments are trimmed to the new bytes. */
static void test_pcap_overlap_trimmed(void)
{
	struct tp_run *r = run_new(true);
	uint8_t p[512];
	size_t n = 0;

	n += tp_pdu_bytes(p + n, 0x01, 0x80, 0, 1, 0, false, false);
	n += tp_pdu_bytes(p + n, 0x01, 0x80, 8, 2, 0x11, false, false);
	seg(r, 0, ISN_I, 0, p, 60);	    /* PDU 1 + 12 bytes of PDU 2 */
	seg(r, 0, ISN_I + 30, 0, p + 30, n - 30); /* overlaps 30 bytes */
	run_end(r);
	CU_ASSERT_EQUAL(r->rec.pdus, 2);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 1)->data_len, 8);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 1)->data0, 0x11);
	CU_ASSERT_EQUAL(r->rec.gaps, 0);
	free(r);
}

/* RFC 7143 §6.3-6.4 (no framing markers): after bytes lost from the
 * capture, a GAP is reported and framing resumes at the next BHS. */
static void test_pcap_gap_then_resync(void)
{
	struct tp_run *r = run_new(true);
	static uint8_t p[4096];
	size_t n = 0, l1, l2;

	l1 = tp_pdu_bytes(p, 0x25, 0x81, 1000, 1, 1, false, false);
	n = l1;
	l2 = tp_pdu_bytes(p + n, 0x25, 0x81, 1000, 2, 2, false, false);
	n += l2;
	n += tp_pdu_bytes(p + n, 0x25, 0x81, 100, 3, 3, false, false);
	n += tp_pdu_bytes(p + n, 0x21, 0x80, 0, 3, 0, false, false);
	seg(r, 1, ISN_T, 0, p, 500);	/* half of PDU 1 */
	/* 500..l1+100 lost; the next segment starts inside PDU 2 */
	seg(r, 1, ISN_T + (uint32_t)l1 + 100, 0, p + l1 + 100,
	    n - l1 - 100);
	/* the initiator acknowledges everything: the hole is lost */
	seg(r, 0, ISN_I, ISN_T + (uint32_t)n, NULL, 0);
	run_end(r);
	CU_ASSERT_EQUAL(r->rec.gaps, 1);
	CU_ASSERT_EQUAL(r->rec.resyncs, 1);
	CU_ASSERT_EQUAL(r->rec.pdus, 2);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 0)->itt, 3);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 0)->data_len, 100);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 1)->opcode, 0x21);
	free(r);
}

/* RFC 7143 §11.1: a capture that starts mid-stream is framed from the
 * first plausible BHS, with a RESYNC event saying where. */
static void test_pcap_midstream_start_resync(void)
{
	struct tp_run *r = run_new(false);
	static uint8_t p[4096];
	size_t n = 0, l1;

	l1 = tp_pdu_bytes(p, 0x25, 0x81, 1000, 1, 0x25, false, false);
	n = l1;
	n += tp_pdu_bytes(p + n, 0x25, 0x81, 200, 2, 2, false, false);
	n += tp_pdu_bytes(p + n, 0x21, 0x80, 0, 2, 0, false, false);
	seg(r, 1, 777777, 0, p + 300, n - 300); /* starts inside PDU 1 */
	run_end(r);
	CU_ASSERT_EQUAL(r->rec.resyncs, 1);
	CU_ASSERT_EQUAL(r->rec.pdus, 2);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 0)->itt, 2);
	CU_ASSERT_EQUAL(r->rec.ev[0].kind, PCAP_EV_RESYNC);
	CU_ASSERT_EQUAL(r->rec.ev[0].offset, l1 - 300);
	free(r);
}

/* RFC 7143 §13.1: digests negotiated in the captured login apply from
 * the first PDU after the final Login Response, and are verified. */
static void test_pcap_digests_from_login(void)
{
	struct tp_run *r = run_new(true);
	static const char ireq[] = "HeaderDigest=CRC32C\0DataDigest=CRC32C";
	static const char trsp[] = "HeaderDigest=CRC32C\0DataDigest=CRC32C";
	uint8_t p[512];
	size_t n;

	n = tp_pdu_bytes(p, 0x43, 0, sizeof(ireq), 1, 0, false, false);
	memcpy(p + 48, ireq, sizeof(ireq));
	seg(r, 0, ISN_I, 0, p, n);
	n = tp_pdu_bytes(p, 0x23, 0, sizeof(trsp), 1, 0, false, false);
	memcpy(p + 48, trsp, sizeof(trsp));
	seg(r, 1, ISN_T, 0, p, n);
	n = tp_pdu_bytes(p, 0x01, 0x80, 0, 2, 0, true, true);
	seg(r, 0, ISN_I + 48 + 40, 0, p, n);
	n = tp_pdu_bytes(p, 0x25, 0x81, 16, 2, 7, true, true);
	p[n - 1] ^= 1; /* corrupt the data digest */
	seg(r, 1, ISN_T + 48 + 40, 0, p, n);
	run_end(r);
	CU_ASSERT_EQUAL_FATAL(r->rec.pdus, 4);
	CU_ASSERT_TRUE(tp_pdu(&r->rec, 1)->ffp);
	CU_ASSERT_TRUE(tp_pdu(&r->rec, 1)->params_known);
	CU_ASSERT_TRUE(tp_pdu(&r->rec, 2)->hd_present);
	CU_ASSERT_TRUE(tp_pdu(&r->rec, 2)->hd_ok);
	CU_ASSERT_TRUE(tp_pdu(&r->rec, 3)->dd_present);
	CU_ASSERT_FALSE(tp_pdu(&r->rec, 3)->dd_ok);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 3)->data_len, 16);
	free(r);
}

/* RFC 7143 §13.1: without the login, a header digest is detected by its
 * CRC32C when framing resumes. */
static void test_pcap_digest_detected_midstream(void)
{
	struct tp_run *r = run_new(false);
	uint8_t p[1024];
	size_t n = 0;

	n += tp_pdu_bytes(p + n, 0x25, 0x81, 40, 1, 1, true, true);
	n += tp_pdu_bytes(p + n, 0x21, 0x80, 0, 1, 0, true, true);
	seg(r, 1, 4242, 0, p, n);
	run_end(r);
	CU_ASSERT_EQUAL_FATAL(r->rec.pdus, 2);
	CU_ASSERT_TRUE(tp_pdu(&r->rec, 0)->hd_ok);
	CU_ASSERT_TRUE(tp_pdu(&r->rec, 0)->dd_ok);
	CU_ASSERT_TRUE(tp_pdu(&r->rec, 1)->hd_ok);
	free(r);
}

/* RFC 7143 §11.4: the SCSI Response ends the task its ITT names; the
 * latency runs from the command's frame to the response's. */
static void test_pcap_task_latency(void)
{
	struct tp_run *r = run_new(true);
	uint8_t p[256];
	size_t n = tp_pdu_bytes(p, 0x01, 0xc1, 0, 0x10, 0, false, false);

	seg(r, 0, ISN_I, 0, p, n); /* ts 1000 */
	n = tp_pdu_bytes(p, 0x21, 0x80, 0, 0x10, 0, false, false);
	seg(r, 1, ISN_T, 0, p, n); /* ts 2000 */
	run_end(r);
	CU_ASSERT_EQUAL_FATAL(r->rec.pdus, 2);
	CU_ASSERT_TRUE(tp_pdu(&r->rec, 0)->task);
	CU_ASSERT_TRUE(tp_pdu(&r->rec, 1)->task_done);
	CU_ASSERT_EQUAL(tp_pdu(&r->rec, 1)->latency_ns, 1000);
	free(r);
}

/* RFC 7143 §11.1: a stream ending inside a PDU is reported, not decoded. */
static void test_pcap_stream_ends_inside_pdu(void)
{
	struct tp_run *r = run_new(true);
	uint8_t p[512];
	size_t n = tp_pdu_bytes(p, 0x25, 0x81, 400, 1, 1, false, false);

	seg(r, 1, ISN_T, 0, p, n - 10);
	run_end(r);
	CU_ASSERT_EQUAL(r->rec.pdus, 0);
	CU_ASSERT_EQUAL(r->rec.errors, 1);
	CU_ASSERT_EQUAL(r->rec.ev[0].code, PCAP_ERR_TRUNCATED_PDU);
	free(r);
}

/* A hostile DataSegmentLength over the limit is a framing error, never an
 * allocation (RFC 7143 §11.2.1.5: DSL is at most 2^24-1). */
static void test_pcap_hostile_length_resyncs(void)
{
	struct tp_run *r = calloc(1, sizeof(*r));
	struct pcap_opts o;
	uint8_t p[512];
	size_t n = 0;

	pcap_opts_init(&o);
	o.max_dsl = 1024;
	r->a = pcap_analyzer_new(&o, tp_cb, &r->rec);
	n = tp_frame(r->fr, TP_ETH, 0, ISN_I - 1, 0, 0x02, NULL, 0);
	pcap_analyzer_frame(r->a, PCAP_LT_ETHERNET, r->fr, n, 0);
	n = tp_pdu_bytes(p, 0x01, 0x80, 0, 1, 0, false, false);
	iscsi_put24(p + 5, 0xfffff0);
	n += tp_pdu_bytes(p + n, 0x01, 0x80, 0, 2, 0, false, false);
	n += tp_pdu_bytes(p + n, 0x01, 0x80, 0, 3, 0, false, false);
	seg(r, 0, ISN_I, 0, p, n);
	run_end(r);
	CU_ASSERT_EQUAL(r->rec.ev[0].kind, PCAP_EV_ERROR);
	CU_ASSERT_EQUAL(r->rec.ev[0].code, PCAP_ERR_FRAMING);
	CU_ASSERT_EQUAL(r->rec.pdus, 2);
	free(r);
}

UNIT_SUITE(pcap_reasm, "pcap.reasm",
	   UNIT_TEST(test_pcap_one_pdu_per_segment),
	   UNIT_TEST(test_pcap_several_pdus_per_segment),
	   UNIT_TEST(test_pcap_pdu_split_over_segments),
	   UNIT_TEST(test_pcap_pdu_over_256k),
	   UNIT_TEST(test_pcap_out_of_order_segments),
	   UNIT_TEST(test_pcap_retransmission_dedup),
	   UNIT_TEST(test_pcap_overlap_trimmed),
	   UNIT_TEST(test_pcap_gap_then_resync),
	   UNIT_TEST(test_pcap_midstream_start_resync),
	   UNIT_TEST(test_pcap_digests_from_login),
	   UNIT_TEST(test_pcap_digest_detected_midstream),
	   UNIT_TEST(test_pcap_task_latency),
	   UNIT_TEST(test_pcap_stream_ends_inside_pdu),
	   UNIT_TEST(test_pcap_hostile_length_resyncs))
