/* SPDX-License-Identifier: MIT */
/*
 * scsi_sense.c - sense data, fixed (SPC-4 §4.5.3) and descriptor
 * (SPC-4 §4.5.2) formats: parse for the harness and analyzer, build for
 * the target.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "scsi.h"
#include "wire.h"

/* Descriptor types (SPC-4 §4.5.2.1). */
#define DESC_INFORMATION	0x00
#define DESC_COMMAND_SPECIFIC	0x01
#define DESC_SENSE_KEY_SPECIFIC 0x02
#define DESC_FRU		0x03
#define DESC_STREAM		0x04
#define DESC_BLOCK		0x05

#define FIXED_VALID    0x80
#define FIXED_FILEMARK 0x80
#define FIXED_EOM      0x40
#define FIXED_ILI      0x20
#define SKSV	       0x80

/* Bytes covered by the additional sense length, capped by len. */
static size_t sense_extent(const uint8_t *buf, size_t len)
{
	size_t n;

	if (len < 8)
		return len;
	n = 8 + (size_t)buf[7];
	return n < len ? n : len;
}

static int parse_fixed(const uint8_t *buf, size_t len, struct scsi_sense *s,
		       char *err, size_t errlen)
{
	size_t n = sense_extent(buf, len);

	if (n < 3)
		return iscsi_err(err, errlen,
				  "fixed-format sense of %zu bytes has no "
				  "sense key",
				  len);
	s->key = buf[2] & 0x0f;
	s->filemark = buf[2] & FIXED_FILEMARK;
	s->eom = buf[2] & FIXED_EOM;
	s->ili = buf[2] & FIXED_ILI;
	if (n >= 7) {
		s->info = iscsi_get32(buf + 3);
		s->valid_info = buf[0] & FIXED_VALID;
	}
	if (n >= 12) {
		s->csi = iscsi_get32(buf + 8);
		s->valid_csi = true;
	}
	if (n >= 13)
		s->asc = buf[12];
	if (n >= 14)
		s->ascq = buf[13];
	if (n >= 15)
		s->fru = buf[14];
	if (n >= 18) {
		s->sksv = buf[15] & SKSV;
		s->sks[0] = buf[15] & (uint8_t)~SKSV;
		s->sks[1] = buf[16];
		s->sks[2] = buf[17];
	}
	return 0;
}

static int parse_one_desc(const uint8_t *d, struct scsi_sense *s, char *err,
			  size_t errlen)
{
	static const uint8_t want_len[] = {
	    [DESC_INFORMATION] = 0x0a,
	    [DESC_COMMAND_SPECIFIC] = 0x0a,
	    [DESC_SENSE_KEY_SPECIFIC] = 0x06,
	    [DESC_FRU] = 0x02,
	    [DESC_STREAM] = 0x02,
	    [DESC_BLOCK] = 0x02,
	};

	if (d[0] > DESC_BLOCK)
		return 0; /* other descriptor types are skipped */
	if (d[1] != want_len[d[0]])
		return iscsi_err(err, errlen,
				  "sense descriptor type 0x%02x has additional "
				  "length %u, expected %u (SPC-4 §4.5.2)",
				  d[0], d[1], want_len[d[0]]);
	switch (d[0]) {
	case DESC_INFORMATION:
		s->valid_info = d[2] & 0x80;
		s->info = iscsi_get64(d + 4);
		break;
	case DESC_COMMAND_SPECIFIC:
		s->valid_csi = true;
		s->csi = iscsi_get64(d + 4);
		break;
	case DESC_SENSE_KEY_SPECIFIC:
		s->sksv = d[4] & SKSV;
		s->sks[0] = d[4] & (uint8_t)~SKSV;
		s->sks[1] = d[5];
		s->sks[2] = d[6];
		break;
	case DESC_FRU:
		s->fru = d[3];
		break;
	case DESC_STREAM:
		s->filemark = d[3] & FIXED_FILEMARK;
		s->eom = d[3] & FIXED_EOM;
		s->ili = d[3] & FIXED_ILI;
		break;
	case DESC_BLOCK:
		s->ili = d[3] & FIXED_ILI;
		break;
	}
	return 0;
}

