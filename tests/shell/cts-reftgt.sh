#!/bin/sh
# cts-reftgt.sh - every iscsi-cts conformance test passes against the
# reference target (its known-good peer), with JUnit and JSON written.
. "$(dirname "$0")/lib.sh"
REFTGT_ENV_SELF=$TOP/ci/reftgt-env.sh
. "$TOP/ci/reftgt-env.sh"
trap 'reftgt_down; cleanup' EXIT

reftgt_up "$WORK/t" || fail "iscsi-reftgt did not start"
timeout 900 "$BIN/iscsi-cts" run --profile "$REFTGT_PROFILE" --jobs 2 \
	--junit "$WORK/r.xml" --json "$WORK/r.json" >"$WORK/run.log" 2>&1
rc=$?
grep -E ' (FAIL|ERROR|SKIP)' "$WORK/run.log" | head -n 40
tail -n 1 "$WORK/run.log"
[ $rc -eq 0 ] || fail "iscsi-cts run against iscsi-reftgt exited $rc"
jq -e '.summary.failed == 0 and .summary.errors == 0' "$WORK/r.json" >/dev/null ||
	fail "results JSON reports failures"
grep -q '<testsuites' "$WORK/r.xml" || fail "no JUnit XML written"
say PASS
