/* SPDX-License-Identifier: MIT */
/*
 * login.c - the target side of the login phase (RFC 7143 §6.3, §11.12,
 * §11.13): PDU checks, stages and the T/C bits, responses (split with the
 * C bit when long), numbering, and at the end the session attach
 * (reinstatement §6.3.5, connection reinstatement §6.3.4, MaxConnections
 * §13.2) and the switch to full feature phase.
 *
 * Negotiation of the keys lives in login_keys.c, authentication in
 * login_auth.c.
 *
 * Choices where the RFC leaves room (the strict one each time):
 *  - the initial StatSN of a connection is a pseudo-random value, so that
 *    initiators exercise serial arithmetic (§11.13.4 leaves it open);
 *  - every success-class Login Response advances StatSN (§11.13.4: "the
 *    next response of any kind, including the next Login Response");
 *  - ExpCmdSN = the login's CmdSN and MaxCmdSN = ExpCmdSN (a window of one)
 *    until the final response, which opens the session's window;
 *  - a failure response carries no keys, T=0, and the connection is closed
 *    once it is written (§11.13.5).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "framer.h"
#include "login_int.h"
#include "serial.h"

void login_error_set(struct login_error *e, uint16_t status, const char *fmt,
		     ...)
{
	va_list ap;

	e->status = status;
	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
}

static struct login_state *login_state_new(void)
{
	struct login_state *ls = calloc(1, sizeof(*ls));

	if (!ls)
		return NULL;
	iscsi_params_defaults(&ls->params);
	iscsi_text_accum_init(&ls->in, ISCSI_TEXT_ACCUM_DEFAULT);
	iscsi_text_accum_init(&ls->text.in, ISCSI_TEXT_ACCUM_DEFAULT);
	ls->text.next_ttt = 1;
	return ls;
}

void login_free(struct login_state *ls)
{
	if (!ls)
		return;
	iscsi_text_accum_free(&ls->in);
	free(ls->out);
	text_seq_release(&ls->text);
	iscsi_text_accum_free(&ls->text.in);
	/* the challenge is a secret of this exchange */
	memset(&ls->chap, 0, sizeof(ls->chap));
	free(ls);
}

/* ---- responses ------------------------------------------------------- */

static uint16_t resp_tsih(const struct login_state *ls, bool final,
			  const struct tgt_conn *c)
{
	/* §11.13.4: TSIH is 0 in every response of a leading login but the
	 * final one of a new session; a non-leading login echoes it. */
	if (!ls->leading)
		return ls->tsih;
	if (final && c->sess)
		return defect_on(&c->srv->defects, DEFECT_FINAL_TSIH_ZERO)
			       ? 0
			       : c->sess->tsih;
	if (defect_on(&c->srv->defects, DEFECT_EARLY_TSIH))
		return 0x7fff;
	return 0;
}

/* Response fields the defects of defects_login.h get wrong. */
static void login_pdu_defects(const struct tgt_conn *c,
			      struct iscsi_login_rsp_f *f)
{
	const struct defect_set *d = &c->srv->defects;

	if (defect_on(d, DEFECT_LOGIN_ISID_NOT_ECHOED))
		f->isid ^= 1;
	if (defect_on(d, DEFECT_LOGIN_ITT_NOT_ECHOED))
		f->itt += 1;
	if (defect_on(d, DEFECT_VERSION_ACTIVE_WRONG))
		f->version_active = 0x01;
}

