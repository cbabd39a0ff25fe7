#!/bin/sh
# pcap-dissector-check.sh - ci/dissector-check.sh in make check: the
# analyzer's field decode agrees with tshark's on every capture of
# tests/pcap (tshark is a declared dependency: it must run, not skip).
. "$(dirname "$0")/lib.sh"

sh "$TOP/ci/dissector-check.sh" >"$WORK/dc.log" 2>&1
rc=$?
cat "$WORK/dc.log"
[ $rc -eq 0 ] || fail "dissector-check found disagreements"
grep -q ' 0 disagreements$' "$WORK/dc.log" || fail "no closing line"
