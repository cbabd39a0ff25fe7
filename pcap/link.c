/* SPDX-License-Identifier: MIT */
/*
 * link.c - link-layer, IPv4/IPv6 and TCP header parsing of one frame.
 *
 * Every length is checked against the captured length; a frame cut by the
 * snapshot length keeps its headers and reports the payload bytes it lost
 * (the reassembler turns them into a gap).
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "analyzer_int.h"

#define ETH_P_IPV4 0x0800u
#define ETH_P_IPV6 0x86ddu
#define ETH_P_VLAN 0x8100u
#define ETH_P_QINQ 0x88a8u
#define ETH_P_QINQ_OLD 0x9100u
#define IPPROTO_TCP_NUM 6u

bool pcap_linktype_supported(int linktype)
{
	switch (linktype) {
	case PCAP_LT_NULL:
	case PCAP_LT_ETHERNET:
	case PCAP_LT_RAW:
	case PCAP_LT_LOOP:
	case PCAP_LT_LINUX_SLL:
	case PCAP_LT_IPV4:
	case PCAP_LT_IPV6:
	case PCAP_LT_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

/* BSD address family values of IPv6 (NetBSD/OpenBSD, FreeBSD, Darwin) and
 * Linux's. */
static int null_family(uint32_t v)
{
	if (v == 2)
		return 4;
	if (v == 24 || v == 28 || v == 30 || v == 10)
		return 6;
	return 0;
}

/* Offset of the IP header and its version (4/6), 0 when not IP, -1 when
 * the link header is cut short. */
static int link_ip(int linktype, const uint8_t *d, size_t n, size_t *off)
{
	uint16_t type;
	size_t o;
	int v;

	switch (linktype) {
	case PCAP_LT_ETHERNET:
		if (n < 14)
			return -1;
		o = 12;
		type = iscsi_get16(d + o);
		o += 2;
		while (type == ETH_P_VLAN || type == ETH_P_QINQ ||
		       type == ETH_P_QINQ_OLD) {
			if (n < o + 4)
				return -1;
			type = iscsi_get16(d + o + 2);
			o += 4;
		}
		*off = o;
		return type == ETH_P_IPV4 ? 4 : type == ETH_P_IPV6 ? 6 : 0;
	case PCAP_LT_LINUX_SLL:
		if (n < 16)
			return -1;
		type = iscsi_get16(d + 14);
		*off = 16;
		return type == ETH_P_IPV4 ? 4 : type == ETH_P_IPV6 ? 6 : 0;
	case PCAP_LT_LINUX_SLL2:
		if (n < 20)
			return -1;
		type = iscsi_get16(d);
		*off = 20;
		return type == ETH_P_IPV4 ? 4 : type == ETH_P_IPV6 ? 6 : 0;
	case PCAP_LT_NULL:
		if (n < 4)
			return -1;
		*off = 4;
		v = null_family(get_le32(d));
		return v ? v : null_family(iscsi_get32(d));
	case PCAP_LT_LOOP:
		if (n < 4)
			return -1;
		*off = 4;
		return null_family(iscsi_get32(d));
	case PCAP_LT_RAW:
	case PCAP_LT_IPV4:
	case PCAP_LT_IPV6:
		if (n < 1)
			return -1;
		*off = 0;
		v = d[0] >> 4;
		return v == 4 || v == 6 ? v : 0;
	default:
		return 0;
	}
}

/*
 * IPv4: header length, protocol, fragments. *end is where the IP payload
 * ends by the IP total length (before link padding), possibly beyond
 * the captured bytes.
 */
