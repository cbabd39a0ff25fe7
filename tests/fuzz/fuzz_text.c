/* SPDX-License-Identifier: MIT */
/*
 * fuzz_text.c - libFuzzer target: arbitrary bytes as a text data segment
 * (RFC 7143 §6.1), every parsed pair run through key lookup, the responder
 * (iscsi_key_answer), the judge (iscsi_key_judge), the value parsers and
 * the parameter fold.  Byte 0 picks the negotiation context; the rest is
 * the segment, also fed in two pieces through the C-bit accumulator.
 */
#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise_values(const char *v)
{
	uint8_t bin[256];
	size_t blen;
	uint64_t x, lo, hi;
	bool b;

	iscsi_value_to_bin(v, bin, sizeof(bin), &blen, NULL, 0);
	iscsi_value_number(v, &x, NULL, 0);
	iscsi_value_number_any(v, &x, NULL, 0);
	iscsi_value_range(v, &lo, &hi, NULL, 0);
	iscsi_value_bool(v, &b);
	iscsi_list_count(v);
	iscsi_is_text_value(v);
	iscsi_is_utf8(v);
}

static void exercise_pair(const struct iscsi_kv *kv, const char *other,
			  struct iscsi_negctx *ctx, struct iscsi_params *p)
{
	const struct iscsi_key_def *k = iscsi_key_find(kv->key);
	char ans[512], res[512], why[256];

	exercise_values(kv->value);
	/* Own value from another pair: bad "mine" values must be refused. */
	iscsi_key_answer(k, kv->value, other, ctx, ans, sizeof(ans));
	if (iscsi_key_answer(k, kv->value, NULL, ctx, ans, sizeof(ans)) == 1)
		iscsi_key_judge(k, kv->value, ans, ctx, res, sizeof(res), why,
				sizeof(why));
	iscsi_key_judge(k, kv->value, other, ctx, res, sizeof(res), why,
			sizeof(why));
	iscsi_key_judge(k, kv->value, NULL, ctx, res, sizeof(res), why,
			sizeof(why));
	/* A short result buffer must be refused, not overrun. */
	iscsi_key_judge(k, kv->value, other, ctx, res, 4, why, 8);
	if (k)
		iscsi_key_value_check(k, kv->value, why, sizeof(why));
	iscsi_params_apply(p, kv->key, kv->value, ctx->responder_is_target, why,
			   sizeof(why));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iscsi_text t, t2;
	struct iscsi_text_accum acc;
	struct iscsi_negctx ctx;
	struct iscsi_params mine, peer, agreed;
	char err[128];
	uint8_t out[4096];
	size_t half;

	if (size < 1)
		return 0;
	iscsi_negctx_init(&ctx);
	{
		static const enum iscsi_login_stage stages[] = {
			ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL,
			ISCSI_STAGE_FFP};

		ctx.stage = stages[data[0] % 3];
	}
	ctx.leading = data[0] & 0x04;
	ctx.discovery = data[0] & 0x08;
	ctx.responder_is_target = !(data[0] & 0x10);
	ctx.initial_r2t = data[0] & 0x20;
	ctx.immediate_data = data[0] & 0x40;
	ctx.max_burst = (data[0] & 0x80) ? 65536 : 0;
	data++;
	size--;

	iscsi_text_init(&t);
	iscsi_params_defaults(&mine);
	iscsi_params_defaults(&peer);
	if (iscsi_text_parse(&t, data, size, err, sizeof(err)) >= 0) {
		for (size_t i = 0; i < t.n; i++)
			exercise_pair(&t.kv[i], t.kv[(i + 1) % t.n].value, &ctx,
				      &peer);
		iscsi_text_find_dup(&t);
		iscsi_text_serialize(&t, out, sizeof(out));
	}
	iscsi_params_merge(&mine, &peer, !ctx.responder_is_target, &agreed, err,
			   sizeof(err));

	/* The same bytes split across two continued PDUs, bounded. */
	half = size / 2;
	iscsi_text_accum_init(&acc, 1024);
	iscsi_text_init(&t2);
	if (iscsi_text_accum_add(&acc, data, half, err, sizeof(err)) == 0 &&
	    iscsi_text_accum_add(&acc, data + half, size - half, err,
				 sizeof(err)) == 0)
		iscsi_text_accum_finish(&acc, &t2, err, sizeof(err));
	iscsi_text_accum_free(&acc);
	iscsi_text_free(&t2);
	iscsi_text_free(&t);
	return 0;
}
