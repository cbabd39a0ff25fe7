/* SPDX-License-Identifier: MIT */
/*
 * crc32c.h - CRC32C (Castagnoli) digests of iSCSI PDUs (RFC 7143 §13.1).
 *
 * Generator 0x11EDC6F41, register preset to all ones, result complemented
 * (RFC 7143 Appendix A.4, formerly RFC 3720 B.4). The arithmetic runs in
 * ISA-L's crc32_iscsi.
 *
 * One-shot:     crc = iscsi_crc32c(buf, len);
 * Incremental:  c = iscsi_crc32c_init();
 *               c = iscsi_crc32c_update(c, a, alen);
 *               c = iscsi_crc32c_update(c, b, blen);
 *               crc = iscsi_crc32c_final(c);
 *
 * A digest travels as the 4 bytes iscsi_digest_put writes: the reflected
 * CRC with its least significant byte first, which is how the RFC's
 * examples print it (32 zero bytes: CRC 0x8a9136aa, wire aa 36 91 8a).
 */
#ifndef ISCSI_CTS_CRC32C_H
#define ISCSI_CTS_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Complete CRC32C of buf[0..len). */
uint32_t iscsi_crc32c(const void *buf, size_t len);

/* Running CRC: init, any number of updates, then final. */
uint32_t iscsi_crc32c_init(void);
uint32_t iscsi_crc32c_update(uint32_t crc, const void *buf, size_t len);
uint32_t iscsi_crc32c_final(uint32_t crc);

/* The 4 digest bytes as they appear on the wire, and back. */
void iscsi_digest_put(uint8_t *p, uint32_t crc);
uint32_t iscsi_digest_get(const uint8_t *p);

#endif
