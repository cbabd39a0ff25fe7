/* SPDX-License-Identifier: MIT */
/*
 * fuzz_reftgt.c - libFuzzer target: the fuzzer is the initiator of one
 * connection to an in-process reference target, and its bytes are what
 * the initiator sends: they reach the connection's framer, the login
 * handlers (login*.c) and the full feature phase handlers (ffp*.c,
 * tgt_text.c, the SCSI disk behind them).
 *
 * Each input gets a fresh target (struct tgt_server with one reactor
 * stepped by this thread, as tests/unit/tgt_fixture.c does it):
 *   target FZ_TARGET       LUN 0 on a 64 KiB file (zeroed for each input),
 *                          ErrorRecoveryLevel up to 2 offered
 *   target FZ_TARGET_CHAP  LUN 0; CHAP with mutual CHAP
 * and one connection over a socketpair.  Input layout:
 *   byte 0, bits 0-1   0: the bytes start at the first Login Request
 *                      1: after a scripted login to FZ_TARGET (ERL 0,
 *                         InitialR2T=No, ImmediateData=Yes)
 *                      2: after a scripted login to FZ_TARGET with ERL 2,
 *                         InitialR2T=Yes, ImmediateData=No,
 *                         MaxOutstandingR2T=4, DataSequenceInOrder=No
 *                      3: after a scripted discovery-session login
 *           bits 2-4   0: the bytes are sent at once; n: in pieces of
 *                      4 << n bytes, one reactor round each (partial PDUs)
 *   bytes 1..          the initiator's byte stream
 * After a scripted login the first command's CmdSN is 1, and ExpStatSN
 * fields count from the target's first StatSN (0 = the one expected right
 * after the login; see fz_rebase).  The seeds in corpus/fuzz_reftgt/ show
 * the layout.
 * The reactor runs until the target has read everything and is quiet, or
 * FZ_MAX_STEPS rounds; everything the target sends is read and dropped.
 * Then the connection is closed and the target torn down.
 *
 * The target's log lines go to /dev/null unless FUZZ_REFTGT_LOG is set
 * (sanitizer and libFuzzer reports are written to fd 2 directly).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "config.h"
#include "pdu.h"
#include "target.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_TARGET	  "iqn.2026-11.org.iscsi-cts:fuzz"
#define FZ_TARGET_CHAP	  "iqn.2026-11.org.iscsi-cts:fuzz-chap"
#define FZ_INITIATOR	  "iqn.2026-11.org.iscsi-cts:fuzzer"
#define FZ_ISID		  0x023d00000001ull
#define FZ_LUN_BYTES	  (64u << 10)
#define FZ_MAX_STEPS	  4096u /* reactor rounds per input */
#define FZ_QUIET_STEPS	  2u	/* rounds with nothing to do: idle */
#define FZ_LOGIN_STEPS	  64u	/* rounds to wait for one Login Response */
#define FZ_LOGIN_ROUNDS	  4u	/* Login Requests of a scripted login */
#define FZ_TEARDOWN_STEPS 64u
#define FZ_MAX_FDS	  256u	 /* RLIMIT_NOFILE of the fuzzing process */
#define FZ_RX_MAX	  65536u /* a Login Response, with room to spare */

/* Login keys as on the wire: key=value, each ending in NUL (§6.1). */
static const char fz_keys_normal[] = "InitiatorName=" FZ_INITIATOR "\0"
				     "TargetName=" FZ_TARGET "\0"
				     "SessionType=Normal\0"
				     "HeaderDigest=None\0"
				     "DataDigest=None\0"
				     "MaxRecvDataSegmentLength=8192\0"
				     "MaxBurstLength=16384\0"
				     "FirstBurstLength=8192\0"
				     "DefaultTime2Wait=0\0"
				     "DefaultTime2Retain=0\0"
				     "DataPDUInOrder=Yes\0"
				     "MaxConnections=1\0";
static const char fz_keys_erl0[] = "InitialR2T=No\0"
				   "ImmediateData=Yes\0"
				   "MaxOutstandingR2T=1\0"
				   "DataSequenceInOrder=Yes\0"
				   "ErrorRecoveryLevel=0\0";
static const char fz_keys_erl2[] = "InitialR2T=Yes\0"
				   "ImmediateData=No\0"
				   "MaxOutstandingR2T=4\0"
				   "DataSequenceInOrder=No\0"
				   "ErrorRecoveryLevel=2\0";
static const char fz_keys_disc[] = "InitiatorName=" FZ_INITIATOR "\0"
				   "SessionType=Discovery\0"
				   "HeaderDigest=None\0"
				   "DataDigest=None\0"
				   "MaxRecvDataSegmentLength=8192\0"
				   "ErrorRecoveryLevel=0\0";

