/* SPDX-License-Identifier: MIT */
/*
 * tgt_fixture.c - a reference target in a box for unit tests (see
 * tgt_fixture.h).  One reactor, stepped by the test thread; connections
 * are socketpairs.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chap.h"
#include "codec.h"
#include "config.h"
#include "serial.h"
#include "text.h"
#include "tgt_fixture.h"

#define FX_SEND_TIMEOUT_MS  5000
#define FX_LOGIN_TIMEOUT_MS 2000
#define FX_LOGIN_ROUNDS	    16
/* CSG/NSG values (§11.12.3) */
#define FX_STAGE_SECURITY    0
#define FX_STAGE_OPERATIONAL 1
#define FX_STAGE_FFP	     3

static void fx_err(struct fixture *fx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void fx_err(struct fixture *fx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fx->err, sizeof(fx->err), fmt, ap);
	va_end(ap);
}

static struct fixture_link *cur_link(struct fixture *fx)
{
	return &fx->link[fx->cur];
}

/* ---- construction ------------------------------------------------------ */

static int fx_cli(struct tgt_config *c, int opt, const char *arg)
{
	char err[256];

	if (config_add_cli(c, opt, arg, err, sizeof(err)) < 0) {
		fprintf(stderr, "fixture: %s\n", err);
		return -1;
	}
	return 0;
}

static int fx_config(struct fixture *fx, struct tgt_config *c)
{
	const struct fixture_opts *o = &fx->opts_copy;
	char arg[512];
	size_t i;

	if (fx_cli(c, CONFIG_OPT_PORTAL, "127.0.0.1:0") < 0 ||
	    fx_cli(c, CONFIG_OPT_TARGET, FIXTURE_TARGET) < 0)
		return -1;
	snprintf(
	    arg, sizeof(arg), "0:%s:%llu", fx->lun_path,
	    (unsigned long long)(o->lun_size ? o->lun_size : FIXTURE_LUN_SIZE));
	if (fx_cli(c, CONFIG_OPT_LUN, arg) < 0)
		return -1;
	if (o->chap_user) {
		snprintf(arg, sizeof(arg), "%s:%s", o->chap_user,
			 o->chap_secret ? o->chap_secret : "");
		if (fx_cli(c, CONFIG_OPT_CHAP, arg) < 0)
			return -1;
	}
	if (o->mutual_user) {
		snprintf(arg, sizeof(arg), "%s:%s", o->mutual_user,
			 o->mutual_secret ? o->mutual_secret : "");
		if (fx_cli(c, CONFIG_OPT_MUTUAL_CHAP, arg) < 0)
			return -1;
	}
	for (i = 0; i < FIXTURE_MAX_KEYS && o->keys[i]; i++)
		if (fx_cli(c, CONFIG_OPT_KEY, o->keys[i]) < 0)
			return -1;
	if (config_finish(c, arg, sizeof(arg)) < 0) {
		fprintf(stderr, "fixture: %s\n", arg);
		return -1;
	}
	return 0;
}

struct fixture *fixture_new(const struct fixture_opts *o)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct tgt_config cfg;
	char err[256];
	size_t i;

	if (!fx)
		return NULL;
	if (o)
		fx->opts_copy = *o;
	fx->opts = &fx->opts_copy;
	fx->isid = FIXTURE_ISID;
	fx->cmdsn = 1;
	fx->itt = 0x1000;
	iscsi_params_defaults(&fx->agreed);
	for (i = 0; i < FIXTURE_MAX_LINKS; i++)
		fx->link[i].fd = -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/tgtfx-XXXXXX");
	if (!mkdtemp(fx->dir)) {
		perror("fixture: mkdtemp");
		free(fx);
		return NULL;
	}
	snprintf(fx->lun_path, sizeof(fx->lun_path), "%s/lun0.img", fx->dir);
	config_init(&cfg);
	if (fx_config(fx, &cfg) < 0 ||
	    server_init(&fx->srv, &cfg, 1, err, sizeof(err)) < 0) {
		if (fx->srv.nreactors == 0 && cfg.ntargets)
			fprintf(stderr, "fixture: %s\n", err);
		config_free(&cfg);
		unlink(fx->lun_path);
		rmdir(fx->dir);
		free(fx);
		return NULL;
	}
	config_free(&cfg);
	for (i = 0; i < FIXTURE_MAX_KEYS && fx->opts->defects[i]; i++)
		if (defect_enable(&fx->srv.defects, fx->opts->defects[i], err,
				  sizeof(err)) < 0) {
			fprintf(stderr, "fixture: %s\n", err);
			fixture_free(fx);
			return NULL;
		}
	fx->srv.verbose = fx->opts->verbose;
	if (fx->opts->login_timeout_ms)
		fx->srv.login_timeout_ms = fx->opts->login_timeout_ms;
	if (fx->opts->idle_timeout_ms)
		fx->srv.idle_timeout_ms = fx->opts->idle_timeout_ms;
	if (fixture_connect(fx) < 0) {
		fprintf(stderr, "fixture: %s\n", fx->err);
		fixture_free(fx);
		return NULL;
	}
	return fx;
}

