/* SPDX-License-Identifier: MIT */
/*
 * corpus-io.c - a tiny iSCSI initiator that makes traffic for the capture
 * corpus of tests/pcap (tests/pcap/make-corpus.sh).
 *
 *   corpus-io [-d] [-b MAXBURST] HOST PORT TARGET-IQN SIZE...
 *
 * Logs in at the operational stage (no security), offering InitialR2T=Yes
 * and ImmediateData=No (so every write is solicited by R2Ts), MaxBurstLength
 * MAXBURST (default 262144; reads above it come as several Data-In
 * sequences), and with -d HeaderDigest=CRC32C and DataDigest=CRC32C. For
 * every SIZE (bytes, a multiple of 512, K/M suffix allowed) it WRITE(10)s a
 * pattern to LBA 0 and READ(10)s it back, then logs out. The last 8 bytes
 * of every written buffer are "CTSMARK" and a digit, so that a script can
 * find a Data-Out's data digest in a capture (it follows the marker).
 * libiscsi cannot be used for this: it never offers DataDigest=CRC32C.
 * Exit 0 when every exchange succeeded and the data read back matched.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wire.h"

#define BLOCK 512u
#define SIZE_MAX_IO (4u * 1024u * 1024u)
#define RX_DATA_MAX (1u * 1024u * 1024u)
#define MY_MRDSL 8192u

/* BHS offsets (RFC 7143 §11) used below, by meaning. */
#define O_VERMAX 2
#define O_ISID 8
#define O_TSIH 14
#define O_CID 20
#define O_EDTL 20
#define O_TTT 20
#define O_CMDSN 24
#define O_STATSN 24
#define O_EXPSTATSN 28
#define O_STATUS_CLASS 36
#define O_DATASN 36
#define O_BUFOFF 40
#define O_DESIRED 44
#define O_CDB 32
#define O_RSP_RESPONSE 2
#define O_RSP_STATUS 3

struct conn {
	int fd;
	bool hd, dd;
	uint32_t cmdsn, expstatsn, itt, peer_mrdsl;
	uint8_t rx[ISCSI_BHS_LEN];
	uint8_t *rxdata;
	uint32_t rxlen;
};

/* CRC32C, reflected polynomial 0x82F63B78 (RFC 7143 §13.1, Appendix A.4). */
static uint32_t crc32c(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1u)));
	}
	return ~c;
}

/* The digest goes low byte first (RFC 7143 Appendix A.4 byte order). */
static void digest_put(uint8_t *p, uint32_t crc)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(crc >> (8 * i));
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Sends hdr and data with the digests in force (login PDUs: none), the
 * whole PDU in one write as real initiators do, so that a capture holds
 * it in one segment where it fits. */
static int send_pdu(struct conn *c, uint8_t *hdr, const uint8_t *data,
		    uint32_t len, bool digests)
{
	size_t padn = iscsi_pad_len(len), n = 0;
	bool hd = digests && c->hd, dd = digests && c->dd && len > 0;
	uint8_t *buf = malloc(ISCSI_BHS_LEN + 8u + len + padn);
	int rc;

	if (!buf)
		return -1;
	iscsi_put24(hdr + 5, len);
	memcpy(buf, hdr, ISCSI_BHS_LEN);
	n = ISCSI_BHS_LEN;
	if (hd) {
		digest_put(buf + n, crc32c(hdr, ISCSI_BHS_LEN));
		n += 4;
	}
	if (len) {
		memcpy(buf + n, data, len);
		memset(buf + n + len, 0, padn);
		if (dd)
			digest_put(buf + n + len + padn,
				   crc32c(buf + n, len + padn));
		n += len + padn + (dd ? 4u : 0u);
	}
	rc = write_all(c->fd, buf, n);
	free(buf);
	return rc;
}