/* Queue one Login Response. */
static int login_send_pdu(struct tgt_conn *c, struct login_state *ls,
			  bool transit, bool cont, uint8_t nsg,
			  uint16_t status, const uint8_t *data, size_t len,
			  bool final)
{
	struct iscsi_login_rsp_f f;
	struct iscsi_bhs bhs;

	memset(&f, 0, sizeof(f));
	f.transit = transit;
	f.cont = cont;
	f.csg = ls->stage;
	f.nsg = transit ? nsg : 0; /* NSG is reserved unless T=1 (§11.13.3) */
	f.version_max = 0x00;	   /* §11.13.2: the one version, 0x00 */
	f.version_active = 0x00;
	f.isid = ls->isid;	   /* §11.13: ISID and ITT echoed */
	f.tsih = resp_tsih(ls, final, c);
	f.itt = ls->itt;
	login_pdu_defects(c, &f);
	f.status_class = (uint8_t)(status >> 8);
	f.status_detail = (uint8_t)status;
	/* §11.13.4: StatSN is valid only with Status-Class 0; each such
	 * response carries the next value. */
	f.statsn = c->statsn;
	if (status == 0 &&
	    !defect_on(&c->srv->defects, DEFECT_LOGIN_STATSN_STUCK))
		c->statsn++;
	f.exp_cmdsn = ls->cmdsn; /* login PDUs are immediate (§11.12) */
	f.max_cmdsn = ls->cmdsn;
	if (final && c->sess && ls->leading) {
		f.exp_cmdsn = c->sess->exp_cmdsn;
		f.max_cmdsn = c->sess->max_cmdsn;
	}
	if (defect_on(&c->srv->defects, DEFECT_LOGIN_EXPCMDSN_PLUS_ONE))
		f.exp_cmdsn++;
	iscsi_login_rsp_pack(&bhs, &f);
	if (c->srv->verbose)
		conn_log(c, "tx Login Response T=%d C=%d CSG=%u NSG=%u "
			    "status 0x%04x ITT 0x%08x StatSN %u len %zu",
			 transit, cont, f.csg, f.nsg, status, f.itt, f.statsn,
			 len);
	return conn_send_copy(c, &bhs, data, len);
}

/* Answer with a failure (§11.13.5): no keys, then close. */
static void login_fail(struct tgt_conn *c, struct login_state *ls,
		       const struct login_error *e)
{
	unsigned cls = e->status >> 8;

	conn_log(c, "login %s for %s: 0x%04x %s",
		 cls == 1 ? "redirected" : "failed",
		 ls->iname[0] ? ls->iname : "(initiator not yet named)",
		 e->status, e->why);
	if (defect_on(&c->srv->defects, DEFECT_LOGIN_FAIL_WITH_KEYS)) {
		static const char junk[] = "MaxRecvDataSegmentLength=8192";

		login_send_pdu(c, ls, false, false, 0, e->status,
			       (const uint8_t *)junk, sizeof(junk), false);
	} else {
		login_send_pdu(c, ls, false, false, 0, e->status, NULL, 0,
			       false);
	}
	ls->failed = true;
	if (!defect_on(&c->srv->defects, DEFECT_LOGIN_FAIL_KEEPS_CONNECTION))
		conn_close_after_tx(c);
}

/* A redirect carries TargetAddress (§11.13.5, §13.8): sent separately. */
static void login_redirect(struct tgt_conn *c, struct login_state *ls,
			   const struct login_error *e,
			   const struct iscsi_text *out)
{
	uint8_t buf[LOGIN_SEG_MAX];
	ssize_t n = iscsi_text_serialize(out, buf, sizeof(buf));

	conn_log(c, "login of %s redirected (0x%04x): %s", ls->iname,
		 e->status, e->why);
	login_send_pdu(c, ls, false, false, 0, e->status, buf,
		       n > 0 ? (size_t)n : 0, false);
	ls->failed = true;
	conn_close_after_tx(c);
}

/* Largest data segment of a Login Response (§13.12). */
static size_t login_seg_max(const struct login_state *ls)
{
	if (ls->initiator_mrdsl_set && ls->initiator_mrdsl < LOGIN_SEG_MAX)
		return ls->initiator_mrdsl;
	return LOGIN_SEG_MAX;
}

static int login_attach(struct tgt_conn *c, struct login_state *ls,
			struct login_error *e);
static void login_enter_ffp(struct tgt_conn *c, struct login_state *ls);

/*
 * Send the next piece of the pending response.  All but the last carry
 * C=1 and T=0 (§11.13.2: T MUST be 0 while C is 1); the last carries the
 * transit decision.  The final response of the login attaches the
 * session first (it must carry the new TSIH).
 */
static void login_send_piece(struct tgt_conn *c, struct login_state *ls)
{
	size_t left = ls->out_len - ls->out_off, max = login_seg_max(ls);
	bool last = left <= max;
	bool final = last && ls->out_transit && ls->out_nsg == ISCSI_STAGE_FFP;
	struct login_error e;
	size_t n = last ? left : max;

	if (final && login_attach(c, ls, &e) < 0) {
		login_fail(c, ls, &e);
		return;
	}
	login_send_pdu(c, ls, last && ls->out_transit, !last, ls->out_nsg, 0,
		       ls->out ? ls->out + ls->out_off : NULL, n, final);
	ls->out_off += n;
	if (!last)
		return;
	ls->out_pending = false;
	free(ls->out);
	ls->out = NULL;
	ls->out_len = ls->out_off = 0;
	if (ls->out_transit)
		ls->stage = ls->out_nsg;
	if (final)
		login_enter_ffp(c, ls);
}