static void link_close(struct fixture_link *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	iscsi_framer_free(&l->rx);
	free(l->rbuf);
	l->rbuf = NULL;
	l->rlen = l->rcap = 0;
}

void fixture_free(struct fixture *fx)
{
	unsigned i;

	if (!fx)
		return;
	for (i = 0; i < fx->nlinks; i++)
		link_close(&fx->link[i]);
	/* Let the server see every EOF and close its ends, then free it. */
	for (i = 0;
	     i < 200 && fx->srv.nreactors && fx->srv.reactors[0].nconns > 0;
	     i++)
		fixture_step(fx, 5);
	if (fx->srv.nreactors)
		server_fini(&fx->srv);
	unlink(fx->lun_path);
	rmdir(fx->dir);
	free(fx);
}

/* ---- links ------------------------------------------------------------- */

int fixture_connect(struct fixture *fx)
{
	struct fixture_link *l;
	struct sockaddr_in peer;
	struct tgt_conn *c;
	int sv[2];

	if (fx->nlinks >= FIXTURE_MAX_LINKS) {
		fx_err(fx, "too many links");
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
		       sv) < 0) {
		fx_err(fx, "socketpair: %s", strerror(errno));
		return -1;
	}
	/* The server's end looks like a loopback TCP peer in logs/ACLs. */
	memset(&peer, 0, sizeof(peer));
	peer.sin_family = AF_INET;
	peer.sin_port = htons((uint16_t)(40000 + fx->nlinks));
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c = conn_new(&fx->srv, fx->srv.reactors[0].loop, sv[0],
		     (const struct sockaddr *)&peer, sizeof(peer));
	if (!c) {
		fx_err(fx, "conn_new failed");
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	l = &fx->link[fx->nlinks];
	memset(l, 0, sizeof(*l));
	l->fd = sv[1];
	l->conn_id = c->id;
	l->cid = (uint16_t)fx->nlinks;
	iscsi_framer_init(&l->rx, NULL);
	fx->cur = fx->nlinks++;
	return (int)fx->cur;
}

void fixture_use(struct fixture *fx, unsigned idx)
{
	if (idx < fx->nlinks)
		fx->cur = idx;
}

