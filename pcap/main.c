/* SPDX-License-Identifier: MIT */
/*
 * main.c - the iscsi-pcap command: dispatch to a subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "analyzer.h"

#ifndef ISCSI_CTS_VERSION
#define ISCSI_CTS_VERSION "0"
#endif

static void usage(FILE *out)
{
	fprintf(out,
		"usage: iscsi-pcap [-V | --json] [--port N]... FILE\n"
		"       iscsi-pcap -i IFACE [--port N]...\n"
		"       iscsi-pcap fields -e FIELD [-e FIELD]... FILE\n"
		"       iscsi-pcap validate [options] FILE\n"
		"       iscsi-pcap stats [options] FILE\n"
		"       iscsi-pcap ladder [options] FILE\n"
		"       iscsi-pcap --help | --version\n"
		"Decodes iSCSI (RFC 7143) in pcap/pcapng captures or live "
		"traffic.\n"
		"See iscsi-pcap(1).\n");
}

int main(int argc, char **argv)
{
	static const char *const version = "iscsi-pcap " ISCSI_CTS_VERSION;
	static char out_buf[1 << 16];

	setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s\n", version);
		return 0;
	}
	if (strcmp(argv[1], "fields") == 0)
		return cmd_fields(argc - 1, argv + 1);
	if (strcmp(argv[1], "validate") == 0)
		return cmd_validate(argc - 1, argv + 1);
	if (strcmp(argv[1], "stats") == 0)
		return cmd_stats(argc - 1, argv + 1);
	if (strcmp(argv[1], "ladder") == 0)
		return cmd_ladder(argc - 1, argv + 1);
	return cmd_decode(argc, argv);
}