/* Serialize the answer keys and start sending them. */
static void login_respond(struct tgt_conn *c, struct login_state *ls,
			  const struct iscsi_text *out, bool transit,
			  uint8_t nsg)
{
	size_t len = iscsi_text_len(out);
	struct login_error e;

	free(ls->out);
	ls->out = NULL;
	if (len) {
		ls->out = malloc(len);
		if (!ls->out || iscsi_text_serialize(out, ls->out, len) < 0) {
			login_error_set(&e, ISCSI_LOGIN_STATUS_NO_RESOURCES,
					"no memory for the response");
			login_fail(c, ls, &e);
			return;
		}
	}
	ls->out_len = len;
	ls->out_off = 0;
	ls->out_transit = transit;
	ls->out_nsg = nsg;
	ls->out_pending = true;
	login_send_piece(c, ls);
}

/* ---- session attach ------------------------------------------------- */

/* §6.3.4: a login with the CID of a connection of the session replaces
 * it (connection reinstatement). */
/*
 * §6.3.4: a login with the CID of a live connection of the session
 * reinstates it: the old connection is closed. s->conns changes under
 * srv->lock from other reactors, so it is searched under the lock. A
 * connection of another reactor is closed by a message to that reactor
 * (conn_close only posts then, without locking); one of this reactor is
 * closed after the lock is dropped, since closing takes the lock again.
 */
static void login_reinstate_conn(struct tgt_conn *c, struct tgt_session *s)
{
	struct tgt_conn *local = NULL;

	pthread_mutex_lock(&c->srv->lock);
	for (struct tgt_conn *o = s->conns; o; o = o->sess_next) {
		if (o == c || o->cid != c->cid)
			continue;
		conn_log(c, "reinstates connection CID %u (RFC 7143 §6.3.4)",
			 c->cid);
		if (tgt_on_loop(o->loop))
			local = o;
		else
			conn_close(o, "connection reinstatement (§6.3.4)");
		break;
	}
	pthread_mutex_unlock(&c->srv->lock);
	if (local)
		conn_close(local, "connection reinstatement (§6.3.4)");
}

static int attach_leading(struct tgt_conn *c, struct login_state *ls,
			  struct login_error *e)
{
	struct tgt_server *srv = c->srv;
	struct tgt_session *old, *s;
	unsigned depth;

	/* §6.3.5: same InitiatorName, ISID and target as a live session:
	 * the old session is closed and its tasks end (session
	 * reinstatement). */
	old = server_find_session(srv, ls->iname, ls->isid, ls->target);
	if (old && !defect_on(&srv->defects, DEFECT_NO_SESSION_REINSTATEMENT)) {
		conn_log(c, "session tsih %u of %s reinstated (RFC 7143 "
			    "§6.3.5)",
			 old->tsih, ls->iname);
		server_session_close(old, "session reinstatement (§6.3.5)");
	}
	s = server_session_new(srv, c->loop);
	if (!s) {
		login_error_set(e, ISCSI_LOGIN_STATUS_NO_RESOURCES,
				"no session could be allocated");
		return -1;
	}
	/* §11.13.5 0x0302 "out of resources": MaxSessions, counted under
	 * the server's lock against logins on other reactors */
	if (server_session_set_target(s, ls->target) < 0) {
		server_session_free(s);
		login_error_set(e, ISCSI_LOGIN_STATUS_NO_RESOURCES,
				"MaxSessions of %s reached",
				ls->target->cfg->name);
		return -1;
	}
	s->discovery = ls->discovery;
	s->isid = ls->isid;
	snprintf(s->initiator_name, sizeof(s->initiator_name), "%s",
		 ls->iname);
	snprintf(s->initiator_alias, sizeof(s->initiator_alias), "%s",
		 ls->ialias);
	s->params = ls->params;
	/* The leading login's CmdSN is the session's first ExpCmdSN
	 * (§4.2.2.1, §11.12.6). */
	depth = s->queue_depth ? s->queue_depth : LOGIN_DEFAULT_DEPTH;
	s->queue_depth = depth;
	s->exp_cmdsn = ls->cmdsn;
	s->max_cmdsn = ls->cmdsn + depth - 1;
	session_add_conn(s, c);
	c->sess = s;
	return 0;
}