void fixture_disconnect(struct fixture *fx)
{
	struct fixture_link *l = cur_link(fx);

	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

struct tgt_conn *fixture_server_conn(struct fixture *fx)
{
	struct tgt_conn *c;

	for (c = fx->srv.reactors[0].conns; c; c = c->rnext)
		if (c->id == cur_link(fx)->conn_id)
			return c->closed ? NULL : c;
	return NULL;
}

size_t fixture_server_nconns(struct fixture *fx)
{
	return fx->srv.reactors[0].nconns;
}

void fixture_step(struct fixture *fx, unsigned ms)
{
	uint64_t end = loop_now_ms() + ms;
	uint64_t now;

	do {
		now = loop_now_ms();
		loop_run_once(fx->srv.reactors[0].loop,
			      now >= end ? 0 : (int)(end - now));
	} while (loop_now_ms() < end);
}

/* ---- sending ----------------------------------------------------------- */

int fixture_send_raw(struct fixture *fx, const void *buf, size_t len)
{
	struct fixture_link *l = cur_link(fx);
	const uint8_t *p = buf;
	uint64_t end = loop_now_ms() + FX_SEND_TIMEOUT_MS;
	ssize_t n;

	while (len > 0) {
		if (l->fd < 0) {
			fx_err(fx, "link closed");
			return -1;
		}
		n = send(l->fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			fx_err(fx, "send: %s", strerror(errno));
			return -1;
		}
		if (loop_now_ms() > end) {
			fx_err(fx, "send: timed out");
			return -1;
		}
		loop_run_once(fx->srv.reactors[0].loop, 10);
	}
	/* Give the server one round to see the bytes. */
	loop_run_once(fx->srv.reactors[0].loop, 0);
	return 0;
}

int fixture_send_pdu(struct fixture *fx, const struct iscsi_pdu *pdu)
{
	struct fixture_link *l = cur_link(fx);
	size_t len = iscsi_pdu_wire_len(pdu, &l->dg);
	uint8_t *buf = malloc(len ? len : 1);
	ssize_t n;
	int rc;

	if (!buf) {
		fx_err(fx, "out of memory");
		return -1;
	}
	n = iscsi_pdu_encode(pdu, &l->dg, buf, len, fx->err, sizeof(fx->err));
	rc = n < 0 ? -1 : fixture_send_raw(fx, buf, (size_t)n);
	free(buf);
	return rc;
}

/* ---- receiving --------------------------------------------------------- */

/* Target PDUs whose StatSN counts (§4.2.2.2): status and status-like. */
static bool carries_statsn(const struct iscsi_bhs *h)
{
	switch (iscsi_bhs_opcode(h)) {
	case ISCSI_OP_SCSI_RSP:
	case ISCSI_OP_TMF_RSP:
	case ISCSI_OP_LOGIN_RSP:
	case ISCSI_OP_TEXT_RSP:
	case ISCSI_OP_LOGOUT_RSP:
	case ISCSI_OP_REJECT:
	case ISCSI_OP_ASYNC_MSG:
		return true;
	case ISCSI_OP_NOP_IN: /* a ping's StatSN is not advanced (§11.19) */
		return iscsi_bhs_itt(h) != ISCSI_RSVD_TAG;
	case ISCSI_OP_DATA_IN:
		return (h->flags & ISCSI_DATA_IN_S) != 0;
	default:
		return false;
	}
}

/* 1: a PDU in *pdu; 0: need more bytes; -2: unframeable. */
static int link_frame(struct fixture *fx, struct fixture_link *l,
		      struct iscsi_pdu *pdu)
{
	enum iscsi_framer_status st;
	size_t used;
	int rc = 0;

	if (l->rlen == 0)
		return 0;
	st = iscsi_framer_feed(&l->rx, l->rbuf, l->rlen, &used, fx->err,
			       sizeof(fx->err));
	if (st == ISCSI_FRAMER_ERROR)
		return -2;
	if (st == ISCSI_FRAMER_PDU) {
		if (iscsi_framer_decode(&l->rx, pdu, fx->err, sizeof(fx->err)) <
		    0)
			return -2;
		rc = 1;
	}
	memmove(l->rbuf, l->rbuf + used, l->rlen - used);
	l->rlen -= used;
	if (rc == 1 && carries_statsn(&pdu->bhs)) {
		uint32_t sn = iscsi_bhs_get32(&pdu->bhs, 24);

		if (iscsi_sn_ge(sn + 1, l->exp_statsn) || l->exp_statsn == 0)
			l->exp_statsn = sn + 1;
	}
	return rc;
}

/* Read what the socket has: 1 got bytes, 0 nothing, -2 EOF / error. */
static int link_read(struct fixture_link *l)
{
	ssize_t n;

	if (l->fd < 0)
		return -2;
	if (l->rcap - l->rlen < 65536) {
		size_t cap = l->rcap ? l->rcap * 2 : 131072;
		uint8_t *p = realloc(l->rbuf, cap);

		if (!p)
			return -2;
		l->rbuf = p;
		l->rcap = cap;
	}
	n = recv(l->fd, l->rbuf + l->rlen, l->rcap - l->rlen, MSG_DONTWAIT);
	if (n > 0) {
		l->rlen += (size_t)n;
		return 1;
	}
	if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		l->closed = true;
		return -2;
	}
	return 0;
}

int fixture_recv_pdu(struct fixture *fx, struct iscsi_pdu *pdu, int timeout_ms)
{
	struct fixture_link *l = cur_link(fx);
	uint64_t end =
	    loop_now_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);
	int rc;

	iscsi_pdu_init(pdu);
	for (;;) {
		rc = link_frame(fx, l, pdu);
		if (rc != 0)
			return rc == 1 ? 0 : -2;
		rc = link_read(l);
		if (rc == 1)
			continue;
		if (rc == -2) {
			fx_err(fx, "connection closed by the target");
			return -2;
		}
		if (loop_now_ms() >= end) {
			fx_err(fx, "no PDU within %d ms", timeout_ms);
			return -1;
		}
		loop_run_once(fx->srv.reactors[0].loop, 2);
	}
}

