/* SPDX-License-Identifier: MIT */
/*
 * reftgt-stress.c - robustness check of a target under connection churn.
 *
 *   reftgt-stress URL CONNECTIONS SECONDS
 *
 * One well-behaved session (libiscsi, an initiator nobody here wrote)
 * writes patterned 64 KiB blocks and reads each back while CONNECTIONS
 * other connections are opened and dropped in the middle of a PDU: half
 * close normally, half are reset (SO_LINGER 0); some stop inside the
 * 48-byte header, some inside the data segment a header announced. The run
 * is bounded by SECONDS. It passes when every read-back matched, the
 * well-behaved session never failed, and a fresh login works at the end.
 * Output ends with "N passed, N failed" style counts for the log.
 */
#include <arpa/inet.h>
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 512u
#define XFER (64u * 1024u)
#define REGION_BLOCKS 8192u /* first 4 MiB of the LUN */

static const char *url;
static char host[256], port[16];
static atomic_bool churn_done;
static atomic_uint churn_opened, churn_failed_connect;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int split_portal(const char *portal)
{
	const char *colon = strrchr(portal, ':');

	if (!colon || (size_t)(colon - portal) >= sizeof(host))
		return -1;
	memcpy(host, portal, (size_t)(colon - portal));
	host[colon - portal] = 0;
	if (host[0] == '[') { /* [v6] */
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = 0;
	}
	snprintf(port, sizeof(port), "%s", colon + 1);
	return 0;
}