/* Receives one PDU into c->rx / c->rxdata, checking the digests. */
static int recv_pdu(struct conn *c, bool digests)
{
	uint8_t dg[4], ahs[ISCSI_AHS_MAX];
	uint32_t len, padded;

	if (read_all(c->fd, c->rx, ISCSI_BHS_LEN))
		return -1;
	if (digests && c->hd) {
		if (read_all(c->fd, dg, 4))
			return -1;
		uint8_t want[4];

		digest_put(want, crc32c(c->rx, ISCSI_BHS_LEN));
		if (memcmp(dg, want, 4) != 0) {
			fprintf(stderr, "corpus-io: bad header digest\n");
			return -1;
		}
	}
	if (c->rx[4] && read_all(c->fd, ahs, c->rx[4] * 4u))
		return -1;
	len = iscsi_get24(c->rx + 5);
	if (len > RX_DATA_MAX) {
		fprintf(stderr, "corpus-io: data segment of %u bytes\n", len);
		return -1;
	}
	padded = len + (uint32_t)iscsi_pad_len(len);
	free(c->rxdata);
	c->rxdata = calloc(1, padded + 1);
	if (!c->rxdata)
		return -1;
	c->rxlen = len;
	if (padded && read_all(c->fd, c->rxdata, padded))
		return -1;
	if (digests && c->dd && len) {
		uint8_t want[4];

		if (read_all(c->fd, dg, 4))
			return -1;
		digest_put(want, crc32c(c->rxdata, padded));
		if (memcmp(dg, want, 4) != 0) {
			fprintf(stderr, "corpus-io: bad data digest\n");
			return -1;
		}
	}
	return 0;
}

static unsigned opcode(const struct conn *c)
{
	return c->rx[0] & ISCSI_OPCODE_MASK;
}

/* Value of KEY in the received text, or NULL. */
static const char *key_value(const struct conn *c, const char *key)
{
	size_t kl = strlen(key);

	for (uint32_t i = 0; i < c->rxlen;) {
		const char *kv = (const char *)c->rxdata + i;
		size_t n = strnlen(kv, c->rxlen - i);

		if (n > kl && strncmp(kv, key, kl) == 0 && kv[kl] == '=')
			return kv + kl + 1;
		i += (uint32_t)n + 1;
	}
	return NULL;
}

static int login(struct conn *c, const char *target, uint32_t burst,
		 bool want_digests)
{
	char keys[1024];
	int n;
	const char *dg = want_digests ? "CRC32C" : "None";
	uint32_t fbl = burst < 65536u ? burst : 65536u;

	n = snprintf(keys, sizeof(keys),
		     "InitiatorName=iqn.2024-01.org.iscsi-cts:corpus-io%c"
		     "TargetName=%s%cSessionType=Normal%c"
		     "HeaderDigest=%s%cDataDigest=%s%c"
		     "InitialR2T=Yes%cImmediateData=No%c"
		     "MaxBurstLength=%u%cFirstBurstLength=%u%c"
		     "MaxRecvDataSegmentLength=%u%cMaxOutstandingR2T=1%c"
		     "ErrorRecoveryLevel=0%c",
		     0, target, 0, 0, dg, 0, dg, 0, 0, 0, burst, 0, fbl, 0,
		     MY_MRDSL, 0, 0, 0);
	if (n < 0 || (size_t)n >= sizeof(keys))
		return -1;
	for (int round = 0; round < 8; round++) {
		uint8_t h[ISCSI_BHS_LEN] = {0};

		h[0] = ISCSI_OP_LOGIN_REQ | ISCSI_OP_IMMEDIATE;
		/* CSG operational (1), NSG full feature (3), T */
		h[1] = ISCSI_LOGIN_T | (1u << ISCSI_LOGIN_CSG_SHIFT) | 3u;
		iscsi_put48(h + O_ISID, 0x80c75c000001ull);
		iscsi_put32(h + 16, c->itt);
		iscsi_put32(h + O_CMDSN, c->cmdsn);
		iscsi_put32(h + O_EXPSTATSN, c->expstatsn);
		if (send_pdu(c, h, (const uint8_t *)keys,
			     round == 0 ? (uint32_t)n : 0, false) ||
		    recv_pdu(c, false))
			return -1;
		if (opcode(c) != ISCSI_OP_LOGIN_RSP ||
		    c->rx[O_STATUS_CLASS] != 0) {
			fprintf(stderr, "corpus-io: login refused (%02x %02x)\n",
				c->rx[O_STATUS_CLASS], c->rx[O_STATUS_CLASS + 1]);
			return -1;
		}
		c->expstatsn = iscsi_get32(c->rx + O_STATSN) + 1;
		const char *v = key_value(c, "MaxRecvDataSegmentLength");

		if (v)
			c->peer_mrdsl = (uint32_t)strtoul(v, NULL, 10);
		v = key_value(c, "HeaderDigest");
		if (v)
			c->hd = strcmp(v, "CRC32C") == 0;
		v = key_value(c, "DataDigest");
		if (v)
			c->dd = strcmp(v, "CRC32C") == 0;
		if ((c->rx[1] & ISCSI_LOGIN_T) && (c->rx[1] & 3u) == 3u) {
			c->itt++;
			return 0;
		}
	}
	fprintf(stderr, "corpus-io: login did not reach full feature\n");
	return -1;
}

