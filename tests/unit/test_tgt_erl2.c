/* SPDX-License-Identifier: MIT */
/*
 * test_tgt_erl2.c - the reference target at ErrorRecoveryLevel 2 when a
 * session loses its last connection: the session and the connection's
 * tasks are kept for DefaultTime2Wait + DefaultTime2Retain (§6.2.2,
 * §7.1.3, §13.16), a new connection joins it by ISID + TSIH and takes the
 * tasks over with TASK REASSIGN (§11.5.1, function 8).
 */
#include <string.h>

#include "test_tgt_ffp_util.h"
#include "unit.h"

#define ITT_WRITE 0x300u
#define ITT_TMF	  0x301u

/* Target side: ERL 2 allowed; Time2Wait 0 (§13.15: the larger of the
 * two values is taken). */
static const char *const tk_erl2[] = {"ErrorRecoveryLevel=2",
				      "DefaultTime2Wait=0", NULL};

/* Initiator keys: ERL as given, Time2Wait 0, Time2Retain as given. */
static void keys_for(const char *k[4], const char *erl, const char *t2r)
{
	k[0] = erl;
	k[1] = "DefaultTime2Wait=0";
	k[2] = t2r;
	k[3] = NULL;
}

static int recv_r2t(struct fixture *fx, struct iscsi_r2t_f *f)
{
	struct iscsi_pdu r;

	if (tf_recv_op(fx, &r, ISCSI_OP_R2T) < 0)
		return -1;
	iscsi_r2t_unpack(&r.bhs, f);
	iscsi_pdu_release(&r);
	return 0;
}

/* A WRITE(10) of 4 blocks left waiting for its solicited data. */
static void start_write(struct fixture *fx, struct iscsi_r2t_f *r2t)
{
	uint8_t cdb[16];

	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	tf_write10(cdb, 16, 4);
	CU_ASSERT_EQUAL_FATAL(tf_scsi(fx, TF_W | TF_F, ITT_WRITE,
				      fx->cmdsn++, 2048, cdb, 16, NULL, 0),
			      0);
	CU_ASSERT_EQUAL_FATAL(recv_r2t(fx, r2t), 0);
	CU_ASSERT_EQUAL(r2t->itt, ITT_WRITE);
	CU_ASSERT_EQUAL(r2t->buffer_offset, 0u);
	CU_ASSERT_EQUAL(r2t->desired_len, 2048u);
}

/* The connection fails (TCP closed, no Logout); the server notices. */
static void drop_link(struct fixture *fx)
{
	fixture_disconnect(fx);
	fixture_step(fx, 50);
}

/* Join the session fx->tsih on a new connection: 0, or -1. */
static int join(struct fixture *fx, const char *const *keys)
{
	CU_ASSERT_FATAL(fixture_connect(fx) >= 1);
	return fixture_login(fx, keys);
}

/* TASK REASSIGN (8) of the write on the current connection: "Function
 * complete" (0), the R2T again, then the data and GOOD status (§6.2.2). */
static void reassign_and_finish(struct fixture *fx)
{
	static uint8_t out[2048];
	struct iscsi_r2t_f r2t;
	struct iscsi_pdu r;
	struct iscsi_tmf_rsp_f tr;
	struct iscsi_scsi_rsp_f sr;

	CU_ASSERT_EQUAL(tf_tmf(fx, true, 8, 0, ITT_TMF, ITT_WRITE, fx->cmdsn,
			       0), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_TMF_RSP), 0);
	iscsi_tmf_rsp_unpack(&r.bhs, &tr);
	iscsi_pdu_release(&r);
	CU_ASSERT_EQUAL(tr.itt, ITT_TMF);
	CU_ASSERT_EQUAL(tr.response, 0); /* Function complete */
	CU_ASSERT_EQUAL_FATAL(recv_r2t(fx, &r2t), 0);
	CU_ASSERT_EQUAL(r2t.itt, ITT_WRITE);
	CU_ASSERT_EQUAL(r2t.buffer_offset, 0u);
	CU_ASSERT_EQUAL(r2t.desired_len, 2048u);
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 5 + 1);
	CU_ASSERT_EQUAL(tf_data_out(fx, true, ITT_WRITE, r2t.ttt, 0, 0, out,
				    sizeof(out)), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_SCSI_RSP), 0);
	iscsi_scsi_rsp_unpack(&r.bhs, &sr);
	iscsi_pdu_release(&r);
	CU_ASSERT_EQUAL(sr.itt, ITT_WRITE);
	CU_ASSERT_EQUAL(sr.response, 0x00);
	CU_ASSERT_EQUAL(sr.status, 0x00); /* GOOD */
}

