/* SPDX-License-Identifier: MIT */
/*
 * test_pcap_link.c - the analyzer's link layers (Ethernet with 802.1Q /
 * QinQ tags, Linux SLL and SLL2, raw IPv4/IPv6, BSD loopback) and its
 * handling of capture files that are truncated or not captures at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_pcap_util.h"
#include "unit.h"

/* One SYN from the initiator, then a SCSI Command PDU, over link l. */
static size_t one_pdu_over(enum tp_link l, struct tp_rec *rec)
{
	static uint8_t fr[2048];
	uint8_t p[128];
	struct pcap_analyzer *a;
	size_t n;

	memset(rec, 0, sizeof(*rec));
	a = pcap_analyzer_new(NULL, tp_cb, rec);
	CU_ASSERT_FATAL(a != NULL);
	n = tp_frame(fr, l, 0, 99, 0, 0x02, NULL, 0);
	pcap_analyzer_frame(a, tp_linktype(l), fr, n, 1);
	n = tp_pdu_bytes(p, 0x01, 0x80, 0, 0x42, 0, false, false);
	n = tp_frame(fr, l, 0, 100, 0, 0x18, p, n);
	pcap_analyzer_frame(a, tp_linktype(l), fr, n, 2);
	pcap_analyzer_finish(a);
	pcap_analyzer_free(a);
	return rec->pdus;
}

static void expect_one(enum tp_link l)
{
	struct tp_rec *rec = calloc(1, sizeof(*rec));

	CU_ASSERT_FATAL(rec != NULL);
	CU_ASSERT_EQUAL(one_pdu_over(l, rec), 1);
	CU_ASSERT_EQUAL(rec->errors, 0);
	if (tp_pdu(rec, 0))
		CU_ASSERT_EQUAL(tp_pdu(rec, 0)->itt, 0x42);
	free(rec);
}

/* IEEE 802.3 Ethernet II, EtherType 0x0800. */
static void test_pcap_link_ethernet(void)
{
	expect_one(TP_ETH);
}

/* IEEE 802.1ad (0x88a8) outer tag over an 802.1Q (0x8100) tag. */
static void test_pcap_link_vlan_qinq(void)
{
	expect_one(TP_VLAN2);
}

/* LINKTYPE_LINUX_SLL: protocol type at bytes 14-15 of 16. */
static void test_pcap_link_linux_sll(void)
{
	expect_one(TP_SLL);
}

/* LINKTYPE_LINUX_SLL2: protocol type at bytes 0-1 of 20. */
static void test_pcap_link_linux_sll2(void)
{
	expect_one(TP_SLL2);
}

/* LINKTYPE_RAW: an IPv4 header first. */
static void test_pcap_link_raw_ipv4(void)
{
	expect_one(TP_RAW4);
}

/* RFC 8200 §4: a hop-by-hop extension header before TCP is skipped. */
static void test_pcap_link_raw_ipv6_ext(void)
{
	expect_one(TP_RAW6);
}

/* LINKTYPE_NULL: a 4-byte host-order address family (2 = AF_INET). */
static void test_pcap_link_bsd_null(void)
{
	expect_one(TP_NULL);
}

