/* SPDX-License-Identifier: MIT */
/*
 * test_crc32c.c - CRC32C digests against the RFC's printed examples.
 *
 * RFC 7143 Appendix A.4 (RFC 3720 Appendix B.4) prints each CRC as the four
 * bytes placed on the wire; the numeric values below are those bytes read
 * least significant first.
 */
#include <string.h>

#include "crc32c.h"
#include "unit.h"

struct crc_vector {
	const char *name;
	uint8_t data[48];
	size_t len;
	uint32_t crc;	 /* numeric (reflected) CRC */
	uint8_t wire[4]; /* as printed under "CRC:" in the RFC */
};

/* The 48-byte iSCSI SCSI Read (10) Command PDU of Appendix A.4. */
static const uint8_t read10_pdu[48] = {
    0x01, 0xc0, 0x00, 0x00, /* 0 */
    0x00, 0x00, 0x00, 0x00, /* 4 */
    0x00, 0x00, 0x00, 0x00, /* 8 */
    0x00, 0x00, 0x00, 0x00, /* 12 */
    0x14, 0x00, 0x00, 0x00, /* 16 */
    0x00, 0x00, 0x04, 0x00, /* 20 */
    0x00, 0x00, 0x00, 0x14, /* 24 */
    0x00, 0x00, 0x00, 0x18, /* 28 */
    0x28, 0x00, 0x00, 0x00, /* 32 */
    0x00, 0x00, 0x00, 0x00, /* 36 */
    0x02, 0x00, 0x00, 0x00, /* 40 */
    0x00, 0x00, 0x00, 0x00, /* 44 */
};

static struct crc_vector vectors[5] = {
    {"32 bytes of zeros", {0}, 32, 0x8a9136aa, {0xaa, 0x36, 0x91, 0x8a}},
    {"32 bytes of ones", {0}, 32, 0x62a8ab43, {0x43, 0xab, 0xa8, 0x62}},
    {"32 bytes incrementing", {0}, 32, 0x46dd794e, {0x4e, 0x79, 0xdd, 0x46}},
    {"32 bytes decrementing", {0}, 32, 0x113fdb5c, {0x5c, 0xdb, 0x3f, 0x11}},
    {"SCSI Read (10) PDU", {0}, 48, 0xd9963a56, {0x56, 0x3a, 0x96, 0xd9}},
};

static void fill_vectors(void)
{
	memset(vectors[0].data, 0x00, 32);
	memset(vectors[1].data, 0xff, 32);
	for (unsigned i = 0; i < 32; i++) {
		vectors[2].data[i] = (uint8_t)i;
		vectors[3].data[i] = (uint8_t)(0x1f - i);
	}
	memcpy(vectors[4].data, read10_pdu, sizeof(read10_pdu));
}

static void check_vector(const struct crc_vector *v)
{
	uint8_t wire[4];

	CU_ASSERT_EQUAL(iscsi_crc32c(v->data, v->len), v->crc);
	iscsi_digest_put(wire, iscsi_crc32c(v->data, v->len));
	CU_ASSERT_EQUAL(memcmp(wire, v->wire, 4), 0);
	CU_ASSERT_EQUAL(iscsi_digest_get(v->wire), v->crc);
}

/* RFC 7143 App. A.4: CRC of 32 bytes of zeros is aa 36 91 8a. */
static void crc32c_rfc_zeros(void)
{
	fill_vectors();
	check_vector(&vectors[0]);
}

/* RFC 7143 App. A.4: CRC of 32 bytes of 0xff is 43 ab a8 62. */
static void crc32c_rfc_ones(void)
{
	fill_vectors();
	check_vector(&vectors[1]);
}

/* RFC 7143 App. A.4: CRC of 32 bytes 00..1f is 4e 79 dd 46. */
static void crc32c_rfc_incrementing(void)
{
	fill_vectors();
	check_vector(&vectors[2]);
}

/* RFC 7143 App. A.4: CRC of 32 bytes 1f..00 is 5c db 3f 11. */
static void crc32c_rfc_decrementing(void)
{
	fill_vectors();
	check_vector(&vectors[3]);
}