static int tcp_connect(void)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
	int fd;

	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd >= 0) {
		/* Linux bounds connect() by SO_SNDTIMEO: a target whose accept
		 * backlog is full counts as refusing, not as a hang */
		struct timeval tv = {2, 0};

		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* A Login Request header announcing `dsl` bytes of text (RFC 7143 §11.12). */
static void login_bhs(uint8_t *b, uint32_t dsl)
{
	memset(b, 0, 48);
	b[0] = 0x43;		      /* I | Login Request */
	b[1] = 0x81;		      /* T=1, CSG 0, NSG 1 */
	b[5] = (uint8_t)(dsl >> 16); /* DataSegmentLength */
	b[6] = (uint8_t)(dsl >> 8);
	b[7] = (uint8_t)dsl;
	b[8] = 0x80; /* ISID type random */
	b[13] = 0x01;
}

static void *churn(void *arg)
{
	unsigned n = *(unsigned *)arg;
	int fds[20];
	unsigned open_now = 0;

	for (unsigned i = 0; i < n; i++) {
		uint8_t buf[48 + 256];
		int fd = tcp_connect();

		if (fd < 0) {
			churn_failed_connect++;
			continue;
		}
		churn_opened++;
		login_bhs(buf, 4096);
		memset(buf + 48, 'A', 256);
		/* stop inside the header, or inside the announced data */
		/* the target may already have closed: a failed send is fine */
		(void)!send(fd, buf, (i % 2) ? 20 + i % 27 : 48 + 100,
			    MSG_NOSIGNAL);
		if (i % 3 == 0) {
			struct linger lg = {1, 0}; /* close with RST */

			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
		fds[open_now++] = fd;
		if (open_now == 20) { /* hold 20 half-sent PDUs open, then drop */
			usleep(20000);
			while (open_now)
				close(fds[--open_now]);
		}
	}
	while (open_now)
		close(fds[--open_now]);
	churn_done = true;
	return NULL;
}

static struct iscsi_context *login(int *lun)
{
	struct iscsi_context *ctx =
		iscsi_create_context("iqn.2026-11.org.iscsi-cts:stress");
	struct iscsi_url *u;

	if (!ctx)
		return NULL;
	u = iscsi_parse_full_url(ctx, url);
	if (!u) {
		fprintf(stderr, "bad URL: %s\n", iscsi_get_error(ctx));
		iscsi_destroy_context(ctx);
		return NULL;
	}
	iscsi_set_targetname(ctx, u->target);
	iscsi_set_session_type(ctx, ISCSI_SESSION_NORMAL);
	iscsi_set_timeout(ctx, 10);
	if (u->user[0])
		iscsi_set_initiator_username_pwd(ctx, u->user, u->passwd);
	if (!host[0] && split_portal(u->portal) != 0) {
		fprintf(stderr, "cannot parse portal %s\n", u->portal);
		iscsi_destroy_url(u);
		iscsi_destroy_context(ctx);
		return NULL;
	}
	if (iscsi_full_connect_sync(ctx, u->portal, u->lun) != 0) {
		fprintf(stderr, "login failed: %s\n", iscsi_get_error(ctx));
		iscsi_destroy_url(u);
		iscsi_destroy_context(ctx);
		return NULL;
	}
	*lun = u->lun;
	iscsi_destroy_url(u);
	return ctx;
}

int main(int argc, char **argv)
{
	static uint8_t wbuf[XFER];
	struct iscsi_context *ctx;
	unsigned nconn, ok = 0, bad = 0;
	double deadline;
	pthread_t th;
	int lun;

	if (argc != 4) {
		fprintf(stderr, "usage: %s URL CONNECTIONS SECONDS\n", argv[0]);
		return 2;
	}
	url = argv[1];
	nconn = (unsigned)strtoul(argv[2], NULL, 10);
	deadline = now_s() + strtod(argv[3], NULL);
	alarm((unsigned)strtoul(argv[3], NULL, 10) + 30); /* hard bound */

	ctx = login(&lun);
	if (!ctx)
		return 1;
	if (pthread_create(&th, NULL, churn, &nconn) != 0)
		return 1;

	srand(12345);
	/* keep writing and verifying until the churn is over (at least 20
	 * rounds), bounded by the deadline */
	for (unsigned round = 0;
	     (round < 20 || !churn_done) && now_s() < deadline; round++) {
		uint32_t lba = (uint32_t)(rand() % (REGION_BLOCKS - XFER / BLOCK));
		struct scsi_task *t;

		for (unsigned i = 0; i < XFER; i++)
			wbuf[i] = (uint8_t)(round * 7 + i * 13 + lba);
		t = iscsi_write10_sync(ctx, lun, lba, wbuf, XFER, BLOCK, 0, 0,
				       0, 0, 0);
		if (!t || t->status != SCSI_STATUS_GOOD) {
			fprintf(stderr, "round %u: WRITE(10) failed: %s\n",
				round, iscsi_get_error(ctx));
			bad++;
			if (t)
				scsi_free_scsi_task(t);
			break;
		}
		scsi_free_scsi_task(t);
		t = iscsi_read10_sync(ctx, lun, lba, XFER, BLOCK, 0, 0, 0, 0,
				      0);
		if (!t || t->status != SCSI_STATUS_GOOD ||
		    t->datain.size != (int)XFER ||
		    memcmp(t->datain.data, wbuf, XFER) != 0) {
			fprintf(stderr, "round %u: read-back mismatch at LBA %u\n",
				round, lba);
			bad++;
			if (t)
				scsi_free_scsi_task(t);
			break;
		}
		scsi_free_scsi_task(t);
		ok++;
	}
	pthread_join(th, NULL);
	iscsi_logout_sync(ctx);
	iscsi_destroy_context(ctx);

	/* the target must still accept a fresh login */
	ctx = login(&lun);
	if (!ctx) {
		fprintf(stderr, "fresh login after the churn failed\n");
		bad++;
	} else {
		iscsi_logout_sync(ctx);
		iscsi_destroy_context(ctx);
	}
	printf("churn: %u connections dropped mid-PDU (%u refused)\n",
	       churn_opened, churn_failed_connect);
	printf("%u passed, %u failed\n", ok, bad);
	return bad || churn_opened + churn_failed_connect < nconn ? 1 : 0;
}