int fixture_wait_closed(struct fixture *fx, int timeout_ms)
{
	struct fixture_link *l = cur_link(fx);
	uint64_t end =
	    loop_now_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);
	int rc;

	for (;;) {
		rc = link_read(l);
		if (rc == -2)
			return 0;
		l->rlen = 0; /* discard PDUs still arriving */
		if (rc == 1)
			continue;
		if (loop_now_ms() >= end)
			return -1;
		loop_run_once(fx->srv.reactors[0].loop, 2);
	}
}

void fixture_set_digests(struct fixture *fx, bool header, bool data)
{
	struct fixture_link *l = cur_link(fx);

	l->dg.header = header;
	l->dg.data = data;
	iscsi_framer_set_digests(&l->rx, &l->dg);
}

uint32_t fixture_exp_statsn(const struct fixture *fx)
{
	return fx->link[fx->cur].exp_statsn;
}

/* ---- login ------------------------------------------------------------- */

struct fx_login {
	struct fixture *fx;
	struct iscsi_text out; /* keys for the next request */
	struct iscsi_text in;  /* keys of the last response */
	uint8_t csg, nsg;
	bool transit;
	struct iscsi_chap chap; /* our challenge (mutual CHAP) */
	uint16_t tsih;
	uint32_t itt; /* one ITT for the whole login phase (§11.12) */
};

static const char *const fx_op_keys[][2] = {
    {"HeaderDigest", "None"},
    {"DataDigest", "None"},
    {"MaxRecvDataSegmentLength", "262144"},
    {"InitialR2T", "Yes"},
    {"ImmediateData", "Yes"},
    {"MaxBurstLength", "262144"},
    {"FirstBurstLength", "65536"},
    {"DefaultTime2Wait", "2"},
    {"DefaultTime2Retain", "20"},
    {"MaxOutstandingR2T", "1"},
    {"DataPDUInOrder", "Yes"},
    {"DataSequenceInOrder", "Yes"},
    {"ErrorRecoveryLevel", "0"},
    {"MaxConnections", "1"},
};

/* The value extra_keys give for name, or NULL. */
static const char *extra_value(const char *const *extra, const char *name,
			       size_t *consumed_len)
{
	size_t n = strlen(name);

	for (; extra && *extra; extra++)
		if (strncmp(*extra, name, n) == 0 && (*extra)[n] == '=') {
			if (consumed_len)
				*consumed_len = n;
			return *extra + n + 1;
		}
	return NULL;
}

static int add_kv(struct iscsi_text *t, const char *kv)
{
	char key[TGT_KEY_LEN];
	const char *eq = strchr(kv, '=');
	size_t n;

	if (!eq || (n = (size_t)(eq - kv)) >= sizeof(key))
		return -1;
	memcpy(key, kv, n);
	key[n] = '\0';
	return iscsi_text_add(t, key, eq + 1);
}

/* Keys that go in the first request only (§13.4, §13.5, §13.21). */
static bool first_request_key(const char *kv)
{
	static const char *const names[] = {"InitiatorName", "TargetName",
					    "SessionType"};
	size_t i, n;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		n = strlen(names[i]);
		if (strncmp(kv, names[i], n) == 0 && kv[n] == '=')
			return true;
	}
	return false;
}

static int op_keys(struct fx_login *lg, const char *const *extra)
{
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(fx_op_keys) / sizeof(fx_op_keys[0]); i++) {
		v = extra_value(extra, fx_op_keys[i][0], NULL);
		if (iscsi_text_add(&lg->out, fx_op_keys[i][0],
				   v ? v : fx_op_keys[i][1]) < 0)
			return -1;
	}
	for (; extra && *extra; extra++) {
		bool dflt = first_request_key(*extra);

		for (i = 0; i < sizeof(fx_op_keys) / sizeof(fx_op_keys[0]); i++)
			if (extra_value((const char *const[]){*extra, NULL},
					fx_op_keys[i][0], NULL))
				dflt = true;
		if (!dflt && add_kv(&lg->out, *extra) < 0)
			return -1;
	}
	return 0;
}

