#!/bin/sh
# pcap-live.sh - live decode: iscsi-pcap -i lo sees a libiscsi iscsi-inq
# run against iscsi-reftgt (Login Request/Response, the SCSI Command
# INQUIRY) and exits cleanly, with its output flushed, on SIGINT. It
# captures only the target's port: other tests may be using lo.
# Everything started here is bounded in time and stopped by PID.
. "$(dirname "$0")/lib.sh"
REFTGT_ENV_SELF=$TOP/ci/reftgt-env.sh
. "$TOP/ci/reftgt-env.sh"
trap 'reftgt_down; cleanup' EXIT

command -v iscsi-inq >/dev/null 2>&1 || fail "iscsi-inq not found (ci/deps.sh)"
reftgt_up "$WORK/t" || fail "iscsi-reftgt did not start"

OUT=$WORK/live.out
timeout 30 "$BIN/iscsi-pcap" -i lo --port "$REFTGT_PORT" \
	--filter "tcp port $REFTGT_PORT" >"$OUT" 2>"$WORK/live.err" &
CAP_PID=$!
PIDS="$PIDS $CAP_PID"
# Capturing once the interface is open; 1 s is ample on loopback.
sleep 1
kill -0 "$CAP_PID" 2>/dev/null || {
	cat "$WORK/live.err"
	fail "iscsi-pcap -i lo exited early (capture permission?)"
}

timeout 30 iscsi-inq "$REFTGT_URL" >"$WORK/inq.out" 2>&1 ||
	{ cat "$WORK/inq.out"; fail "iscsi-inq against iscsi-reftgt failed"; }
sleep 1

# SIGINT, as a user's ^C; SIGTERM after 5 s if it is still running.
kill -INT "$CAP_PID" 2>/dev/null
i=0
while kill -0 "$CAP_PID" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$CAP_PID" 2>/dev/null; then
	kill -TERM "$CAP_PID" 2>/dev/null
	sleep 1
	fail "iscsi-pcap did not exit within 5 s of SIGINT"
fi
wait "$CAP_PID"
rc=$?
# timeout(1) exits 124 when it had to stop iscsi-pcap itself.
[ $rc -eq 0 ] || { cat "$WORK/live.err"; fail "iscsi-pcap exited $rc after SIGINT"; }

cat "$OUT"
grep -q 'Login Request' "$OUT" || fail "no Login Request decoded"
grep -q 'Login Response' "$OUT" || fail "no Login Response decoded"
grep -q 'SCSI Command .*INQUIRY' "$OUT" || fail "no SCSI Command INQUIRY decoded"
say PASS