/* §6.2.2, §7.1.3, §11.5.1: ERL 2, the only connection fails in the middle
 * of a write; a new connection joins the session (same ISID + TSIH),
 * TASK REASSIGN (8) answers "Function complete" (0), the R2T comes again
 * on the new connection and the write ends GOOD (0x00). */
static void erl2_last_connection_kept_for_reassign(void)
{
	const char *k[4];
	struct iscsi_r2t_f r2t;
	struct fixture *fx;
	uint16_t tsih;

	keys_for(k, "ErrorRecoveryLevel=2", "DefaultTime2Retain=20");
	fx = tf_start(k, tk_erl2, NULL);
	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(fx->agreed.erl, 2u);
	start_write(fx, &r2t);
	tsih = fx->tsih;
	drop_link(fx);
	CU_ASSERT_PTR_NOT_NULL(server_session_by_tsih(&fx->srv, tsih));
	CU_ASSERT_EQUAL_FATAL(join(fx, k), 0);
	CU_ASSERT_EQUAL(fx->tsih, tsih);
	reassign_and_finish(fx);
	fixture_free(fx);
}

/* §7.1.5, §11.13.5: at ERL 0 the session ends with its last connection:
 * joining it fails with 0x020a (session does not exist). */
static void erl0_last_connection_ends_session(void)
{
	const char *k[4];
	struct iscsi_r2t_f r2t;
	struct fixture *fx;
	uint16_t tsih;

	keys_for(k, "ErrorRecoveryLevel=0", "DefaultTime2Retain=20");
	fx = tf_start(k, tk_erl2, NULL);
	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(fx->agreed.erl, 0u);
	start_write(fx, &r2t);
	tsih = fx->tsih;
	drop_link(fx);
	CU_ASSERT_PTR_NULL(server_session_by_tsih(&fx->srv, tsih));
	CU_ASSERT_EQUAL(join(fx, k), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx->err, "0x020a"));
	fixture_free(fx);
}

/* §13.16: with DefaultTime2Retain 1 (Time2Wait 0) the kept session is
 * gone about 2 s later: a join then fails with 0x020a. */
static void erl2_time2retain_expiry_ends_session(void)
{
	const char *k[4];
	struct iscsi_r2t_f r2t;
	struct fixture *fx;
	uint16_t tsih;

	keys_for(k, "ErrorRecoveryLevel=2", "DefaultTime2Retain=1");
	fx = tf_start(k, tk_erl2, NULL);
	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(fx->agreed.default_time2retain, 1u);
	CU_ASSERT_EQUAL_FATAL(fx->agreed.default_time2wait, 0u);
	start_write(fx, &r2t);
	tsih = fx->tsih;
	drop_link(fx);
	CU_ASSERT_PTR_NOT_NULL(server_session_by_tsih(&fx->srv, tsih));
	fixture_step(fx, 2000);
	CU_ASSERT_PTR_NULL(server_session_by_tsih(&fx->srv, tsih));
	CU_ASSERT_EQUAL(join(fx, k), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx->err, "0x020a"));
	fixture_free(fx);
}

/* §6.3.5: a leading login (TSIH 0) with the ISID of the kept session
 * reinstates it: the old session ends, the new one has another TSIH, and
 * the old TSIH no longer joins (0x020a). */