/* Send lg->out as one Login Request, then receive the response into in. */
static int login_exchange(struct fx_login *lg, struct iscsi_login_rsp_f *rf)
{
	struct fixture *fx = lg->fx;
	struct fixture_link *l = cur_link(fx);
	struct iscsi_login_req_f f;
	struct iscsi_pdu pdu, rsp;
	uint8_t buf[8192];
	ssize_t n;
	int rc;

	memset(&f, 0, sizeof(f));
	f.transit = lg->transit;
	f.csg = lg->csg;
	f.nsg = lg->transit ? lg->nsg : 0;
	f.isid = fx->isid;
	f.tsih = lg->tsih;
	f.cid = l->cid;
	f.itt = lg->itt;
	f.cmdsn = fx->cmdsn;
	f.exp_statsn = l->exp_statsn;
	n = iscsi_text_serialize(&lg->out, buf, sizeof(buf));
	if (n < 0) {
		fx_err(fx, "login keys too long");
		return -1;
	}
	iscsi_pdu_init(&pdu);
	iscsi_login_req_pack(&pdu.bhs, &f);
	if (iscsi_pdu_set_data(&pdu, buf, (size_t)n) < 0) {
		fx_err(fx, "out of memory");
		return -1;
	}
	rc = fixture_send_pdu(fx, &pdu);
	iscsi_pdu_release(&pdu);
	iscsi_text_free(&lg->out);
	iscsi_text_init(&lg->out);
	if (rc < 0)
		return -1;
	rc = fixture_recv_pdu(fx, &rsp, FX_LOGIN_TIMEOUT_MS);
	if (rc < 0)
		return -1;
	if (iscsi_bhs_opcode(&rsp.bhs) != ISCSI_OP_LOGIN_RSP) {
		fx_err(fx, "expected a Login Response, got %s",
		       iscsi_opcode_name(iscsi_bhs_opcode(&rsp.bhs)));
		iscsi_pdu_release(&rsp);
		return -1;
	}
	iscsi_login_rsp_unpack(&rsp.bhs, rf);
	iscsi_text_free(&lg->in);
	iscsi_text_init(&lg->in);
	rc = iscsi_text_parse(&lg->in, rsp.data, rsp.data_len, fx->err,
			      sizeof(fx->err));
	iscsi_pdu_release(&rsp);
	if (rc < 0)
		return -1;
	if (rf->status_class || rf->status_detail) {
		fx_err(fx, "login failed: status 0x%02x%02x", rf->status_class,
		       rf->status_detail);
		return -1;
	}
	return 0;
}

/* Answer the target's CHAP challenge (and challenge it for mutual CHAP). */
static int chap_answer(struct fx_login *lg)
{
	struct fixture *fx = lg->fx;
	const struct fixture_opts *o = fx->opts;
	const char *ci = iscsi_text_find(&lg->in, "CHAP_I");
	const char *cc = iscsi_text_find(&lg->in, "CHAP_C");
	struct iscsi_chap_cred self = {
	    o->chap_user,
	    (const uint8_t *)(o->chap_secret ? o->chap_secret : ""),
	    o->chap_secret ? strlen(o->chap_secret) : 0};
	struct iscsi_chap_keys k;
	char r[ISCSI_CHAP_HEX_MAX];

	if (!ci || !cc) {
		fx_err(fx, "target sent no CHAP_I/CHAP_C");
		return -1;
	}
	if (iscsi_chap_respond_keys(NULL, ci, cc, &self, r, sizeof(r), fx->err,
				    sizeof(fx->err)) < 0)
		return -1;
	if (iscsi_text_add(&lg->out, "CHAP_N", o->chap_user) < 0 ||
	    iscsi_text_add(&lg->out, "CHAP_R", r) < 0)
		return -1;
	if (!o->mutual_user)
		return 0;
	iscsi_chap_init(&lg->chap, NULL);
	lg->chap.alg = ISCSI_CHAP_ALG_MD5;
	if (iscsi_chap_new_challenge(&lg->chap, ISCSI_CHAP_ALG_MD5, 0, &k,
				     fx->err, sizeof(fx->err)) < 0)
		return -1;
	if (iscsi_text_add(&lg->out, "CHAP_I", k.i) < 0 ||
	    iscsi_text_add(&lg->out, "CHAP_C", k.c) < 0)
		return -1;
	return 0;
}

static int chap_check_mutual(struct fx_login *lg)
{
	struct fixture *fx = lg->fx;
	const struct fixture_opts *o = fx->opts;
	struct iscsi_chap_cred peer = {
	    o->mutual_user,
	    (const uint8_t *)(o->mutual_secret ? o->mutual_secret : ""),
	    o->mutual_secret ? strlen(o->mutual_secret) : 0};
	const char *n = iscsi_text_find(&lg->in, "CHAP_N");
	const char *r = iscsi_text_find(&lg->in, "CHAP_R");

	if (!n || !r) {
		fx_err(fx, "target did not answer the mutual CHAP challenge");
		return -1;
	}
	return iscsi_chap_verify_keys(&lg->chap, n, r, &peer, NULL, fx->err,
				      sizeof(fx->err));
}

