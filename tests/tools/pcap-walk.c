/* SPDX-License-Identifier: MIT */
/*
 * pcap-walk.c - the baseline of the iscsi-pcap benchmark (ci/bench-pcap.sh):
 * read a capture with libpcap (pcap_open_offline + pcap_next_ex) and touch
 * nothing but the record headers, summing frames and captured bytes.
 *
 *   pcap-walk FILE     prints "FRAMES BYTES SUM" (SUM: of first bytes)
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t frames = 0, bytes = 0, sum = 0;
	pcap_t *pc;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap-walk FILE\n");
		return 2;
	}
	pc = pcap_open_offline(argv[1], eb);
	if (!pc) {
		fprintf(stderr, "pcap-walk: %s: %s\n", argv[1], eb);
		return 1;
	}
	while ((r = pcap_next_ex(pc, &h, &d)) == 1) {
		frames++;
		bytes += h->caplen;
		sum += h->caplen ? d[0] : 0; /* touch the frame */
	}
	if (r != PCAP_ERROR_BREAK) {
		fprintf(stderr, "pcap-walk: %s\n", pcap_geterr(pc));
		pcap_close(pc);
		return 1;
	}
	pcap_close(pc);
	printf("%llu %llu %llu\n", (unsigned long long)frames,
	       (unsigned long long)bytes, (unsigned long long)sum);
	return 0;
}