static void cmd_hdr(struct conn *c, uint8_t *h, bool write, uint32_t len)
{
	uint32_t blocks = len / BLOCK;

	memset(h, 0, ISCSI_BHS_LEN);
	h[0] = ISCSI_OP_SCSI_CMD;
	h[1] = ISCSI_SCSI_CMD_F | (write ? ISCSI_SCSI_CMD_W : ISCSI_SCSI_CMD_R) |
	       1u; /* SIMPLE */
	iscsi_put32(h + 16, c->itt);
	iscsi_put32(h + O_EDTL, len);
	iscsi_put32(h + O_CMDSN, c->cmdsn++);
	iscsi_put32(h + O_EXPSTATSN, c->expstatsn);
	h[O_CDB] = write ? 0x2a : 0x28; /* WRITE(10) / READ(10) at LBA 0 */
	iscsi_put16(h + O_CDB + 7, (uint16_t)blocks);
}

/* Answers one R2T with Data-Out PDUs of at most the target's MRDSL. */
static int answer_r2t(struct conn *c, const uint8_t *data, uint32_t len)
{
	uint32_t ttt = iscsi_get32(c->rx + O_TTT);
	uint32_t off = iscsi_get32(c->rx + O_BUFOFF);
	uint32_t want = iscsi_get32(c->rx + O_DESIRED);
	uint32_t seg = c->peer_mrdsl ? c->peer_mrdsl : 8192u;
	uint32_t datasn = 0;

	if (off > len || want > len - off)
		return -1;
	while (want > 0) {
		uint8_t h[ISCSI_BHS_LEN] = {0};
		uint32_t n = want < seg ? want : seg;

		h[0] = ISCSI_OP_DATA_OUT;
		h[1] = n == want ? ISCSI_DATA_OUT_F : 0;
		iscsi_put32(h + 16, c->itt);
		iscsi_put32(h + O_TTT, ttt);
		iscsi_put32(h + O_EXPSTATSN, c->expstatsn);
		iscsi_put32(h + O_DATASN, datasn++);
		iscsi_put32(h + O_BUFOFF, off);
		if (send_pdu(c, h, data + off, n, true))
			return -1;
		off += n;
		want -= n;
	}
	return 0;
}

/* Runs one WRITE(10) (data) or READ(10) (buf) of len bytes: 0 done, 1
 * CHECK CONDITION (the first command gets the power-on UNIT ATTENTION). */
static int scsi_io(struct conn *c, bool write, uint32_t len,
		   const uint8_t *data, uint8_t *buf)
{
	uint8_t h[ISCSI_BHS_LEN];
	int rc = -1;

	cmd_hdr(c, h, write, len);
	if (send_pdu(c, h, NULL, 0, true))
		return -1;
	for (;;) {
		if (recv_pdu(c, true))
			return -1;
		switch (opcode(c)) {
		case ISCSI_OP_R2T:
			if (!write || answer_r2t(c, data, len))
				return -1;
			break;
		case ISCSI_OP_DATA_IN: {
			uint32_t off = iscsi_get32(c->rx + O_BUFOFF);

			if (write || off > len || c->rxlen > len - off)
				return -1;
			memcpy(buf + off, c->rxdata, c->rxlen);
			if (c->rx[1] & ISCSI_DATA_IN_S) {
				c->expstatsn = iscsi_get32(c->rx + O_STATSN) + 1;
				rc = c->rx[O_RSP_STATUS] == 0 ? 0 : -1;
				goto done;
			}
			break;
		}
		case ISCSI_OP_SCSI_RSP:
			c->expstatsn = iscsi_get32(c->rx + O_STATSN) + 1;
			rc = c->rx[O_RSP_RESPONSE] != 0 ? -1 :
			     c->rx[O_RSP_STATUS] == 0 ? 0 :
			     c->rx[O_RSP_STATUS] == 2 ? 1 : -1;
			goto done;
		case ISCSI_OP_NOP_IN:
			break;
		default:
			fprintf(stderr, "corpus-io: unexpected opcode 0x%02x\n",
				opcode(c));
			return -1;
		}
	}
done:
	c->itt++;
	return rc;
}