/* A frame cut before its TCP header is an error event, not a crash. */
static void test_pcap_link_short_frame_is_error(void)
{
	struct tp_rec *rec = calloc(1, sizeof(*rec));
	struct pcap_analyzer *a = pcap_analyzer_new(NULL, tp_cb, rec);
	uint8_t fr[128];
	size_t n = tp_frame(fr, TP_ETH, 0, 1, 0, 0x02, NULL, 0);

	pcap_analyzer_frame(a, PCAP_LT_ETHERNET, fr, 14 + 20 + 10, 0);
	pcap_analyzer_frame(a, PCAP_LT_ETHERNET, fr, 5, 0);
	pcap_analyzer_frame(a, PCAP_LT_ETHERNET, fr, n, 0);
	pcap_analyzer_finish(a);
	pcap_analyzer_free(a);
	CU_ASSERT_EQUAL(rec->errors, 2);
	CU_ASSERT_EQUAL(rec->ev[0].code, PCAP_ERR_FRAME);
	free(rec);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* A classic pcap file: header, then records of the given frames. */
static void write_pcap(FILE *f, const uint8_t *fr, size_t n, int copies,
		       size_t cut)
{
	uint8_t h[24] = {0}, r[16];

	put_le32(h, 0xa1b2c3d4);
	h[4] = 2;
	h[6] = 4;
	put_le32(h + 16, 262144);
	put_le32(h + 20, 1);
	fwrite(h, 1, sizeof(h), f);
	for (int i = 0; i < copies; i++) {
		put_le32(r, 1700000000);
		put_le32(r + 4, (uint32_t)i);
		put_le32(r + 8, (uint32_t)n);
		put_le32(r + 12, (uint32_t)n);
		fwrite(r, 1, sizeof(r), f);
		fwrite(fr, 1, i == copies - 1 && cut ? n - cut : n, f);
	}
}

/* A file that ends inside a record: what was read is decoded, and the
 * truncation is an error event; pcap_analyze itself succeeds. */
static void test_pcap_truncated_file_decodes_prefix(void)
{
	char path[] = "/tmp/test_pcap_truncXXXXXX";
	struct tp_rec *rec = calloc(1, sizeof(*rec));
	static uint8_t fr[2048];
	uint8_t p[128];
	struct pcap_opts o;
	char err[256];
	size_t n;
	int fd = mkstemp(path);
	FILE *f;

	CU_ASSERT_FATAL(fd >= 0 && rec != NULL);
	f = fdopen(fd, "wb");
	n = tp_pdu_bytes(p, 0x00, 0x80, 0, 0x77, 0, false, false);
	n = tp_frame(fr, TP_ETH, 0, 100, 0, 0x18, p, n);
	/* the same NOP-Out three times (retransmissions), last one cut */
	write_pcap(f, fr, n, 3, 20);
	fclose(f);
	pcap_opts_init(&o);
	o.file = path;
	CU_ASSERT_EQUAL(pcap_analyze(&o, tp_cb, rec, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(rec->pdus, 1);
	CU_ASSERT_EQUAL(rec->errors, 1);
	unlink(path);
	free(rec);
}

/* Not a capture at all: a clear error from pcap_analyze. */
static void test_pcap_garbage_file_is_error(void)
{
	char path[] = "/tmp/test_pcap_garbageXXXXXX";
	struct tp_rec *rec = calloc(1, sizeof(*rec));
	struct pcap_opts o;
	char err[256] = "";
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0 && rec != NULL);
	CU_ASSERT_EQUAL(write(fd, "this is not a capture file at all....", 37),
			37);
	close(fd);
	pcap_opts_init(&o);
	o.file = path;
	CU_ASSERT_EQUAL(pcap_analyze(&o, tp_cb, rec, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	CU_ASSERT_EQUAL(rec->pdus, 0);
	unlink(path);
	free(rec);
}

UNIT_SUITE(pcap_link, "pcap.link", UNIT_TEST(test_pcap_link_ethernet),
	   UNIT_TEST(test_pcap_link_vlan_qinq),
	   UNIT_TEST(test_pcap_link_linux_sll),
	   UNIT_TEST(test_pcap_link_linux_sll2),
	   UNIT_TEST(test_pcap_link_raw_ipv4),
	   UNIT_TEST(test_pcap_link_raw_ipv6_ext),
	   UNIT_TEST(test_pcap_link_bsd_null),
	   UNIT_TEST(test_pcap_link_short_frame_is_error),
	   UNIT_TEST(test_pcap_truncated_file_decodes_prefix),
	   UNIT_TEST(test_pcap_garbage_file_is_error))