static int parse_desc(const uint8_t *buf, size_t len, struct scsi_sense *s,
		      char *err, size_t errlen)
{
	size_t n = sense_extent(buf, len);

	if (n < 4)
		return iscsi_err(err, errlen,
				  "descriptor-format sense of %zu bytes has "
				  "no ASC/ASCQ",
				  len);
	s->key = buf[1] & 0x0f;
	s->asc = buf[2];
	s->ascq = buf[3];
	for (size_t off = 8; off < n;) {
		if (n - off < 2 || n - off - 2 < buf[off + 1])
			return iscsi_err(err, errlen,
					  "sense descriptor at offset %zu "
					  "overruns the sense data",
					  off);
		if (parse_one_desc(buf + off, s, err, errlen) < 0)
			return -1;
		off += 2 + (size_t)buf[off + 1];
	}
	return 0;
}

int scsi_sense_parse(const uint8_t *buf, size_t len, struct scsi_sense *s,
		     char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (!buf || len == 0)
		return iscsi_err(err, errlen, "no sense data");
	s->response_code = buf[0] & 0x7f;
	switch (s->response_code) {
	case 0x70:
	case 0x71:
		s->deferred = s->response_code == 0x71;
		return parse_fixed(buf, len, s, err, errlen);
	case 0x72:
	case 0x73:
		s->descriptor = true;
		s->deferred = s->response_code == 0x73;
		return parse_desc(buf, len, s, err, errlen);
	default:
		return iscsi_err(err, errlen,
				  "sense response code 0x%02x is neither "
				  "fixed (70h/71h) nor descriptor (72h/73h)",
				  s->response_code);
	}
}

/* ---- building ------------------------------------------------------------ */

static size_t build_fixed(uint8_t *buf, size_t len, const struct scsi_sense *s)
{
	if (len < SCSI_SENSE_FIXED_LEN)
		return 0;
	memset(buf, 0, SCSI_SENSE_FIXED_LEN);
	buf[0] = s->deferred ? 0x71 : 0x70;
	/* INFORMATION is 4 bytes here: VALID only if the value fits */
	if (s->valid_info && s->info <= 0xffffffffu) {
		buf[0] |= FIXED_VALID;
		iscsi_put32(buf + 3, (uint32_t)s->info);
	}
	buf[2] = (uint8_t)(s->key & 0x0f);
	if (s->filemark)
		buf[2] |= FIXED_FILEMARK;
	if (s->eom)
		buf[2] |= FIXED_EOM;
	if (s->ili)
		buf[2] |= FIXED_ILI;
	buf[7] = SCSI_SENSE_FIXED_LEN - 8;
	if (s->valid_csi)
		iscsi_put32(buf + 8, (uint32_t)s->csi);
	buf[12] = s->asc;
	buf[13] = s->ascq;
	buf[14] = s->fru;
	if (s->sksv) {
		buf[15] = SKSV | (s->sks[0] & (uint8_t)~SKSV);
		buf[16] = s->sks[1];
		buf[17] = s->sks[2];
	}
	return SCSI_SENSE_FIXED_LEN;
}