static int attach_join(struct tgt_conn *c, struct login_state *ls,
		       struct login_error *e)
{
	struct tgt_session *s;

	/* The session may have ended while the login ran.  Found and
	 * joined under one lock: a session kept at ERL 2 without
	 * connections (§6.2.2) may expire at any moment on its reactor.
	 * Join first, then close the connection being reinstated: were it
	 * the session's last, its teardown would end the session under us
	 * (session_del_conn) while we attach to it. */
	s = server_session_join(c->srv, ls->tsih, ls->join, c);
	if (!s) {
		login_error_set(e, ISCSI_LOGIN_STATUS_NO_SESSION,
				"session tsih %u ended during the login",
				ls->tsih);
		return -1;
	}
	if (!defect_on(&c->srv->defects, DEFECT_NO_CONN_REINSTATEMENT))
		login_reinstate_conn(c, s);
	return 0;
}

static int login_attach(struct tgt_conn *c, struct login_state *ls,
			struct login_error *e)
{
	if (c->sess)
		return 0;
	return ls->leading ? attach_leading(c, ls, e) : attach_join(c, ls, e);
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* After the final response is queued: digests, limits, FFP. */
static void login_enter_ffp(struct tgt_conn *c, struct login_state *ls)
{
	struct tgt_session *s = c->sess;
	const struct target_rt *t = s->target;
	const char *mx = config_key(&c->srv->cfg, t ? t->cfg : NULL,
				    "MaxXmitDataSegmentLength");
	uint32_t xmit = ls->params.max_recv_dsl_initiator;
	struct iscsi_digests dg;

	/* §13.12: the initiator's declaration bounds what we send; IET's
	 * MaxXmitDataSegmentLength may bound it further. */
	if (mx)
		xmit = min_u32(xmit, (uint32_t)strtoul(mx, NULL, 0));
	c->max_xmit_dsl = xmit;
	/* §13.1: digests start with the first PDU after the final Login
	 * Response, which was queued without them. */
	dg.header = ls->params.header_digest;
	dg.data = ls->params.data_digest;
	c->dg = dg;
	iscsi_framer_set_digests(&c->rx, &dg);
	c->state = CONN_FFP;
	if (c->login_timer) {
		loop_del_timer(c->loop, c->login_timer);
		c->login_timer = 0;
	}
	conn_log(c, "login of %s to %s: %s session tsih %u cid %u "
		    "(MRDSL %u/%u, digests %s/%s, ERL %u)",
		 ls->iname, ls->discovery ? "discovery" : ls->tname,
		 ls->leading ? "new" : "joined", s->tsih, c->cid,
		 ls->params.max_recv_dsl_initiator,
		 ls->params.max_recv_dsl_target,
		 dg.header ? "CRC32C" : "None", dg.data ? "CRC32C" : "None",
		 ls->params.erl);
	/* What only the login needed goes; the Text sequence state of
	 * tgt_text.c stays in c->login for the life of the connection. */
	iscsi_text_accum_free(&ls->in);
	iscsi_text_accum_init(&ls->in, 1);
	memset(&ls->chap, 0, sizeof(ls->chap));
	if (s->loop != c->loop && conn_migrate(c, s->loop) < 0)
		conn_close(c, "cannot move the connection to its session");
}

/* ---- request checks ------------------------------------------------- */

/* The first request fixes the fields every later one repeats. */
static int login_first(struct tgt_conn *c, struct login_state *ls,
		       const struct iscsi_login_req_f *f,
		       struct login_error *e)
{
	ls->started = true;
	ls->isid = f->isid;
	ls->tsih = f->tsih;
	ls->cid = f->cid;
	ls->itt = f->itt;
	ls->cmdsn = f->cmdsn;
	ls->version_max = f->version_max;
	ls->version_min = f->version_min;
	ls->leading = f->tsih == 0;
	ls->stage = f->csg;
	c->cid = f->cid;
	/* §11.13.4: the first response carries the connection's initial
	 * StatSN; ours is pseudo-random (see the file comment). */
	c->statsn = (uint32_t)(tgt_now_ms() * 2654435761u) ^
		    (uint32_t)(c->id * 40503u);
	/* §11.12.4: this target speaks version 0x00 only. */
	if ((f->version_min > 0x00 || f->version_max < f->version_min) &&
	    !defect_on(&c->srv->defects, DEFECT_VERSION_UNCHECKED)) {
		login_error_set(e, ISCSI_LOGIN_STATUS_NO_VERSION,
				"Version-min 0x%02x / Version-max 0x%02x "
				"excludes 0x00 (§11.12.4)",
				f->version_min, f->version_max);
		return -1;
	}
	if (!ls->leading) {
		/* §6.3.1, §11.13.5: adding a connection to a session that
		 * does not exist is answered 0x020a at once. */
		ls->join = server_session_by_tsih(c->srv, f->tsih);
		if ((!ls->join || ls->join->closing) &&
		    defect_on(&c->srv->defects, DEFECT_UNKNOWN_TSIH_ACCEPTED)) {
			/* taken for a new session (breaks §11.13.5) */
			ls->leading = true;
			ls->join = NULL;
			return 0;
		}
		if (!ls->join || ls->join->closing) {
			login_error_set(e, ISCSI_LOGIN_STATUS_NO_SESSION,
					"no session with TSIH %u (§6.3.1)",
					f->tsih);
			return -1;
		}
		ls->params = ls->join->params;
	}
	/* ISID type in the top two bits (§11.12.5): 00b OUI, 01b EN */
	if (defect_on(&c->srv->defects, DEFECT_ISID_TYPE_RESTRICTED) &&
	    (f->isid >> 46) < 2) {
		login_error_set(e, ISCSI_LOGIN_STATUS_INIT_ERR,
				"ISID type %u refused",
				(unsigned)(f->isid >> 46));
		return -1;
	}
	return 0;
}

/* Fields that must not change within one login phase (§11.12). */
static int login_same(const struct login_state *ls,
		      const struct iscsi_login_req_f *f,
		      struct login_error *e)
{
	const char *what = NULL;

