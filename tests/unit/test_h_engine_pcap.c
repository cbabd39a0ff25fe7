/* SPDX-License-Identifier: MIT */
/*
 * test_h_engine_pcap.c - the transcript and its pcapng form: every PDU in
 * order with direction, a capture libpcap reads with the handshake, one
 * frame per PDU (large ones split), correct TCP sequence numbers, and -
 * when tshark is installed - one Wireshark decodes as iSCSI.
 */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "test_h_fake.h"
#include "unit.h"

#define BIG_LEN 100000u

/* Answers a NOP-Out ping with its NOP-In echo, then reads the big PDU. */
static void script_ping_then_big(struct fake *f, int fd)
{
	struct iscsi_pdu p, q;
	struct iscsi_nop_in_f n;

	iscsi_pdu_init(&p);
	iscsi_pdu_init(&q);
	if (fake_recv(f, fd, &p) < 0) {
		snprintf(f->fail, sizeof(f->fail), "no ping");
		return;
	}
	memset(&n, 0, sizeof(n));
	n.itt = iscsi_bhs_itt(&p.bhs);
	n.ttt = ISCSI_RSVD_TAG;
	n.statsn = 1;
	n.exp_cmdsn = 1;
	n.max_cmdsn = 8;
	iscsi_nop_in_pack(&q.bhs, &n);
	iscsi_pdu_set_data(&q, p.data, p.data_len);
	fake_send(f, fd, &q);
	if (fake_recv(f, fd, &p) < 0)
		snprintf(f->fail, sizeof(f->fail), "no big PDU");
	else
		f->seen[0] = (uint32_t)p.data_len;
	fake_read_bytes(f, fd, sizeof(f->bytes));
	iscsi_pdu_release(&p);
	iscsi_pdu_release(&q);
}

struct pcap_run {
	char path[64];
	uint16_t port;
	struct cts_transcript *t;
};

/* Ping, a 100000-byte NOP-Out, close; the transcript written to path. */
static int run_exchange(struct pcap_run *pr)
{
	struct fake f;
	struct cts_conn *c;
	struct cts_nop_result nr;
	struct iscsi_pdu big;
	struct iscsi_nop_out_f nf;
	uint8_t *data = calloc(1, BIG_LEN);
	char err[128];
	int rc = -1;

	pr->t = cts_transcript_new();
	snprintf(pr->path, sizeof(pr->path), "/tmp/cts-unit-%d.pcapng",
		 (int)getpid());
	if (!data || fake_start(&f, script_ping_then_big, NULL) < 0)
		goto out;
	pr->port = f.port;
	c = fake_connect(&f, pr->t);
	if (c) {
		cts_nop_ping(NULL, c, "ping", 4, CTS_CMD_IMMEDIATE, &nr);
		memset(&nf, 0, sizeof(nf));
		nf.itt = ISCSI_RSVD_TAG;
		nf.ttt = ISCSI_RSVD_TAG;
		nf.immediate = true;
		iscsi_pdu_init(&big);
		iscsi_nop_out_pack(&big.bhs, &nf);
		iscsi_pdu_set_data(&big, data, BIG_LEN);
		cts_conn_send_pdu(c, &big);
		iscsi_pdu_release(&big);
		cts_conn_close(c);
	}
	fake_join(&f);
	cts_conn_free(c);
	if (f.seen[0] == BIG_LEN && !f.fail[0])
		rc = cts_transcript_write_pcapng(pr->t, pr->path, err,
						 sizeof(err));
out:
	free(data);
	return rc;
}

/* The transcript lists every event in order, with direction. */
static void transcript_records_every_pdu_in_order(void)
{
	struct pcap_run pr;
	const struct cts_record *r;

	CU_ASSERT_FATAL(run_exchange(&pr) == 0);
	CU_ASSERT_EQUAL(cts_transcript_count(pr.t), 5);
	CU_ASSERT_EQUAL(cts_transcript_flows(pr.t), 1);
	r = cts_transcript_at(pr.t, 0);
	CU_ASSERT(r && r->kind == CTS_REC_OPEN);
	r = cts_transcript_at(pr.t, 1);
	CU_ASSERT(r && r->kind == CTS_REC_PDU && r->dir == CTS_SENT &&
		  r->opcode == ISCSI_OP_NOP_OUT && r->wire_len == 52);
	r = cts_transcript_at(pr.t, 2);
	CU_ASSERT(r && r->kind == CTS_REC_PDU && r->dir == CTS_RECV &&
		  r->opcode == ISCSI_OP_NOP_IN && r->wire_len == 52);
	r = cts_transcript_at(pr.t, 3);
	CU_ASSERT(r && r->wire_len == 48 + BIG_LEN);
	r = cts_transcript_at(pr.t, 4);
	CU_ASSERT(r && r->kind == CTS_REC_FIN && r->dir == CTS_SENT);
	unlink(pr.path);
	cts_transcript_free(pr.t);
}

