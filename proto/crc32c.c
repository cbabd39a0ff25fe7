/* SPDX-License-Identifier: MIT */
/*
 * crc32c.c - CRC32C digests through ISA-L.
 *
 * ISA-L's crc32_iscsi(buf, len, init) is the bare reflected CRC register
 * update: it neither presets nor complements. Fed 0xffffffff it continues
 * from the RFC's all-ones preset, and its raw result is complemented once
 * at the end (RFC 7143 Appendix A.4). Chaining raw results through
 * successive calls therefore gives the same value as one call over the
 * concatenated buffers.
 */
#include <isa-l/crc.h>

#include "crc32c.h"

#define CRC32C_PRESET 0xffffffffu

/* crc32_iscsi takes an int length; feed larger buffers in slices. */
#define CRC32C_SLICE ((size_t)1 << 30)

uint32_t iscsi_crc32c_init(void)
{
	return CRC32C_PRESET;
}

uint32_t iscsi_crc32c_update(uint32_t crc, const void *buf, size_t len)
{
	/* crc32_iscsi only reads the buffer; its prototype lacks const. */
	unsigned char *p = (unsigned char *)(uintptr_t)buf;

	while (len > 0) {
		size_t n = len < CRC32C_SLICE ? len : CRC32C_SLICE;

		crc = crc32_iscsi(p, (int)n, crc);
		p += n;
		len -= n;
	}
	return crc;
}

uint32_t iscsi_crc32c_final(uint32_t crc)
{
	return ~crc;
}

uint32_t iscsi_crc32c(const void *buf, size_t len)
{
	return iscsi_crc32c_final(
	    iscsi_crc32c_update(iscsi_crc32c_init(), buf, len));
}

/*
 * The reflected CRC's bit 0 is the first bit transmitted, so its low byte
 * goes first: the byte order RFC 7143 Appendix A.4 prints under "CRC:".
 */
void iscsi_digest_put(uint8_t *p, uint32_t crc)
{
	p[0] = (uint8_t)crc;
	p[1] = (uint8_t)(crc >> 8);
	p[2] = (uint8_t)(crc >> 16);
	p[3] = (uint8_t)(crc >> 24);
}

uint32_t iscsi_digest_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