/* RFC 7143 App. A.4: CRC of the sample SCSI Read (10) BHS is 56 3a 96 d9. */
static void crc32c_rfc_read10_pdu(void)
{
	fill_vectors();
	check_vector(&vectors[4]);
}

/* RFC 7143 §13.1 (CRC32C, 0x11edc6f41): check value of "123456789". */
static void crc32c_check_value(void)
{
	CU_ASSERT_EQUAL(iscsi_crc32c("123456789", 9), 0xe3069283u);
}

/* RFC 7143 App. A.4: preset all ones, complemented => empty input gives 0. */
static void crc32c_empty_input(void)
{
	CU_ASSERT_EQUAL(iscsi_crc32c("", 0), 0u);
	CU_ASSERT_EQUAL(iscsi_crc32c_init(), 0xffffffffu);
	CU_ASSERT_EQUAL(iscsi_crc32c_final(iscsi_crc32c_init()), 0u);
}

/* RFC 7143 §13.1: a digest over segments split anywhere is the same CRC. */
static void crc32c_incremental_every_split(void)
{
	fill_vectors();
	for (size_t v = 0; v < 5; v++) {
		const struct crc_vector *cv = &vectors[v];

		for (size_t a = 0; a <= cv->len; a++) {
			for (size_t b = a; b <= cv->len; b++) {
				uint32_t c = iscsi_crc32c_init();

				c = iscsi_crc32c_update(c, cv->data, a);
				c = iscsi_crc32c_update(c, cv->data + a, b - a);
				c = iscsi_crc32c_update(c, cv->data + b,
							cv->len - b);
				CU_ASSERT_EQUAL(iscsi_crc32c_final(c), cv->crc);
			}
		}
	}
}

/* RFC 7143 §13.1: the receiver's CRC over data plus digest is constant. */
static void crc32c_residue_over_digest(void)
{
	uint8_t buf[36] = {0};

	iscsi_digest_put(buf + 32, iscsi_crc32c(buf, 32));
	/* CRC-32C residue: complemented register after data + digest. */
	CU_ASSERT_EQUAL(iscsi_crc32c(buf, 36), 0x48674bc7u);
}

/* RFC 7143 App. A.4: digest byte order on the wire is low byte first. */
static void crc32c_digest_byte_order(void)
{
	uint8_t p[4];

	iscsi_digest_put(p, 0x11223344u);
	CU_ASSERT_EQUAL(p[0], 0x44);
	CU_ASSERT_EQUAL(p[1], 0x33);
	CU_ASSERT_EQUAL(p[2], 0x22);
	CU_ASSERT_EQUAL(p[3], 0x11);
	CU_ASSERT_EQUAL(iscsi_digest_get(p), 0x11223344u);
}

/* RFC 7143 §13.1: long segments (MaxRecvDataSegmentLength) hash alike. */
static void crc32c_large_buffer_incremental(void)
{
	static uint8_t big[1 << 20];
	uint32_t c;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 131u + 7u);
	c = iscsi_crc32c_init();
	for (size_t off = 0; off < sizeof(big); off += 4093) {
		size_t n = sizeof(big) - off < 4093 ? sizeof(big) - off : 4093;

		c = iscsi_crc32c_update(c, big + off, n);
	}
	CU_ASSERT_EQUAL(iscsi_crc32c_final(c), iscsi_crc32c(big, sizeof(big)));
}

UNIT_SUITE(crc32c, "proto.crc32c", UNIT_TEST(crc32c_rfc_zeros),
	   UNIT_TEST(crc32c_rfc_ones), UNIT_TEST(crc32c_rfc_incrementing),
	   UNIT_TEST(crc32c_rfc_decrementing), UNIT_TEST(crc32c_rfc_read10_pdu),
	   UNIT_TEST(crc32c_check_value), UNIT_TEST(crc32c_empty_input),
	   UNIT_TEST(crc32c_incremental_every_split),
	   UNIT_TEST(crc32c_residue_over_digest),
	   UNIT_TEST(crc32c_digest_byte_order),
	   UNIT_TEST(crc32c_large_buffer_incremental))