/* A scripted login's keys: common part, then the mode's own (the sizes
 * leave out each literal's final NUL). */
static const struct {
	const char *common, *own;
	size_t common_len, own_len;
} fz_scripts[4] = {
    {NULL, NULL, 0, 0},
    {fz_keys_normal, fz_keys_erl0, sizeof(fz_keys_normal) - 1,
     sizeof(fz_keys_erl0) - 1},
    {fz_keys_normal, fz_keys_erl2, sizeof(fz_keys_normal) - 1,
     sizeof(fz_keys_erl2) - 1},
    {fz_keys_disc, "", sizeof(fz_keys_disc) - 1, 0},
};

static char fz_dir[64];
static int fz_verbose; /* FUZZ_REFTGT_LOG=N: the target's -v level N-1 */
static char fz_lun0[128], fz_lun1[128];

struct fz {
	struct tgt_server srv;
	struct loop *loop;
	int ifd; /* the initiator's end */
	int tfd; /* the target's end (owned by the connection) */
	bool eof;
	uint32_t exp_statsn;   /* after the scripted login */
	uint8_t rx[FZ_RX_MAX]; /* the target's bytes (scripted login only) */
	size_t rx_len;
};

/* ---- set-up and tear-down ---------------------------------------------- */

static void fz_cleanup(void)
{
	if (!fz_dir[0])
		return;
	unlink(fz_lun0);
	unlink(fz_lun1);
	rmdir(fz_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	struct rlimit rl;
	struct stat st;
	FILE *devnull;

	(void)argc;
	(void)argv;
	/* server_init sizes each loop's descriptor table by RLIMIT_NOFILE:
	 * one connection needs a handful, and a small table is set up and
	 * torn down per input much faster (sanitizers poison big blocks). */
	rl.rlim_cur = rl.rlim_max = FZ_MAX_FDS;
	setrlimit(RLIMIT_NOFILE, &rl);
	/* The target writes to a socket the fuzzer may already have closed. */
	signal(SIGPIPE, SIG_IGN);
	if (getenv("FUZZ_REFTGT_LOG"))
		fz_verbose = atoi(getenv("FUZZ_REFTGT_LOG")) - 1;
	else {
		devnull = fopen("/dev/null", "w");
		if (devnull)
			stderr = devnull;
	}
	/* tmpfs when there is one: lu_close() syncs the LUN files */
	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
	    access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	else if (!tmp || !*tmp || strlen(tmp) >= 32)
		tmp = "/tmp";
	snprintf(fz_dir, sizeof(fz_dir), "%s/fuzz-reftgt.XXXXXX", tmp);
	if (!mkdtemp(fz_dir)) {
		fz_dir[0] = '\0';
		return 0;
	}
	snprintf(fz_lun0, sizeof(fz_lun0), "%s/lun0.img", fz_dir);
	snprintf(fz_lun1, sizeof(fz_lun1), "%s/lun1.img", fz_dir);
	atexit(fz_cleanup);
	return 0;
}

static int fz_opt(struct tgt_config *c, int opt, const char *arg)
{
	char err[256];

	return config_add_cli(c, opt, arg, err, sizeof(err));
}

/* The configuration of every run; the LUN files start zeroed. */
static int fz_config(struct tgt_config *c)
{
	char arg[192];

	/* Empty them, the --lun SIZE below extends them again (sparse):
	 * each input sees the same disk whatever the last one wrote. */
	if (truncate(fz_lun0, 0) < 0 && errno != ENOENT)
		return -1;
	if (truncate(fz_lun1, 0) < 0 && errno != ENOENT)
		return -1;
	if (fz_opt(c, CONFIG_OPT_PORTAL, "127.0.0.1:0") < 0 ||
	    fz_opt(c, CONFIG_OPT_KEY, "ErrorRecoveryLevel=2") < 0 ||
	    fz_opt(c, CONFIG_OPT_TARGET, FZ_TARGET) < 0)
		return -1;
	snprintf(arg, sizeof(arg), "0:%s:%u", fz_lun0, FZ_LUN_BYTES);
	if (fz_opt(c, CONFIG_OPT_LUN, arg) < 0 ||
	    fz_opt(c, CONFIG_OPT_TARGET, FZ_TARGET_CHAP) < 0)
		return -1;
	snprintf(arg, sizeof(arg), "0:%s:%u", fz_lun1, FZ_LUN_BYTES);
	if (fz_opt(c, CONFIG_OPT_LUN, arg) < 0 ||
	    fz_opt(c, CONFIG_OPT_CHAP, "fuzzuser:fuzzsecret1234") < 0 ||
	    fz_opt(c, CONFIG_OPT_MUTUAL_CHAP, "fuzztarget:fuzztgtsecret9") < 0)
		return -1;
	return config_finish(c, arg, sizeof(arg));
}

static int fz_start(struct fz *fz)
{
	struct tgt_config cfg;
	struct sockaddr_in peer;
	struct tgt_conn *c;
	char err[256];
	int sv[2];

	config_init(&cfg);
	if (fz_config(&cfg) < 0 ||
	    server_init(&fz->srv, &cfg, 1, err, sizeof(err)) < 0) {
		config_free(&cfg);
		return -1;
	}
	config_free(&cfg);
	fz->loop = fz->srv.reactors[0].loop;
	fz->srv.verbose = fz_verbose > 0 ? fz_verbose : 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
		       sv) < 0) {
		server_fini(&fz->srv);
		return -1;
	}
	/* The target's end looks like a loopback TCP peer to logs and ACLs. */
	memset(&peer, 0, sizeof(peer));
	peer.sin_family = AF_INET;
	peer.sin_port = htons(40000);
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c = conn_new(&fz->srv, fz->loop, sv[0], (const struct sockaddr *)&peer,
		     sizeof(peer));
	if (!c) {
		close(sv[0]);
		close(sv[1]);
		server_fini(&fz->srv);
		return -1;
	}
	fz->tfd = sv[0];
	fz->ifd = sv[1];
	return 0;
}