/* Security stage (§6.3): AuthMethod, and CHAP when configured. */
static int login_security(struct fx_login *lg, struct iscsi_login_rsp_f *rf)
{
	struct fixture *fx = lg->fx;
	bool chap = fx->opts->chap_user != NULL;
	int round;

	if (iscsi_text_add(&lg->out, "AuthMethod", chap ? "CHAP" : "None") < 0)
		return -1;
	lg->csg = FX_STAGE_SECURITY;
	lg->nsg = FX_STAGE_OPERATIONAL;
	lg->transit = !chap;
	if (login_exchange(lg, rf) < 0)
		return -1;
	if (chap) {
		if (iscsi_text_add(&lg->out, "CHAP_A", "5") < 0 ||
		    login_exchange(lg, rf) < 0 || chap_answer(lg) < 0)
			return -1;
		lg->transit = true;
		if (login_exchange(lg, rf) < 0)
			return -1;
		if (fx->opts->mutual_user && chap_check_mutual(lg) < 0)
			return -1;
	}
	for (round = 0; !(rf->transit && rf->nsg == FX_STAGE_OPERATIONAL);
	     round++) {
		if (round == FX_LOGIN_ROUNDS) {
			fx_err(fx, "target never left the security stage");
			return -1;
		}
		lg->transit = true;
		if (login_exchange(lg, rf) < 0)
			return -1;
	}
	return 0;
}

static void note_agreed(struct fx_login *lg)
{
	size_t i;
	char err[128];

	for (i = 0; i < lg->in.n; i++)
		iscsi_params_apply(&lg->fx->agreed, lg->in.kv[i].key,
				   lg->in.kv[i].value, false, err, sizeof(err));
}

int fixture_login(struct fixture *fx, const char *const *extra_keys)
{
	struct iscsi_login_rsp_f rf;
	struct fx_login lg;
	const char *mrdsl, *iname, *tname, *stype;
	char err[128];
	int round, rc = -1;

	memset(&lg, 0, sizeof(lg));
	lg.fx = fx;
	lg.tsih = fx->cur == 0 ? 0 : fx->tsih;
	lg.itt = fx->itt++;
	iscsi_text_init(&lg.out);
	iscsi_text_init(&lg.in);
	if (fx->cur == 0)
		iscsi_params_defaults(&fx->agreed);
	iname = extra_value(extra_keys, "InitiatorName", NULL);
	tname = extra_value(extra_keys, "TargetName", NULL);
	stype = extra_value(extra_keys, "SessionType", NULL);
	if (!stype)
		stype = "Normal";
	/* A discovery session names no target (§13.4). */
	if (!tname && strcmp(stype, "Discovery") != 0)
		tname = FIXTURE_TARGET;
	if (iscsi_text_add(&lg.out, "InitiatorName",
			   iname ? iname : FIXTURE_INITIATOR) < 0 ||
	    (tname && iscsi_text_add(&lg.out, "TargetName", tname) < 0) ||
	    iscsi_text_add(&lg.out, "SessionType", stype) < 0)
		goto out;
	if (login_security(&lg, &rf) < 0)
		goto out;
	/* Operational stage, then full feature phase (§6.3). */
	lg.csg = FX_STAGE_OPERATIONAL;
	lg.nsg = FX_STAGE_FFP;
	lg.transit = true;
	if (op_keys(&lg, extra_keys) < 0)
		goto out;
	mrdsl = extra_value(extra_keys, "MaxRecvDataSegmentLength", NULL);
	iscsi_params_apply(&fx->agreed, "MaxRecvDataSegmentLength",
			   mrdsl ? mrdsl : "262144", true, err, sizeof(err));
	for (round = 0;; round++) {
		if (round == FX_LOGIN_ROUNDS) {
			fx_err(fx, "target never entered full feature phase");
			goto out;
		}
		if (login_exchange(&lg, &rf) < 0)
			goto out;
		note_agreed(&lg);
		if (rf.transit && rf.nsg == FX_STAGE_FFP)
			break;
	}
	fx->tsih = rf.tsih;
	/* Digests start with the first PDU after the final response (§13.1). */
	fixture_set_digests(fx, fx->agreed.header_digest,
			    fx->agreed.data_digest);
	rc = 0;
out:
	iscsi_text_free(&lg.out);
	iscsi_text_free(&lg.in);
	return rc;
}