	if (f->isid != ls->isid)
		what = "ISID";
	else if (f->tsih != ls->tsih)
		what = "TSIH";
	else if (f->cid != ls->cid)
		what = "CID";
	else if (f->itt != ls->itt)
		what = "Initiator Task Tag";
	else if (f->cmdsn != ls->cmdsn)
		what = "CmdSN";
	else if (f->version_max != ls->version_max ||
		 f->version_min != ls->version_min)
		what = "Version-max/Version-min";
	if (!what)
		return 0;
	login_error_set(e, ISCSI_LOGIN_STATUS_INIT_ERR,
			"%s changed within the login phase (§11.12)", what);
	return -1;
}

/* T, C, CSG, NSG (§11.12.1-§11.12.3). */
static int login_stage_check(const struct tgt_conn *c,
			     const struct login_state *ls,
			     const struct iscsi_login_req_f *f,
			     struct login_error *e)
{
	const struct defect_set *d = &c->srv->defects;

	if (f->transit && f->cont &&
	    !defect_on(d, DEFECT_LOGIN_ACCEPT_T_WITH_C)) {
		login_error_set(e, ISCSI_LOGIN_STATUS_INIT_ERR,
				"T=1 with C=1 (§11.12.2: T MUST be 0 "
				"while C is 1)");
		return -1;
	}
	if (f->csg != ISCSI_STAGE_SECURITY &&
	    f->csg != ISCSI_STAGE_OPERATIONAL) {
		login_error_set(e, ISCSI_LOGIN_STATUS_INIT_ERR,
				"CSG %u is not a login stage (§11.12.3)",
				f->csg);
		return -1;
	}
	if (f->csg != ls->stage) {
		login_error_set(e, ISCSI_LOGIN_STATUS_INIT_ERR,
				"CSG %u while the login is in stage %u "
				"(§6.3, §11.12.3)",
				f->csg, ls->stage);
		return -1;
	}
	/* §11.12.3: NSG 2 is reserved; a transit goes forward only. */
	if (f->transit && !defect_on(d, DEFECT_LOGIN_ANY_TRANSIT) &&
	    (f->nsg == 2 || f->nsg <= f->csg || f->nsg > ISCSI_STAGE_FFP)) {
		login_error_set(e, ISCSI_LOGIN_STATUS_INIT_ERR,
				"transit from stage %u to stage %u "
				"(§11.12.3)",
				f->csg, f->nsg);
		return -1;
	}
	return 0;
}

/* ---- the exchange ---------------------------------------------------- */

/* What the target answers to a complete request. */
static void login_exchange(struct tgt_conn *c, struct login_state *ls,
			   const struct iscsi_login_req_f *f,
			   struct iscsi_text *in)
{
	struct iscsi_text out;
	struct login_error e;
	bool transit = false, want = f->transit;
	uint8_t nsg = f->nsg;
	const char *dup;