static void erl2_kept_session_ended_by_reinstatement(void)
{
	const char *k[4];
	struct iscsi_r2t_f r2t;
	struct fixture *fx;
	uint16_t tsih;

	keys_for(k, "ErrorRecoveryLevel=2", "DefaultTime2Retain=20");
	fx = tf_start(k, tk_erl2, NULL);
	CU_ASSERT_FATAL(fx != NULL);
	start_write(fx, &r2t);
	tsih = fx->tsih;
	drop_link(fx);
	CU_ASSERT_PTR_NOT_NULL(server_session_by_tsih(&fx->srv, tsih));
	fx->tsih = 0; /* a leading login, same ISID */
	CU_ASSERT_EQUAL_FATAL(join(fx, k), 0);
	CU_ASSERT_NOT_EQUAL(fx->tsih, 0);
	CU_ASSERT_NOT_EQUAL(fx->tsih, tsih);
	fixture_step(fx, 50);
	CU_ASSERT_PTR_NULL(server_session_by_tsih(&fx->srv, tsih));
	CU_ASSERT_PTR_NOT_NULL(server_session_by_tsih(&fx->srv, fx->tsih));
	fx->tsih = tsih;
	CU_ASSERT_EQUAL(join(fx, k), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx->err, "0x020a"));
	fixture_free(fx);
}

/* §11.14.1: a session logged out (reason 0) ends at once, ERL 2 or not:
 * joining it fails with 0x020a. */
static void erl2_logged_out_session_not_kept(void)
{
	const char *k[4];
	struct fixture *fx;
	struct iscsi_pdu r;
	uint16_t tsih;

	keys_for(k, "ErrorRecoveryLevel=2", "DefaultTime2Retain=20");
	fx = tf_start(k, tk_erl2, NULL);
	CU_ASSERT_FATAL(fx != NULL);
	tsih = fx->tsih;
	CU_ASSERT_EQUAL(tf_logout(fx, 0, 0, 0x310, fx->cmdsn), 0);
	CU_ASSERT_EQUAL(tf_recv_op(fx, &r, ISCSI_OP_LOGOUT_RSP), 0);
	iscsi_pdu_release(&r);
	CU_ASSERT_EQUAL(fixture_wait_closed(fx, TF_TIMEOUT), 0);
	fixture_step(fx, 50);
	CU_ASSERT_PTR_NULL(server_session_by_tsih(&fx->srv, tsih));
	fixture_free(fx);
}

/* §6.2.2, §7.1.4.2: ERL 2 with two connections: the one carrying the
 * write fails; the other one reassigns the task (8 -> 0) and finishes
 * it GOOD; the session never lost all its connections. */
static void erl2_mcs_failed_connection_tasks_reassignable(void)
{
	const char *const k[] = {"ErrorRecoveryLevel=2", "DefaultTime2Wait=0",
				 "DefaultTime2Retain=20", "MaxConnections=2",
				 NULL};
	const char *const tk[] = {"ErrorRecoveryLevel=2", "DefaultTime2Wait=0",
				  "MaxConnections=2", NULL};
	struct iscsi_r2t_f r2t;
	struct fixture *fx = tf_start(k, tk, NULL);

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(fixture_connect(fx), 1);
	CU_ASSERT_EQUAL_FATAL(fixture_login(fx, k), 0);
	fixture_use(fx, 0);
	start_write(fx, &r2t);
	drop_link(fx);
	fixture_use(fx, 1);
	reassign_and_finish(fx);
	fixture_free(fx);
}

UNIT_SUITE(tgt_erl2, "tgt/erl2",
	   UNIT_TEST(erl2_last_connection_kept_for_reassign),
	   UNIT_TEST(erl0_last_connection_ends_session),
	   UNIT_TEST(erl2_time2retain_expiry_ends_session),
	   UNIT_TEST(erl2_kept_session_ended_by_reinstatement),
	   UNIT_TEST(erl2_logged_out_session_not_kept),
	   UNIT_TEST(erl2_mcs_failed_connection_tasks_reassignable));