static void fz_stop(struct fz *fz)
{
	unsigned i;

	close(fz->ifd);
	/* Let the target see the end of file and close its side first. */
	for (i = 0; i < FZ_TEARDOWN_STEPS && fz->srv.reactors[0].nconns; i++)
		loop_run_once(fz->loop, 0);
	server_fini(&fz->srv);
}

/* ---- the initiator's end ------------------------------------------------ */

/*
 * Read what the target sent: bytes read (kept in fz->rx when keep and
 * there is room, else dropped); fz->eof once the target closed.
 */
static size_t fz_drain(struct fz *fz, bool keep)
{
	uint8_t scratch[16384];
	size_t total = 0;
	ssize_t n;

	while (!fz->eof) {
		if (keep && fz->rx_len < sizeof(fz->rx))
			n = recv(fz->ifd, fz->rx + fz->rx_len,
				 sizeof(fz->rx) - fz->rx_len, 0);
		else
			n = recv(fz->ifd, scratch, sizeof(scratch), 0);
		if (n > 0) {
			if (keep && fz->rx_len < sizeof(fz->rx))
				fz->rx_len += (size_t)n;
			total += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || errno != EAGAIN)
			fz->eof = true;
		break;
	}
	return total;
}

/* Bytes the target has not read yet. */
static int fz_unread(const struct fz *fz)
{
	int n = 0;

	if (ioctl(fz->tfd, FIONREAD, &n) < 0)
		return 0;
	return n;
}

/* Length of the whole PDU at the start of fz->rx, 0 if incomplete. */
static size_t fz_rx_pdu_len(const struct fz *fz)
{
	const struct iscsi_bhs *h = (const struct iscsi_bhs *)fz->rx;
	size_t dsl, len;

	if (fz->rx_len < ISCSI_BHS_LEN)
		return 0;
	dsl = iscsi_bhs_dsl(h);
	len = ISCSI_BHS_LEN + iscsi_bhs_ahs_bytes(h) + dsl + iscsi_pad_len(dsl);
	return len <= fz->rx_len ? len : 0;
}

/* Send one Login Request, wait for the Login Response into *rf. */
static int fz_login_exchange(struct fz *fz, const struct iscsi_login_req_f *f,
			     const char *keys, size_t keys_len,
			     struct iscsi_login_rsp_f *rf)
{
	uint8_t buf[1024];
	struct iscsi_pdu pdu;
	char err[128];
	ssize_t n;
	size_t len, off = 0;
	unsigned i;

	iscsi_pdu_init(&pdu);
	iscsi_login_req_pack(&pdu.bhs, f);
	if (keys_len && iscsi_pdu_set_data(&pdu, keys, keys_len) < 0)
		return -1;
	n = iscsi_pdu_encode(&pdu, NULL, buf, sizeof(buf), err, sizeof(err));
	iscsi_pdu_release(&pdu);
	if (n < 0)
		return -1;
	fz->rx_len = 0;
	for (i = 0; i < FZ_LOGIN_STEPS && !fz->eof; i++) {
		if (off < (size_t)n) {
			ssize_t w = send(fz->ifd, buf + off, (size_t)n - off,
					 MSG_NOSIGNAL);

			if (w > 0)
				off += (size_t)w;
		}
		loop_run_once(fz->loop, 0);
		fz_drain(fz, true);
		len = fz_rx_pdu_len(fz);
		if (len) {
			const struct iscsi_bhs *h =
			    (const struct iscsi_bhs *)fz->rx;

			if (iscsi_bhs_opcode(h) != ISCSI_OP_LOGIN_RSP)
				return -1;
			iscsi_login_rsp_unpack(h, rf);
			return 0;
		}
	}
	return -1;
}

