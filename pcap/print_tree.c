/* SPDX-License-Identifier: MIT */
/*
 * print_tree.c - the -V tree of one PDU: where it was, every BHS field
 * by its Wireshark name (proto/fields.h), AHS, digests, keys, CDB, sense
 * and the task it belongs to.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "analyzer.h"
#include "codec.h"
#include "fields.h"
#include "print_int.h"

static void tree_bhs(FILE *out, const struct pcap_pdu *p)
{
	size_t n;
	const struct iscsi_field *t = iscsi_field_table(&n);
	char v[64];

	fprintf(out, "    Basic Header Segment (%s, opcode 0x%02x)\n",
		iscsi_opcode_name(p->opcode), p->opcode);
	for (size_t i = 0; i < n; i++) {
		if (!t[i].wireshark ||
		    !(t[i].opcodes & ISCSI_FIELD_OP(p->opcode)) ||
		    !iscsi_field_shown(&p->pdu.bhs, &t[i]))
			continue;
		if (iscsi_field_format(&p->pdu.bhs, &t[i], v, sizeof(v)) < 0)
			continue;
		fprintf(out, "        %s: %s\n", t[i].name, v);
	}
	if (p->opcode != ISCSI_OP_LOGIN_REQ &&
	    p->opcode != ISCSI_OP_LOGIN_RSP &&
	    p->opcode != ISCSI_OP_LOGOUT_REQ) {
		char lb[48];
		struct pr_buf b = {lb, sizeof(lb), 0};

		pr_lun(&b, p->pdu.bhs.lun);
		fprintf(out, "        LUN: %s (0x%016" PRIx64 ")\n", lb + 5,
			iscsi_get64(p->pdu.bhs.lun));
	}
}

static void tree_ahs(FILE *out, const struct pcap_pdu *p)
{
	size_t off = 0, len;
	uint8_t type;
	const uint8_t *pl;
	int r;

	if (!p->pdu.ahs_len)
		return;
	fprintf(out, "    AHS (%zu bytes)\n", p->pdu.ahs_len);
	while ((r = iscsi_ahs_next(&p->pdu, &off, &type, &pl, &len)) == 1)
		fprintf(out, "        AHSType %u (%s), AHSLength %zu\n", type,
			type == 1 ? "Extended CDB"
			: type == 2 ? "Bidirectional Read Expected Data "
				      "Transfer Length"
				    : "reserved",
			len);
	if (r < 0)
		fprintf(out, "        malformed AHS at byte %zu\n", off);
}

static void tree_cdb(FILE *out, const struct pcap_pdu *p)
{
	uint8_t cdb[260];
	ssize_t n = pcap_pdu_cdb(p, cdb, sizeof(cdb));
	const char *name;
	uint64_t lba;
	uint32_t blocks;

	if (n <= 0)
		return;
	name = scsi_cdb_name(cdb, (size_t)n);
	fprintf(out, "    SCSI CDB: %s\n        bytes:", name ? name : "?");
	for (ssize_t i = 0; i < n; i++)
		fprintf(out, " %02x", cdb[i]);
	fprintf(out, "\n");
	if (scsi_cdb_lba_len(cdb, (size_t)n, &lba, &blocks))
		fprintf(out, "        LBA: %" PRIu64 "\n        blocks: %u\n",
			lba, blocks);
}

static void tree_data(FILE *out, const struct pcap_pdu *p)
{
	const struct iscsi_text *t;
	struct scsi_sense s;
	char sb[160];

	if (p->pdu.hdigest_present)
		fprintf(out, "    Header digest: 0x%08x (%s)\n", p->pdu.hdigest,
			p->pdu.hdigest_ok ? "good" : "BAD");
	fprintf(out, "    Data segment: %zu bytes\n", p->pdu.data_len);
	if (p->pdu.ddigest_present)
		fprintf(out, "    Data digest: 0x%08x (%s)\n", p->pdu.ddigest,
			p->pdu.ddigest_ok ? "good" : "BAD");
	t = pcap_pdu_keys(p);
	if (t) {
		fprintf(out, "    Keys (%zu)\n", t->n);
		for (size_t i = 0; i < t->n; i++)
			fprintf(out, "        %s=%s\n", t->kv[i].key,
				t->kv[i].value);
	} else if (pcap_pdu_keys_error(p)) {
		fprintf(out, "    Keys: malformed (%s)\n",
			pcap_pdu_keys_error(p));
	}
	if (p->opcode == ISCSI_OP_SCSI_RSP) {
		int r = pcap_pdu_sense(p, &s);

		if (r == 0 && scsi_sense_str(&s, sb, sizeof(sb)) > 0)
			fprintf(out, "    Sense: %s\n", sb);
		else if (r < 0)
			fprintf(out, "    Sense: malformed\n");
	}
}

static void tree_task(FILE *out, const struct pcap_pdu *p)
{
	const struct pcap_task *t = p->task;

	if (!t)
		return;
	fprintf(out, "    Task ITT=0x%x: command in frame %llu", t->itt,
		(unsigned long long)t->cmd_frame);
	if (t->done)
		fprintf(out, ", completed here after %.6f s",
			(double)t->latency_ns / 1e9);
	fprintf(out, "\n");
}

void pcap_print_tree(FILE *out, const struct pcap_pdu *p, int64_t t0_ns)
{
	char s[64], d[64], t[48], sum[1024];

	pcap_endpoint_str(p->src, s, sizeof(s));
	pcap_endpoint_str(p->dst, d, sizeof(d));
	pr_time(t, sizeof(t), p->ts_ns, t0_ns);
	pcap_pdu_summary(p, sum, sizeof(sum));
	fprintf(out, "Frame %llu, %s s, %s -> %s (%s)\n",
		(unsigned long long)p->frame, t, s, d,
		p->dir == PCAP_DIR_I2T ? "initiator -> target"
				       : "target -> initiator");
	fprintf(out, "  %s\n", sum);
	fprintf(out, "    Stream offset %llu, %zu bytes on the wire, "
		"starts in frame %llu\n",
		(unsigned long long)p->stream_offset, p->wire_len,
		(unsigned long long)p->first_frame);
	tree_bhs(out, p);
	tree_ahs(out, p);
	tree_cdb(out, p);
	tree_data(out, p);
	tree_task(out, p);
}