static int ipv4(const uint8_t *d, size_t n, struct pkt *p, size_t *l4,
		size_t *end, char *msg, size_t msglen)
{
	size_t ihl, tot;

	if (n < 20) {
		snprintf(msg, msglen, "IPv4 header cut short");
		return -1;
	}
	ihl = (size_t)(d[0] & 0x0fu) * 4;
	tot = iscsi_get16(d + 2);
	if (ihl < 20 || n < ihl || tot < ihl) {
		snprintf(msg, msglen, "bad IPv4 header length %zu/%zu", ihl,
			 tot);
		return -1;
	}
	if (d[9] != IPPROTO_TCP_NUM)
		return 0;
	/* fragments (MF set or offset non-zero) are not reassembled */
	if (iscsi_get16(d + 6) & 0x3fffu)
		return 0;
	p->src.family = p->dst.family = AF_INET;
	memset(p->src.addr, 0, sizeof(p->src.addr));
	memset(p->dst.addr, 0, sizeof(p->dst.addr));
	memcpy(p->src.addr, d + 12, 4);
	memcpy(p->dst.addr, d + 16, 4);
	*l4 = ihl;
	*end = tot;
	return 1;
}

/* IPv6: follow extension headers to TCP (RFC 8200 §4). */
static int ipv6(const uint8_t *d, size_t n, struct pkt *p, size_t *l4,
		size_t *end, char *msg, size_t msglen)
{
	unsigned nh;
	size_t o = 40, hl;
	int hops;

	if (n < 40) {
		snprintf(msg, msglen, "IPv6 header cut short");
		return -1;
	}
	nh = d[6];
	*end = 40 + (size_t)iscsi_get16(d + 4);
	for (hops = 0; hops < 16 && nh != IPPROTO_TCP_NUM; hops++) {
		switch (nh) {
		case 0:	 /* hop-by-hop */
		case 43: /* routing */
		case 60: /* destination options */
			if (n < o + 2)
				return -1;
			hl = ((size_t)d[o + 1] + 1) * 8;
			break;
		case 51: /* AH */
			if (n < o + 2)
				return -1;
			hl = ((size_t)d[o + 1] + 2) * 4;
			break;
		case 44: /* fragment: not reassembled */
		default:
			return 0;
		}
		nh = d[o];
		o += hl;
		if (o > n) {
			snprintf(msg, msglen, "IPv6 extension header cut short");
			return -1;
		}
	}
	if (nh != IPPROTO_TCP_NUM)
		return 0;
	p->src.family = p->dst.family = AF_INET6;
	memcpy(p->src.addr, d + 8, 16);
	memcpy(p->dst.addr, d + 24, 16);
	*l4 = o;
	return 1;
}

int an_parse_frame(int linktype, const uint8_t *data, size_t caplen,
		   struct pkt *p, char *msg, size_t msglen)
{
	size_t off = 0, l4 = 0, end = 0, th, n, want;
	const uint8_t *ip, *t;
	int v, r;

	v = link_ip(linktype, data, caplen, &off);
	if (v < 0) {
		snprintf(msg, msglen, "link header cut short");
		return -1;
	}
	if (v == 0)
		return 0;
	ip = data + off;
	n = caplen - off;
	if (v == 4)
		r = ipv4(ip, n, p, &l4, &end, msg, msglen);
	else
		r = ipv6(ip, n, p, &l4, &end, msg, msglen);
	if (r <= 0)
		return r;
	if (end < l4 + 20) {
		snprintf(msg, msglen, "IP payload too short for TCP");
		return -1;
	}
	if (n < l4 + 20) {
		snprintf(msg, msglen, "TCP header cut short");
		return -1;
	}
	t = ip + l4;
	th = (size_t)(t[12] >> 4) * 4;
	if (th < 20 || l4 + th > end || l4 + th > n) {
		snprintf(msg, msglen, "bad TCP header length %zu", th);
		return -1;
	}
	p->src.port = iscsi_get16(t);
	p->dst.port = iscsi_get16(t + 2);
	p->seq = iscsi_get32(t + 4);
	p->ack = iscsi_get32(t + 8);
	p->flags = t[13];
	p->payload = t + th;
	want = end - l4 - th; /* by the IP length: link padding excluded */
	n -= l4 + th;	      /* captured */
	if (n >= want) {
		p->len = want;
		p->missing = 0;
	} else {
		p->len = n;
		p->missing = want - n;
	}
	return 1;
}
