/* SPDX-License-Identifier: MIT */
/*
 * json.c - --json output: one object per PDU or event (jansson). Field
 * values under "fields" are the strings tshark -T fields prints for the
 * same Wireshark names, so the two can be compared directly.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "analyzer.h"
#include "codec.h"
#include "fields.h"
#include "print_int.h"

static json_t *fields_obj(const struct pcap_pdu *p)
{
	size_t n;
	const struct iscsi_field *t = iscsi_field_table(&n);
	json_t *o = json_object();
	char v[64];

	for (size_t i = 0; i < n; i++) {
		if (!t[i].wireshark ||
		    !(t[i].opcodes & ISCSI_FIELD_OP(p->opcode)) ||
		    !iscsi_field_shown(&p->pdu.bhs, &t[i]))
			continue;
		if (iscsi_field_format(&p->pdu.bhs, &t[i], v, sizeof(v)) < 0)
			continue;
		json_object_set_new(o, t[i].name, json_string(v));
	}
	return o;
}

static json_t *keys_obj(const struct pcap_pdu *p)
{
	const struct iscsi_text *t = pcap_pdu_keys(p);
	json_t *a;

	if (!t)
		return NULL;
	a = json_array();
	for (size_t i = 0; i < t->n; i++) {
		json_t *kv = json_object();

		json_object_set_new(kv, "key", json_string(t->kv[i].key));
		json_t *v = json_string(t->kv[i].value);

		/* a value that is not UTF-8 is shown by its length */
		json_object_set_new(kv, "value",
				    v ? v : json_sprintf("<%zu bytes, not UTF-8>",
							 strlen(t->kv[i].value)));
		json_array_append_new(a, kv);
	}
	return a;
}

static void add_cdb(json_t *o, const struct pcap_pdu *p)
{
	uint8_t cdb[260];
	char hex[2 * sizeof(cdb) + 1];
	ssize_t n = pcap_pdu_cdb(p, cdb, sizeof(cdb));
	const char *name;

	if (n <= 0)
		return;
	for (ssize_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", cdb[i]);
	json_object_set_new(o, "cdb", json_string(hex));
	name = scsi_cdb_name(cdb, (size_t)n);
	if (name)
		json_object_set_new(o, "cdb_name", json_string(name));
}

static json_t *endpoint(const struct pcap_endpoint *e)
{
	char b[64];

	pcap_endpoint_str(e, b, sizeof(b));
	return json_string(b);
}

void *pcap_pdu_json(const struct pcap_pdu *p, int64_t t0_ns)
{
	json_t *o = json_object(), *k;
	char t[48], sum[1024];
	struct scsi_sense s;

	pr_time(t, sizeof(t), p->ts_ns, t0_ns);
	pcap_pdu_summary(p, sum, sizeof(sum));
	json_object_set_new(o, "type", json_string("pdu"));
	json_object_set_new(o, "frame", json_integer((json_int_t)p->frame));
	json_object_set_new(o, "first_frame",
			    json_integer((json_int_t)p->first_frame));
	json_object_set_new(o, "time", json_string(t));
	json_object_set_new(o, "ts_ns", json_integer(p->ts_ns));
	json_object_set_new(o, "stream", json_integer((json_int_t)p->flow->id));
	json_object_set_new(o, "src", endpoint(p->src));
	json_object_set_new(o, "dst", endpoint(p->dst));
	json_object_set_new(o, "dir", json_string(p->dir == PCAP_DIR_I2T
							  ? "i2t"
							  : "t2i"));
	json_object_set_new(o, "stream_offset",
			    json_integer((json_int_t)p->stream_offset));
	json_object_set_new(o, "opcode", json_integer(p->opcode));
	json_object_set_new(o, "opcode_name",
			    json_string(iscsi_opcode_name(p->opcode)));
	json_object_set_new(o, "summary", json_string(sum));
	json_object_set_new(o, "fields", fields_obj(p));
	json_object_set_new(o, "ahs_len", json_integer((json_int_t)p->pdu.ahs_len));
	json_object_set_new(o, "data_len",
			    json_integer((json_int_t)p->pdu.data_len));
	if (p->pdu.hdigest_present)
		json_object_set_new(o, "header_digest_ok",
				    json_boolean(p->pdu.hdigest_ok));
	if (p->pdu.ddigest_present)
		json_object_set_new(o, "data_digest_ok",
				    json_boolean(p->pdu.ddigest_ok));
	k = keys_obj(p);
	if (k)
		json_object_set_new(o, "keys", k);
	add_cdb(o, p);
	if (pcap_pdu_sense(p, &s) == 0) {
		char sb[160];

		scsi_sense_str(&s, sb, sizeof(sb));
		json_object_set_new(o, "sense", json_string(sb));
	}
	if (p->session)
		json_object_set_new(o, "session",
				    json_integer((json_int_t)p->session->id));
	if (p->task) {
		json_object_set_new(o, "task_frame",
				    json_integer((json_int_t)p->task->cmd_frame));
		if (p->task->done)
			json_object_set_new(o, "latency_ns",
					    json_integer(p->task->latency_ns));
	}
	return o;
}

void *pcap_event_json(const struct pcap_event *ev, int64_t t0_ns)
{
	const char *kind;
	json_t *o;
	char t[48];

	switch (ev->kind) {
	case PCAP_EV_GAP: kind = "gap"; break;
	case PCAP_EV_RESYNC: kind = "resync"; break;
	case PCAP_EV_ERROR: kind = "error"; break;
	default: return NULL;
	}
	o = json_object();
	pr_time(t, sizeof(t), ev->ts_ns, t0_ns);
	json_object_set_new(o, "type", json_string(kind));
	json_object_set_new(o, "frame", json_integer((json_int_t)ev->frame));
	json_object_set_new(o, "time", json_string(t));
	if (ev->flow) {
		json_object_set_new(o, "stream",
				    json_integer((json_int_t)ev->flow->id));
		json_object_set_new(o, "a", endpoint(&ev->flow->a));
		json_object_set_new(o, "b", endpoint(&ev->flow->b));
	}
	if (ev->dir_known)
		json_object_set_new(o, "dir", json_string(ev->dir == PCAP_DIR_I2T
								  ? "i2t"
								  : "t2i"));
	if (ev->kind != PCAP_EV_ERROR) {
		json_object_set_new(o, "offset",
				    json_integer((json_int_t)ev->offset));
		json_object_set_new(o, "length",
				    json_integer((json_int_t)ev->length));
	}
	json_object_set_new(o, "message", json_string(ev->msg ? ev->msg : ""));
	return o;
}