/* scsi_io, repeated while the target answers CHECK CONDITION (3 times). */
static int scsi_io_retry(struct conn *c, bool write, uint32_t len,
			 const uint8_t *data, uint8_t *buf)
{
	int rc = 1;

	for (int i = 0; i < 3 && rc == 1; i++)
		rc = scsi_io(c, write, len, data, buf);
	return rc == 0 ? 0 : -1;
}

static int logout(struct conn *c)
{
	uint8_t h[ISCSI_BHS_LEN] = {0};

	h[0] = ISCSI_OP_LOGOUT_REQ | ISCSI_OP_IMMEDIATE;
	h[1] = ISCSI_FLAG_FINAL; /* reason 0: close the session */
	iscsi_put32(h + 16, c->itt);
	iscsi_put32(h + O_CMDSN, c->cmdsn);
	iscsi_put32(h + O_EXPSTATSN, c->expstatsn);
	if (send_pdu(c, h, NULL, 0, true) || recv_pdu(c, true))
		return -1;
	return opcode(c) == ISCSI_OP_LOGOUT_RSP && c->rx[2] == 0 ? 0 : -1;
}

static int parse_size(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s)
		return -1;
	if (*end == 'K' || *end == 'k')
		v *= 1024u, end++;
	else if (*end == 'M' || *end == 'm')
		v *= 1024u * 1024u, end++;
	if (*end || v == 0 || v % BLOCK || v > SIZE_MAX_IO)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int connect_to(const char *host, const char *port)
{
	struct addrinfo hints = {0}, *ai, *p;
	int fd = -1;

	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai))
		return -1;
	for (p = ai; p; p = p->ai_next) {
		fd = socket(p->ai_family, p->ai_socktype, p->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, p->ai_addr, p->ai_addrlen) == 0) {
			int one = 1;

			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
				   sizeof(one));
			break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: corpus-io [-d] [-b MAXBURST] HOST PORT TARGET SIZE...\n");
}

int main(int argc, char **argv)
{
	struct conn c = {.fd = -1, .cmdsn = 1, .itt = 0x1000};
	bool digests = false;
	uint32_t burst = 262144u;
	int opt, bad = 0;

	while ((opt = getopt(argc, argv, "db:")) != -1) {
		if (opt == 'd') {
			digests = true;
		} else if (opt == 'b' && parse_size(optarg, &burst) == 0) {
			continue;
		} else {
			usage();
			return 2;
		}
	}
	if (argc - optind < 4) {
		usage();
		return 2;
	}
	c.fd = connect_to(argv[optind], argv[optind + 1]);
	if (c.fd < 0) {
		fprintf(stderr, "corpus-io: cannot connect\n");
		return 1;
	}
	if (login(&c, argv[optind + 2], burst, digests)) {
		close(c.fd);
		free(c.rxdata);
		return 1;
	}
	if (digests && !(c.hd && c.dd)) {
		fprintf(stderr, "corpus-io: digests not agreed\n");
		bad++;
	}
	for (int i = optind + 3; i < argc && !bad; i++) {
		uint32_t len;
		uint8_t *wr, *rd;

		if (parse_size(argv[i], &len)) {
			fprintf(stderr, "corpus-io: bad size %s\n", argv[i]);
			bad++;
			break;
		}
		wr = malloc(len);
		rd = calloc(1, len);
		if (!wr || !rd) {
			free(wr);
			free(rd);
			bad++;
			break;
		}
		for (uint32_t k = 0; k < len; k++)
			wr[k] = (uint8_t)(k * 7u + (uint32_t)i);
		memcpy(wr + len - 8, "CTSMARK", 7);
		wr[len - 1] = (uint8_t)('0' + i % 10);
		if (scsi_io_retry(&c, true, len, wr, NULL) ||
		    scsi_io_retry(&c, false, len, NULL, rd) ||
		    memcmp(wr, rd, len)) {
			fprintf(stderr, "corpus-io: %u bytes failed\n", len);
			bad++;
		} else {
			printf("%u bytes written and read back\n", len);
		}
		free(wr);
		free(rd);
	}
	if (logout(&c)) {
		fprintf(stderr, "corpus-io: logout failed\n");
		bad++;
	}
	close(c.fd);
	free(c.rxdata);
	return bad ? 1 : 0;
}