/* libpcap reads the capture: Ethernet, SYN first, 8 frames (3 handshake,
 * ping, echo, the big PDU in 2 segments, FIN), sequence numbers follow. */
static void pcapng_opens_in_libpcap_with_handshake(void)
{
	struct pcap_run pr;
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	uint32_t seq[8] = {0};
	size_t caplen[8] = {0};
	uint8_t flags[8] = {0}, first_payload = 0xff;
	unsigned n = 0;
	pcap_t *pc;

	CU_ASSERT_FATAL(run_exchange(&pr) == 0);
	pc = pcap_open_offline(pr.path, errbuf);
	CU_ASSERT_FATAL(pc != NULL);
	CU_ASSERT_EQUAL(pcap_datalink(pc), DLT_EN10MB);
	while (pcap_next_ex(pc, &h, &d) == 1) {
		if (n < 8 && h->caplen >= 54) {
			flags[n] = d[47];
			seq[n] = iscsi_get32(d + 38);
			caplen[n] = h->caplen;
			if (n == 3)
				first_payload = d[54];
		}
		n++;
	}
	pcap_close(pc);
	CU_ASSERT_EQUAL(n, 8);
	CU_ASSERT_EQUAL(flags[0], 0x02); /* SYN */
	CU_ASSERT_EQUAL(flags[1], 0x12); /* SYN-ACK */
	CU_ASSERT_EQUAL(flags[2], 0x10); /* ACK */
	CU_ASSERT_EQUAL(first_payload, 0x40); /* immediate NOP-Out */
	CU_ASSERT_EQUAL(seq[3], seq[0] + 1);
	CU_ASSERT_EQUAL(seq[5], seq[3] + 52);
	CU_ASSERT_EQUAL(caplen[5], 54 + 65000);
	CU_ASSERT_EQUAL(seq[6], seq[5] + 65000);
	CU_ASSERT_EQUAL(flags[7] & 0x01, 0x01); /* FIN */
	CU_ASSERT_EQUAL(seq[7], seq[5] + 48 + BIG_LEN);
	unlink(pr.path);
	cts_transcript_free(pr.t);
}

/* tshark decodes the frames as iSCSI: NOP-Out 0x00, NOP-In 0x20. */
static void pcapng_decodes_in_tshark(void)
{
	struct pcap_run pr;
	char cmd[256], line[128];
	unsigned nop_out = 0, nop_in = 0;
	FILE *p;

	if (access("/usr/bin/tshark", X_OK) != 0)
		return; /* not installed: nothing to check */
	CU_ASSERT_FATAL(run_exchange(&pr) == 0);
	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/tshark -r %s -d tcp.port==%u,iscsi -T fields "
		 "-e iscsi.opcode 2>/dev/null",
		 pr.path, (unsigned)pr.port);
	p = popen(cmd, "r");
	CU_ASSERT_FATAL(p != NULL);
	while (fgets(line, sizeof(line), p)) {
		if (strncmp(line, "0x00", 4) == 0)
			nop_out++;
		if (strncmp(line, "0x20", 4) == 0)
			nop_in++;
	}
	pclose(p);
	CU_ASSERT_EQUAL(nop_out, 2);
	CU_ASSERT_EQUAL(nop_in, 1);
	unlink(pr.path);
	cts_transcript_free(pr.t);
}

UNIT_SUITE(h_engine_pcap, "h_engine_pcap",
	   UNIT_TEST(transcript_records_every_pdu_in_order),
	   UNIT_TEST(pcapng_opens_in_libpcap_with_handshake),
	   UNIT_TEST(pcapng_decodes_in_tshark))
