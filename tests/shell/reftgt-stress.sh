#!/bin/sh
# reftgt-stress.sh - 200 connections opened and dropped mid-PDU while one
# well-behaved libiscsi session keeps writing and reading back correct data
# (build/tools/reftgt-stress); the target must survive and still log in.
. "$(dirname "$0")/lib.sh"

IQN=iqn.2026-11.org.iscsi-cts:stress
start_reftgt stress --threads 2 --target "$IQN" --lun "0:$WORK/lun0.img:16M"
timeout 120 "$TOP/build/tools/reftgt-stress" \
	"iscsi://127.0.0.1:$REFTGT_PORT/$IQN/0" 200 30 || fail "stress run failed"
kill -0 "$REFTGT_PID" || fail "iscsi-reftgt died under connection churn"
say PASS
