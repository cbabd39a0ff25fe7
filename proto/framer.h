/* SPDX-License-Identifier: MIT */
/*
 * framer.h - incremental iSCSI PDU framer (RFC 7143 §11.1).
 *
 * One framer per direction of a connection, driven alike by the reference
 * target's sockets and by the analyzer's reassembled TCP streams. Bytes go
 * in with any split; whole PDUs (BHS, AHS, header digest, data, padding,
 * data digest) come out one at a time, and iscsi_framer_need() says how
 * many more bytes complete the current BHS or PDU.
 *
 *	while (len > 0) {
 *		st = iscsi_framer_feed(&f, p, len, &used, err, sizeof(err));
 *		p += used;
 *		len -= used;
 *		if (st == ISCSI_FRAMER_ERROR)
 *			break;		(sticky until iscsi_framer_reset)
 *		if (st == ISCSI_FRAMER_PDU)
 *			iscsi_framer_decode(&f, &pdu, err, sizeof(err));
 *	}
 *
 * A PDU that arrives whole inside one feed is handed back in place, without
 * a copy; only PDUs split across feeds are gathered in the framer's buffer,
 * which grows to the size of the largest such PDU and never beyond the
 * limits. A PDU over the limits is an error before anything is allocated.
 */
#ifndef ISCSI_CTS_FRAMER_H
#define ISCSI_CTS_FRAMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pdu.h"
#include "wire.h"

/* Defaults: the largest DataSegmentLength and AHS the BHS can express. */
#define ISCSI_FRAMER_MAX_DSL_DEFAULT ISCSI_DSL_MAX /* 16 MiB - 1 */
#define ISCSI_FRAMER_MAX_AHS_DEFAULT ((size_t)ISCSI_AHS_MAX)
#define ISCSI_FRAMER_ERRLEN	     160

/* A zero field means "the default". */
struct iscsi_framer_limits {
	uint32_t max_dsl; /* largest DataSegmentLength accepted */
	size_t max_ahs;	  /* largest TotalAHSLength accepted, in bytes */
};

enum iscsi_framer_status {
	ISCSI_FRAMER_NEED_MORE, /* all input consumed, no PDU completed */
	ISCSI_FRAMER_PDU,	/* one PDU completed: see iscsi_framer_frame */
	ISCSI_FRAMER_ERROR,	/* stream unframeable: sticky until reset */
};

enum iscsi_framer_state {
	ISCSI_FRAMER_S_BHS,   /* gathering the 48-byte BHS */
	ISCSI_FRAMER_S_REST,  /* BHS known, gathering the rest of the PDU */
	ISCSI_FRAMER_S_ERROR, /* failed; err holds the reason */
};

/* Exposed so callers can embed it; touch it only through the functions. */
struct iscsi_framer {
	struct iscsi_framer_limits lim;
	struct iscsi_digests dg;      /* digests of the PDU being framed */
	struct iscsi_digests dg_next; /* set mid-PDU: applies at the next */
	bool dg_pending;
	enum iscsi_framer_state state;
	size_t have;  /* bytes of the current PDU gathered so far */
	size_t total; /* its wire length, once the BHS is known */
	uint8_t bhs[ISCSI_BHS_LEN];
	uint8_t *buf; /* gathers a PDU longer than its BHS */
	size_t cap;
	const uint8_t *frame; /* last completed PDU, until the next feed */
	size_t frame_len;
	struct iscsi_digests frame_dg; /* the digests it was framed with */
	char err[ISCSI_FRAMER_ERRLEN];
};

/* lim may be NULL for the defaults. Digests start off (login phase). */
void iscsi_framer_init(struct iscsi_framer *f,
		       const struct iscsi_framer_limits *lim);
void iscsi_framer_free(struct iscsi_framer *f);

/* Back to a PDU boundary with no error; keeps buffer, limits, digests. */
void iscsi_framer_reset(struct iscsi_framer *f);

/*
 * Digests negotiated at login apply from the first PDU after the final
 * Login Response (RFC 7143 §13.1): at a PDU boundary this takes effect for
 * the next PDU; in the middle of a PDU, for the one after it.
 */
void iscsi_framer_set_digests(struct iscsi_framer *f,
			      const struct iscsi_digests *dg);

/*
 * Wire length of a PDU from its BHS: BHS + AHS + header digest + data +
 * padding + data digest. dg and lim may be NULL (no digests, defaults).
 * Returns 0, or -1 with the reason in err when a length is over a limit.
 */
int iscsi_frame_len(const uint8_t bhs[ISCSI_BHS_LEN],
		    const struct iscsi_digests *dg,
		    const struct iscsi_framer_limits *lim, size_t *total,
		    char *err, size_t errlen);

/*
 * Consume up to len bytes, stopping right after the first PDU completed.
 * *used is the number of bytes consumed. On ISCSI_FRAMER_PDU the PDU is
 * available through iscsi_framer_frame until the next feed (or, when it
 * points into buf, until the caller's buffer goes away if sooner).
 */
enum iscsi_framer_status iscsi_framer_feed(struct iscsi_framer *f,
					   const uint8_t *buf, size_t len,
					   size_t *used, char *err,
					   size_t errlen);

/* Bytes still needed to complete the current BHS or PDU; 0 after error. */
size_t iscsi_framer_need(const struct iscsi_framer *f);

/* Bytes of an incomplete PDU held (non-zero at end of stream: truncated). */
size_t iscsi_framer_pending(const struct iscsi_framer *f);

/* The PDU completed by the last feed; false when there is none. */
bool iscsi_framer_frame(const struct iscsi_framer *f, const uint8_t **frame,
			size_t *len);

/* Digests that were in force for that PDU. */
const struct iscsi_digests *
iscsi_framer_frame_digests(const struct iscsi_framer *f);

/* Decode that PDU with iscsi_pdu_decode and the digests it was framed with. */
int iscsi_framer_decode(const struct iscsi_framer *f, struct iscsi_pdu *out,
			char *err, size_t errlen);

#endif
