/* SPDX-License-Identifier: MIT */
/*
 * fuzz_pcap.c - libFuzzer target for the analyzer: TCP reassembly,
 * framing, resynchronisation, decode and task tracking, plus the output
 * formatters, with small memory bounds so that eviction paths run too.
 *
 * Input: a run of records. Record byte 0:
 *   bit 7 set: a raw frame follows (2-byte length, then the bytes), fed
 *              as Ethernet when bit 6 is clear, else as LINKTYPE_RAW;
 *   bit 7 clear: a TCP segment built here: bit 0 side (initiator/target),
 *              bits 1-4 TCP flags FIN SYN RST ACK, bit 5 selects the flow
 *              (port 3260, or 4000 found by heuristics); then a signed
 *              2-byte shift of the sequence number from the side's next
 *              one, a 2-byte payload length and the payload.
 * Every PDU event is formatted (line, tree, JSON) to exercise the lazy
 * accessors on whatever the framer produced.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "analyzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

static void cb(const struct pcap_event *ev, void *arg)
{
	(void)arg;
	if (ev->kind == PCAP_EV_PDU) {
		char s[512];
		json_t *j;

		pcap_pdu_summary(ev->pdu, s, sizeof(s));
		pcap_print_line(sink, ev->pdu, 0);
		pcap_print_tree(sink, ev->pdu, 0);
		j = pcap_pdu_json(ev->pdu, 0);
		json_decref(j);
	} else {
		json_decref(pcap_event_json(ev, 0));
		pcap_print_event(sink, ev, 0);
	}
}

static size_t build(uint8_t *fr, int side, uint16_t port, uint32_t seq,
		    uint32_t ack, uint8_t flags, const uint8_t *pl, size_t len)
{
	memset(fr, 0, 54);
	memset(fr, 0x02, 12);
	fr[12] = 0x08;
	fr[14] = 0x45;
	fr[16] = (uint8_t)((40 + len) >> 8);
	fr[17] = (uint8_t)(40 + len);
	fr[23] = 6;
	fr[26] = 10;
	fr[29] = side ? 2 : 1;
	fr[30] = 10;
	fr[33] = side ? 1 : 2;
	iscsi_put16(fr + 34, side ? port : 40000);
	iscsi_put16(fr + 36, side ? 40000 : port);
	iscsi_put32(fr + 38, seq);
	iscsi_put32(fr + 42, ack);
	fr[46] = 0x50;
	fr[47] = flags;
	memcpy(fr + 54, pl, len);
	return 54 + len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t fr[54 + 65536];
	uint32_t next[2][2] = {{1000, 5000}, {1000, 5000}};
	struct pcap_analyzer *a;
	struct pcap_opts o;
	size_t off = 0;

	if (!sink)
		sink = fopen("/dev/null", "w");
	pcap_opts_init(&o);
	o.max_ooo_per_dir = 8192;
	o.max_ooo_total = 16384;
	o.max_flows = 2;
	o.max_tasks_per_conn = 8;
	o.resync_window = 4096;
	o.max_dsl = 65536;
	o.wireshark_compat = size & 1;
	a = pcap_analyzer_new(&o, cb, NULL);
	if (!a)
		return 0;
	while (off < size) {
		uint8_t b = data[off++];
		size_t len;

		if (off + 2 > size)
			break;
		if (b & 0x80) {
			len = (size_t)iscsi_get16(data + off);
			off += 2;
			if (len > size - off)
				len = size - off;
			pcap_analyzer_frame(a, b & 0x40 ? PCAP_LT_RAW
							: PCAP_LT_ETHERNET,
					    data + off, len, (int64_t)off);
			off += len;
		} else {
			int side = b & 1, fl = (b >> 5) & 1;
			uint8_t flags = (uint8_t)((b >> 1) & 0x0f);
			int16_t shift;
			size_t n;

			if (off + 4 > size)
				break;
			shift = (int16_t)iscsi_get16(data + off);
			len = iscsi_get16(data + off + 2);
			off += 4;
			if (len > size - off)
				len = size - off;
			/* bits 1-4: FIN SYN RST ACK -> TCP 0x01 0x02 0x04 0x10 */
			flags = (uint8_t)((flags & 7) | ((flags & 8) << 1));
			n = build(fr, side, fl ? 4000 : 3260,
				  next[fl][side] + (uint32_t)(int32_t)shift,
				  next[fl][!side], flags, data + off, len);
			if (shift >= 0)
				next[fl][side] += (uint32_t)(shift + (int)len);
			pcap_analyzer_frame(a, PCAP_LT_ETHERNET, fr, n,
					    (int64_t)off * 1000);
			off += len;
		}
	}
	pcap_analyzer_finish(a);
	pcap_analyzer_free(a);
	return 0;
}