	iscsi_text_init(&out);
	memset(&e, 0, sizeof(e));
	/* §6.3: a key negotiated twice is an initiator error. */
	dup = iscsi_text_find_dup(in);
	if (dup && !defect_on(&c->srv->defects, DEFECT_ACCEPT_DUPLICATE_KEY)) {
		login_error_set(&e, ISCSI_LOGIN_STATUS_INIT_ERR,
				"key %.63s sent twice in one request (§6.3)",
				dup);
		goto fail;
	}
	if (!ls->identified) {
		ls->identified = true;
		if (login_keys_identify(c, ls, in, &out, &e) < 0) {
			if (e.status >> 8 == ISCSI_LOGIN_CLASS_REDIRECTION) {
				login_redirect(c, ls, &e, &out);
				iscsi_text_free(&out);
				return;
			}
			goto fail;
		}
		login_auth_setup(c, ls);
		if (ls->stage == ISCSI_STAGE_OPERATIONAL &&
		    defect_on(&c->srv->defects, DEFECT_LOGIN_REQUIRE_SECURITY)) {
			login_error_set(&e, ISCSI_LOGIN_STATUS_AUTH_FAILED,
					"security stage skipped");
			goto fail;
		}
	}
	if (ls->stage == ISCSI_STAGE_OPERATIONAL && !login_auth_ok(ls) &&
	    !defect_on(&c->srv->defects, DEFECT_AUTH_BYPASS)) {
		/* §6.3.2 (and §12.1): a target that requires authentication
		 * refuses a login that skips or leaves the security stage
		 * unauthenticated. */
		login_error_set(&e, ISCSI_LOGIN_STATUS_AUTH_FAILED,
				"operational stage reached without "
				"authentication (§6.3.2)");
		goto fail;
	}
	if (login_keys_negotiate(c, ls, in, &out, &e) < 0)
		goto fail;
	if (ls->stage == ISCSI_STAGE_SECURITY &&
	    login_auth_step(c, ls, in, want, &out, &e) < 0)
		goto fail;