static size_t build_desc(uint8_t *buf, size_t len, const struct scsi_sense *s)
{
	size_t need = 8, o = 8;
	bool stream = s->filemark || s->eom;

	need += s->valid_info ? 12 : 0;
	need += s->valid_csi ? 12 : 0;
	need += s->sksv ? 8 : 0;
	need += s->fru ? 4 : 0;
	need += stream || s->ili ? 4 : 0;
	if (len < need)
		return 0;
	memset(buf, 0, need);
	buf[0] = s->deferred ? 0x73 : 0x72;
	buf[1] = (uint8_t)(s->key & 0x0f);
	buf[2] = s->asc;
	buf[3] = s->ascq;
	buf[7] = (uint8_t)(need - 8);
	if (s->valid_info) {
		buf[o] = DESC_INFORMATION;
		buf[o + 1] = 0x0a;
		buf[o + 2] = 0x80; /* VALID */
		iscsi_put64(buf + o + 4, s->info);
		o += 12;
	}
	if (s->valid_csi) {
		buf[o] = DESC_COMMAND_SPECIFIC;
		buf[o + 1] = 0x0a;
		iscsi_put64(buf + o + 4, s->csi);
		o += 12;
	}
	if (s->sksv) {
		buf[o] = DESC_SENSE_KEY_SPECIFIC;
		buf[o + 1] = 0x06;
		buf[o + 4] = SKSV | (s->sks[0] & (uint8_t)~SKSV);
		buf[o + 5] = s->sks[1];
		buf[o + 6] = s->sks[2];
		o += 8;
	}
	if (s->fru) {
		buf[o] = DESC_FRU;
		buf[o + 1] = 0x02;
		buf[o + 3] = s->fru;
		o += 4;
	}
	if (stream || s->ili) {
		buf[o] = stream ? DESC_STREAM : DESC_BLOCK;
		buf[o + 1] = 0x02;
		buf[o + 3] = s->filemark ? FIXED_FILEMARK : 0;
		buf[o + 3] |= s->eom ? FIXED_EOM : 0;
		buf[o + 3] |= s->ili ? FIXED_ILI : 0;
	}
	return need;
}

size_t scsi_sense_build(uint8_t *buf, size_t len, const struct scsi_sense *s)
{
	return s->descriptor ? build_desc(buf, len, s)
			     : build_fixed(buf, len, s);
}

size_t scsi_sense_build_fixed(uint8_t *buf, size_t len, uint8_t key,
			      uint8_t asc, uint8_t ascq)
{
	struct scsi_sense s = {.key = key, .asc = asc, .ascq = ascq};

	return build_fixed(buf, len, &s);
}

size_t scsi_sense_build_desc(uint8_t *buf, size_t len, uint8_t key, uint8_t asc,
			     uint8_t ascq)
{
	struct scsi_sense s = {.key = key, .asc = asc, .ascq = ascq};

	return build_desc(buf, len, &s);
}

static bool is_fixed(const uint8_t *sense, size_t len, size_t need)
{
	return sense && len >= need &&
	       ((sense[0] & 0x7f) == 0x70 || (sense[0] & 0x7f) == 0x71);
}

bool scsi_sense_set_info(uint8_t *sense, size_t len, uint64_t info)
{
	if (!is_fixed(sense, len, 7) || info > 0xffffffffu)
		return false;
	sense[0] |= FIXED_VALID;
	iscsi_put32(sense + 3, (uint32_t)info);
	return true;
}

/* SPC-4 §4.5.2.4.2: SKSV | C/D | BPV | BIT POINTER, FIELD POINTER */
static void field_pointer_bytes(uint8_t out[3], bool cdb, unsigned byte,
				int bit)
{
	out[0] = (uint8_t)((cdb ? 0x40 : 0) |
			   (bit >= 0 ? 0x08 | ((unsigned)bit & 7u) : 0));
	out[1] = (uint8_t)(byte >> 8);
	out[2] = (uint8_t)byte;
}

bool scsi_sense_set_field_pointer(uint8_t *sense, size_t len, bool cdb,
				  unsigned byte, int bit)
{
	if (!is_fixed(sense, len, SCSI_SENSE_FIXED_LEN) || byte > 0xffff ||
	    bit > 7)
		return false;
	field_pointer_bytes(sense + 15, cdb, byte, bit);
	sense[15] |= SKSV;
	return true;
}

void scsi_sense_sks_field(struct scsi_sense *s, bool cdb, uint16_t byte,
			  int bit)
{
	field_pointer_bytes(s->sks, cdb, byte, bit > 7 ? -1 : bit);
	s->sksv = true;
}

bool scsi_sense_field_pointer(const struct scsi_sense *s, bool *cdb,
			      uint16_t *byte, int *bit)
{
	if (!s->sksv)
		return false;
	*cdb = s->sks[0] & 0x40;
	*bit = (s->sks[0] & 0x08) ? (int)(s->sks[0] & 7) : -1;
	*byte = (uint16_t)(s->sks[1] << 8 | s->sks[2]);
	return true;
}
