#!/bin/sh
# cts-tgt.sh - the suites against tgt (a real target nobody here wrote),
# started on a loopback port this test chose: the run must complete and
# must not regress against the recorded baseline targets/tgt.expect, whose
# every FAIL was checked against the RFC text (docs/targets.md).
. "$(dirname "$0")/lib.sh"
. "$TOP/ci/tgt-env.sh"
trap 'tgt_down; cleanup' EXIT

tgt_up "$WORK/tgt" || fail "tgtd did not start"
timeout 900 "$BIN/iscsi-cts" run --profile "$TGT_PROFILE" --jobs 2 \
	--json "$WORK/tgt.json" --baseline "$TOP/targets/tgt.expect" \
	>"$WORK/run.log" 2>&1
rc=$?
cat "$WORK/run.log" | tail -n 40
[ -s "$WORK/tgt.json" ] || fail "the run against tgt did not complete"
[ $rc -eq 0 ] || fail "regression against targets/tgt.expect (exit $rc)"
say PASS