	/* TRANSIT_UNASKED: transit although the initiator did not ask
	 * (breaks §11.13.1: T=1 only in answer to T=1). */
	if (!want && defect_on(&c->srv->defects, DEFECT_TRANSIT_UNASKED) &&
	    login_auth_ok(ls)) {
		want = true;
		nsg = ls->stage == ISCSI_STAGE_SECURITY
			      ? ISCSI_STAGE_OPERATIONAL
			      : ISCSI_STAGE_FFP;
	}
	/* §11.13.1, §6.3: the target sets T=1 only when the initiator did
	 * and it is itself ready: authentication done, no offer of its
	 * own waiting for an answer. */
	if (want && login_auth_ok(ls) && ls->noffers == 0) {
		transit = true;
		if (nsg == ISCSI_STAGE_FFP && !ls->offered) {
			ls->offered = true;
			if (login_keys_offer(c, ls, &out) > 0)
				transit = false;
		}
	}
	if ((ls->stage == ISCSI_STAGE_OPERATIONAL ||
	     (transit && nsg == ISCSI_STAGE_FFP)) &&
	    login_keys_declare_mrdsl(c, ls, &out) < 0) {
		login_error_set(&e, ISCSI_LOGIN_STATUS_NO_RESOURCES,
				"no memory for the response");
		goto fail;
	}
	login_respond(c, ls, &out, transit, nsg);
	iscsi_text_free(&out);
	return;
fail:
	iscsi_text_free(&out);
	login_fail(c, ls, &e);
}

/* A Login Request (§11.12). */
static void login_request(struct tgt_conn *c, struct login_state *ls,
			  const struct iscsi_pdu *pdu)
{
	struct iscsi_login_req_f f;
	struct iscsi_text in;
	struct login_error e;
	char which[96];

	iscsi_login_req_unpack(&pdu->bhs, &f);
	memset(&e, 0, sizeof(e));
	if (!ls->started) {
		if (login_first(c, ls, &f, &e) < 0)
			goto fail;
	} else if (login_same(ls, &f, &e) < 0) {
		goto fail;
	}
	if (!iscsi_bhs_reserved_zero(&pdu->bhs, which, sizeof(which))) {
		login_error_set(&e, ISCSI_LOGIN_STATUS_INIT_ERR,
				"reserved field set: %s (§11.12)", which);
		goto fail;
	}
	if (login_stage_check(c, ls, &f, &e) < 0)
		goto fail;
	if (ls->out_pending) {
		/* §11.13.2: our response continues; the initiator asks for
		 * the rest with empty requests. */
		if (pdu->data_len || f.cont) {
			login_error_set(&e, ISCSI_LOGIN_STATUS_INIT_ERR,
					"keys sent while the target's "
					"response continues (§11.13.2)");
			goto fail;
		}
		login_send_piece(c, ls);
		return;
	}
	if (pdu->data_len > 4096 &&
	    defect_on(&c->srv->defects, DEFECT_LOGIN_TEXT_LIMIT_4096)) {
		login_error_set(&e, ISCSI_LOGIN_STATUS_INIT_ERR,
				"login text over 4096 bytes");
		goto fail;
	}
	/* LOGIN_CONT_DROPPED: only the last piece is kept (breaks
	 * §11.12.2) */
	if (!f.cont && ls->in_cont &&
	    defect_on(&c->srv->defects, DEFECT_LOGIN_CONT_DROPPED))
		iscsi_text_accum_reset(&ls->in);
	if (iscsi_text_accum_add(&ls->in, pdu->data, pdu->data_len, e.why,
				 sizeof(e.why)) < 0) {
		e.status = ISCSI_LOGIN_STATUS_INIT_ERR;
		goto fail;
	}
	if (f.cont) {
		/* §11.12.2: the text continues; answer with an empty
		 * response (no keys, C=0, T=0) until it is complete. */
		ls->in_cont = true;
		login_send_pdu(c, ls, false, false, 0, 0, NULL, 0, false);
		return;
	}
	ls->in_cont = false;
	iscsi_text_init(&in);
	if (iscsi_text_accum_finish(&ls->in, &in, e.why, sizeof(e.why)) < 0) {
		iscsi_text_free(&in);
		e.status = ISCSI_LOGIN_STATUS_INIT_ERR;
		goto fail;
	}
	login_exchange(c, ls, &f, &in);
	iscsi_text_free(&in);
	return;
fail:
	login_fail(c, ls, &e);
}

void login_rx(struct tgt_conn *c, struct iscsi_pdu *pdu)
{
	struct login_state *ls = c->login;
	unsigned op = iscsi_bhs_opcode(&pdu->bhs);
	struct login_error e;

	if (!ls) {
		ls = login_state_new();
		if (!ls) {
			conn_close(c, "no memory for a login");
			return;
		}
		c->login = ls;
	}
	if (ls->failed)
		return; /* closing: nothing more is read (§11.13.5) */
	if (c->srv->verbose)
		conn_log(c, "rx %s ITT 0x%08x len %zu",
			 iscsi_opcode_name(op), iscsi_bhs_itt(&pdu->bhs),
			 pdu->data_len);
	if (op == ISCSI_OP_LOGIN_REQ) {
		login_request(c, ls, pdu);
		return;
	}
	if (ls->started &&
	    defect_on(&c->srv->defects, DEFECT_LOGIN_NONLOGIN_IGNORED))
		return;
	if (!ls->started) {
		/* §6.3: any PDU but a Login Request before the login phase
		 * started ends the connection at once. */
		conn_log(c, "%s before any Login Request: closing "
			    "(RFC 7143 §6.3)",
			 iscsi_opcode_name(op));
		ls->failed = true;
		conn_close(c, "non-login PDU before login (§6.3)");
		return;
	}
	/* §6.3: once the login phase started, any other PDU is answered
	 * with a Login reject "invalid during login", then the connection
	 * is dropped. */
	login_error_set(&e, ISCSI_LOGIN_STATUS_INVALID_REQUEST,
			"%s during login (§6.3)", iscsi_opcode_name(op));
	login_fail(c, ls, &e);
}
