#!/bin/sh
# reftgt-libiscsi.sh - the reference target against libiscsi, an initiator
# nobody here wrote: iscsi-ls, iscsi-inq, iscsi-readcapacity16 with and
# without CHAP, and iscsi-test-cu's iSCSI family (all must pass) and ALL
# family (no failures).
. "$(dirname "$0")/lib.sh"

IQN=iqn.2026-11.org.iscsi-cts:reftgt-libiscsi
IQN_CHAP=$IQN-chap
start_reftgt libiscsi --threads 2 \
	--target "$IQN" --lun "0:$WORK/lun0.img:64M" \
	--target "$IQN_CHAP" --lun "0:$WORK/chap0.img:16M" \
	--chap user1:secret123456
URL=iscsi://127.0.0.1:$REFTGT_PORT/$IQN/0
CURL=iscsi://user1%secret123456@127.0.0.1:$REFTGT_PORT/$IQN_CHAP/0
BADURL=iscsi://user1%wrongsecret1@127.0.0.1:$REFTGT_PORT/$IQN_CHAP/0

t() { timeout 60 "$@"; }

say "== discovery: iscsi-ls"
t iscsi-ls "iscsi://127.0.0.1:$REFTGT_PORT/" >"$WORK/ls.out" 2>&1 ||
	{ cat "$WORK/ls.out"; fail "iscsi-ls failed"; }
cat "$WORK/ls.out"
grep -q "Target:$IQN Portal:127.0.0.1:$REFTGT_PORT,1" "$WORK/ls.out" ||
	fail "iscsi-ls does not list $IQN at 127.0.0.1:$REFTGT_PORT,1"

say "== iscsi-inq, iscsi-readcapacity16"
t iscsi-inq "$URL" >"$WORK/inq.out" 2>&1 || { cat "$WORK/inq.out"; fail "iscsi-inq"; }
grep -q 'ISCSICTS' "$WORK/inq.out" || { cat "$WORK/inq.out"; fail "INQUIRY vendor"; }
t iscsi-readcapacity16 "$URL" >"$WORK/rc.out" 2>&1 || { cat "$WORK/rc.out"; fail "readcapacity16"; }
cat "$WORK/rc.out"
# 64 MiB of 512-byte blocks: last LBA 131071
grep -q 'RETURNED LOGICAL BLOCK ADDRESS:131071$' "$WORK/rc.out" ||
	fail "READ CAPACITY(16) last LBA is not 131071"

say "== CHAP"
t iscsi-inq "$CURL" >"$WORK/chap.out" 2>&1 || { cat "$WORK/chap.out"; fail "CHAP login"; }
if t iscsi-inq "$BADURL" >"$WORK/badchap.out" 2>&1; then
	fail "login with a wrong CHAP secret succeeded"
fi
if t iscsi-inq "iscsi://127.0.0.1:$REFTGT_PORT/$IQN_CHAP/0" >/dev/null 2>&1; then
	fail "login without CHAP to a target that requires it succeeded"
fi

say "== iscsi-test-cu -t iSCSI"
timeout 600 iscsi-test-cu --dataloss -t iSCSI "$URL" >"$WORK/cu-iscsi.log" 2>&1
set -- $(cunit_counts "$WORK/cu-iscsi.log")
[ $# -eq 3 ] || { tail -n 40 "$WORK/cu-iscsi.log"; fail "iscsi-test-cu -t iSCSI gave no summary"; }
say "iSCSI family: ran $1, passed $2, failed $3"
[ "$3" -eq 0 ] && [ "$2" -ge 15 ] || {
	grep -B2 -A8 -i 'fail' "$WORK/cu-iscsi.log" | head -n 80
	fail "iscsi-test-cu -t iSCSI: expected 15 passes and no failure"
}

say "== iscsi-test-cu -t ALL"
timeout 900 iscsi-test-cu --dataloss -t ALL "$URL" >"$WORK/cu-all.log" 2>&1
set -- $(cunit_counts "$WORK/cu-all.log")
[ $# -eq 3 ] || { tail -n 40 "$WORK/cu-all.log"; fail "iscsi-test-cu -t ALL gave no summary"; }
say "ALL: ran $1, passed $2, failed $3"
[ "$3" -eq 0 ] || {
	grep -E 'FAILED|Test: ' "$WORK/cu-all.log" | grep -B1 FAILED | head -n 80
	fail "iscsi-test-cu -t ALL has failures"
}
kill -0 "$REFTGT_PID" || fail "the target died during the run"
say "PASS"
