/* SPDX-License-Identifier: MIT */
/*
 * fuzz_framer.c - libFuzzer target for the incremental PDU framer.
 *
 * Input: byte 0 picks the digests, the PDU after which they switch on and
 * the DataSegmentLength limit; bytes 1-4 seed the chunk sizes; the rest is
 * a byte stream. The stream is framed twice, whole and in pseudo-random
 * chunks, and both runs must agree PDU for PDU (and on where an error
 * falls). Every PDU is decoded and re-encoded: the lengths always match,
 * the segments always come back unchanged, and when every digest verified
 * and the padding was zero the encoding is the frame byte for byte.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "framer.h"
#include "pdu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			__builtin_trap();                                      \
	} while (0)

struct plan {
	struct iscsi_digests dg;
	size_t switch_after; /* digests on after this many PDUs */
	struct iscsi_framer_limits lim;
	uint32_t seed;
};

/* What the whole-buffer run saw: each event is a PDU or an error. */
struct events {
	size_t *end; /* stream offset just past each PDU or failed BHS */
	bool *err;
	size_t n, cap;
};

static uint32_t next_rand(uint32_t *s)
{
	uint32_t x = *s ? *s : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static size_t next_chunk(uint32_t *s)
{
	uint32_t r = next_rand(s);

	switch (r & 3u) {
	case 0:
		return 1;
	case 1:
		return 1 + (r >> 8) % 8;
	case 2:
		return 1 + (r >> 8) % 64;
	default:
		return 1 + (r >> 8) % 4096;
	}
}

static bool padding_zero(const uint8_t *frame, size_t hdr_end, size_t dsl)
{
	for (size_t i = dsl; i < dsl + iscsi_pad_len(dsl); i++)
		if (frame[hdr_end + i] != 0)
			return false;
	return true;
}

/* Decode one frame and re-encode it; check what must hold. */
static void round_trip(const struct iscsi_framer *f)
{
	const struct iscsi_digests *dg = iscsi_framer_frame_digests(f);
	const uint8_t *frame;
	struct iscsi_pdu pdu;
	size_t len, hdr_end;
	uint8_t *out;
	ssize_t n;
	char err[ISCSI_FRAMER_ERRLEN];
	bool exact;

	CHECK(iscsi_framer_frame(f, &frame, &len));
	iscsi_pdu_init(&pdu);
	/* The framer and the decoder agree on every PDU's length. */
	CHECK(iscsi_framer_decode(f, &pdu, err, sizeof(err)) == 0);
	CHECK(pdu.ahs_len == (size_t)frame[4] * 4u);
	CHECK(pdu.data_len == iscsi_get24(frame + 5));
	CHECK(pdu.hdigest_present == dg->header);
	CHECK(pdu.ddigest_present == (dg->data && pdu.data_len > 0));

	out = malloc(len);
	CHECK(out != NULL);
	n = iscsi_pdu_encode(&pdu, dg, out, len, err, sizeof(err));
	CHECK(n >= 0 && (size_t)n == len);

	/* BHS and AHS, then the data segment, come back unchanged. */
	hdr_end = ISCSI_BHS_LEN + pdu.ahs_len;
	CHECK(memcmp(out, frame, hdr_end) == 0);
	if (dg->header)
		hdr_end += ISCSI_DIGEST_LEN;
	CHECK(pdu.data_len == 0 ||
	      memcmp(out + hdr_end, frame + hdr_end, pdu.data_len) == 0);

	exact = (!pdu.hdigest_present || pdu.hdigest_ok) &&
		(!pdu.ddigest_present || pdu.ddigest_ok) &&
		padding_zero(frame, hdr_end, pdu.data_len);
	if (exact)
		CHECK(memcmp(out, frame, len) == 0);
	free(out);
	iscsi_pdu_release(&pdu);
}

static void record(struct events *ev, size_t end, bool err)
{
	if (ev->n == ev->cap) {
		size_t cap = ev->cap ? ev->cap * 2 : 64;

		ev->end = realloc(ev->end, cap * sizeof(*ev->end));
		ev->err = realloc(ev->err, cap * sizeof(*ev->err));
		CHECK(ev->end && ev->err);
		ev->cap = cap;
	}
	ev->end[ev->n] = end;
	ev->err[ev->n] = err;
	ev->n++;
}

/* After a PDU or an error: digest switch, sticky error, then resync. */
static void after_event(struct iscsi_framer *f, const struct plan *p,
			size_t *pdus, bool err)
{
	char msg[ISCSI_FRAMER_ERRLEN];
	size_t used = 1;

	if (err) {
		CHECK(iscsi_framer_need(f) == 0);
		CHECK(iscsi_framer_feed(f, (const uint8_t *)"x", 1, &used, msg,
					sizeof(msg)) == ISCSI_FRAMER_ERROR);
		CHECK(used == 0);
		iscsi_framer_reset(f);
		return;
	}
	if (++*pdus == p->switch_after)
		iscsi_framer_set_digests(f, &p->dg);
	CHECK(iscsi_framer_need(f) == ISCSI_BHS_LEN);
}

static void run_whole(const struct plan *p, const uint8_t *s, size_t len,
		      struct events *ev)
{
	struct iscsi_framer f;
	size_t pos = 0, used, pdus = 0;
	char err[ISCSI_FRAMER_ERRLEN];

	iscsi_framer_init(&f, &p->lim);
	if (p->switch_after == 0)
		iscsi_framer_set_digests(&f, &p->dg);
	while (pos < len) {
		enum iscsi_framer_status st;
		const uint8_t *fp;
		size_t fl;

		st = iscsi_framer_feed(&f, s + pos, len - pos, &used, err,
				       sizeof(err));
		CHECK(used <= len - pos);
		pos += used;
		if (st == ISCSI_FRAMER_NEED_MORE) {
			CHECK(pos == len);
			break;
		}
		if (st == ISCSI_FRAMER_PDU) {
			CHECK(iscsi_framer_frame(&f, &fp, &fl));
			CHECK(fl <= pos && memcmp(fp, s + pos - fl, fl) == 0);
			round_trip(&f);
		}
		record(ev, pos, st == ISCSI_FRAMER_ERROR);
		after_event(&f, p, &pdus, st == ISCSI_FRAMER_ERROR);
	}
	iscsi_framer_free(&f);
}

static void run_chunked(const struct plan *p, const uint8_t *s, size_t len,
			const struct events *ev)
{
	struct iscsi_framer f;
	size_t pos = 0, k = 0, pdus = 0;
	uint32_t seed = p->seed;
	char err[ISCSI_FRAMER_ERRLEN];

	iscsi_framer_init(&f, &p->lim);
	if (p->switch_after == 0)
		iscsi_framer_set_digests(&f, &p->dg);
	while (pos < len) {
		size_t end = pos + next_chunk(&seed);

		if (end > len)
			end = len;
		while (pos < end) {
			enum iscsi_framer_status st;
			size_t used, need = iscsi_framer_need(&f);
			size_t held = iscsi_framer_pending(&f);
			const uint8_t *fp;
			size_t fl;

			CHECK(need > 0);
			st = iscsi_framer_feed(&f, s + pos, end - pos, &used,
					       err, sizeof(err));
			pos += used;
			if (st == ISCSI_FRAMER_NEED_MORE) {
				CHECK(pos == end);
				/* Past the BHS, need() falls byte for byte. */
				if (held >= ISCSI_BHS_LEN)
					CHECK(iscsi_framer_need(&f) ==
					      need - used);
				continue;
			}
			CHECK(k < ev->n && ev->end[k] == pos);
			CHECK(ev->err[k] == (st == ISCSI_FRAMER_ERROR));
			if (st == ISCSI_FRAMER_PDU) {
				CHECK(iscsi_framer_frame(&f, &fp, &fl));
				CHECK(memcmp(fp, s + pos - fl, fl) == 0);
			}
			k++;
			after_event(&f, p, &pdus, st == ISCSI_FRAMER_ERROR);
		}
	}
	CHECK(k == ev->n);
	iscsi_framer_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t dsl_limit[4] = {4096, 65536, 1u << 20, 0};
	struct events ev = {0};
	struct plan p;

	if (size < 5)
		return 0;
	p.dg.header = data[0] & 1u;
	p.dg.data = (data[0] >> 1) & 1u;
	p.switch_after = (data[0] >> 2) & 0xfu;
	p.lim.max_dsl = dsl_limit[data[0] >> 6];
	p.lim.max_ahs = 0;
	p.seed = iscsi_get32(data + 1);

	run_whole(&p, data + 5, size - 5, &ev);
	run_chunked(&p, data + 5, size - 5, &ev);
	free(ev.end);
	free(ev.err);
	return 0;
}