/*
 * A login as an initiator does it, straight into the operational stage
 * (no security negotiation offered, §6.3), until the target answers T=1
 * with NSG=FullFeaturePhase.  Whatever goes wrong, the fuzzer's bytes are
 * still sent afterwards: they then meet a login in progress or a closed
 * connection, which is also worth exercising.
 */
static void fz_login(struct fz *fz, unsigned mode)
{
	size_t clen = fz_scripts[mode].common_len,
	       olen = fz_scripts[mode].own_len;
	struct iscsi_login_req_f f;
	struct iscsi_login_rsp_f rf;
	unsigned round;
	char keys[1024];

	if (clen + olen > sizeof(keys))
		return;
	memset(&f, 0, sizeof(f));
	f.transit = true;
	f.csg = 1; /* LoginOperationalNegotiation */
	f.nsg = 3; /* FullFeaturePhase */
	f.isid = FZ_ISID;
	f.itt = 0x1000;
	f.cmdsn = 1;
	memcpy(keys, fz_scripts[mode].common, clen);
	memcpy(keys + clen, fz_scripts[mode].own, olen);
	for (round = 0; round < FZ_LOGIN_ROUNDS; round++) {
		memset(&rf, 0, sizeof(rf));
		if (fz_login_exchange(fz, &f, round ? NULL : keys,
				      round ? 0 : clen + olen, &rf) < 0)
			return;
		if (rf.status_class || rf.status_detail)
			return;
		f.exp_statsn = rf.statsn + 1;
		fz->exp_statsn = f.exp_statsn;
		f.tsih = rf.tsih;
		if (rf.transit && rf.nsg == 3)
			return;
	}
}

/*
 * After a scripted login the target's first StatSN is its own choice (a
 * clock-derived value), so the fuzzer's ExpStatSN fields are taken as
 * relative to it: base is added to bytes 28-31 of every whole PDU of the
 * stream (ExpStatSN in each initiator BHS, §11.3-§11.16; no digests were
 * negotiated).  That keeps runs of one input alike.
 */
static void fz_rebase(uint8_t *p, size_t size, uint32_t base)
{
	size_t off = 0, dsl, len;

	while (size - off >= ISCSI_BHS_LEN) {
		struct iscsi_bhs *h = (struct iscsi_bhs *)(p + off);

		dsl = iscsi_bhs_dsl(h);
		len = ISCSI_BHS_LEN + iscsi_bhs_ahs_bytes(h) + dsl +
		      iscsi_pad_len(dsl);
		iscsi_bhs_put32(h, 28, iscsi_bhs_get32(h, 28) + base);
		if (len > size - off)
			break;
		off += len;
	}
}

/* Feed data in pieces of chunk bytes (0 = all) until the target is idle. */
static void fz_feed(struct fz *fz, const uint8_t *data, size_t size,
		    size_t chunk)
{
	size_t off = 0, want;
	unsigned step, quiet = 0;
	ssize_t n;

	for (step = 0; step < FZ_MAX_STEPS && !fz->eof; step++) {
		bool busy = false;

		if (off < size) {
			want = size - off;
			if (chunk && want > chunk)
				want = chunk;
			n = send(fz->ifd, data + off, want, MSG_NOSIGNAL);
			if (n > 0) {
				off += (size_t)n;
				busy = true;
			}
		}
		loop_run_once(fz->loop, 0);
		if (fz_drain(fz, false))
			busy = true;
		if (off < size || fz_unread(fz) > 0)
			busy = true;
		quiet = busy ? 0 : quiet + 1;
		if (quiet >= FZ_QUIET_STEPS)
			break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz fz; /* big receive buffer: not on the stack */
	unsigned mode, split;
	uint8_t *copy = NULL;

	if (size < 1 || !fz_dir[0])
		return 0;
	mode = data[0] & 3u;
	split = (data[0] >> 2) & 7u;
	memset(&fz.srv, 0, sizeof(fz.srv));
	fz.eof = false;
	fz.rx_len = 0;
	if (fz_start(&fz) < 0)
		return 0;
	fz.exp_statsn = 0;
	if (mode) {
		fz_login(&fz, mode);
		copy = malloc(size);
		if (copy) {
			memcpy(copy, data + 1, size - 1);
			fz_rebase(copy, size - 1, fz.exp_statsn);
		}
	}
	fz_feed(&fz, copy ? copy : data + 1, size - 1,
		split ? (size_t)4 << split : 0);
	free(copy);
	fz_stop(&fz);
	return 0;
}
