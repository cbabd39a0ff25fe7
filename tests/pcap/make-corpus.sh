#!/bin/sh
# tests/pcap/make-corpus.sh - rebuild the capture corpus of tests/pcap/.
#
# Captures real traffic on loopback with dumpcap (bounded by timeout,
# stopped by PID): iscsi-reftgt (login+INQUIRY, discovery, CHAP good and
# bad, header digests, small reads/writes with residuals), tgt and istgt
# (login+INQUIRY), then derives the broken captures (truncated file,
# garbage, mid-stream start, dropped segment) with head/editcap. Each
# capture's target port is recorded in NAME.port for the golden tests and
# ci/dissector-check.sh. Run from the top directory after `make`; writes
# tests/pcap/*.pcapng. Needs root (or dumpcap capabilities) for lo.
set -u
cd "$(dirname "$0")/../.."
TOP=$(pwd)
OUT=$TOP/tests/pcap
W=$(mktemp -d "${TMPDIR:-/tmp}/pcap-corpus.XXXXXX")
trap 'reftgt_down 2>/dev/null; rm -rf "$W"' EXIT
. ci/reftgt-env.sh

# cap NAME PORT CMD...: capture CMD's traffic to OUT/NAME.pcapng
cap() {
	name=$1 port=$2
	shift 2
	timeout 30 dumpcap -q -i lo -f "tcp port $port" -w "$W/$name.pcapng" \
		>/dev/null 2>&1 &
	dp=$!
	sleep 1.5
	timeout 20 "$@" >"$W/$name.log" 2>&1 || true
	sleep 0.5
	kill -INT "$dp" 2>/dev/null
	wait "$dp" 2>/dev/null
	# strip comments/interface stats so reruns give stable files
	editcap -F pcapng "$W/$name.pcapng" "$OUT/$name.pcapng" >/dev/null
	echo "$port" >"$OUT/$name.port"
}

reftgt_up "$W/rt" || exit 1
P=$REFTGT_PORT
U=iscsi://127.0.0.1:$P
cap reftgt-inq "$P" iscsi-inq "$REFTGT_URL"
cap reftgt-discovery "$P" iscsi-ls "$U/"
cap reftgt-chap "$P" sh -c "iscsi-inq 'iscsi://$REFTGT_CHAP_USER%$REFTGT_CHAP_SECRET@127.0.0.1:$P/$REFTGT_IQN:chap/0'; iscsi-inq 'iscsi://$REFTGT_CHAP_USER%wrongsecret99@127.0.0.1:$P/$REFTGT_IQN:chap/0'"
cap reftgt-digest "$P" iscsi-inq "$REFTGT_URL?header_digest=crc32c"
cap reftgt-rw "$P" iscsi-test-cu --dataloss -t 'iSCSI.iSCSIResiduals.Write10Residuals' "$REFTGT_URL"
reftgt_down

# tgt
TP=$(( ($(od -An -N2 -tu2 /dev/urandom) % 20000) + 30000 ))
TC=$(( ($(od -An -N2 -tu2 /dev/urandom) % 1000) + 100 ))
truncate -s 16M "$W/tgt.img"
tgtd -f --iscsi portal=127.0.0.1:$TP -C "$TC" >"$W/tgtd.log" 2>&1 &
TG=$!
sleep 1
tgtadm -C "$TC" --lld iscsi --op new --mode target --tid 1 -T iqn.2026-11.org.iscsi-cts:tgt
tgtadm -C "$TC" --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 -b "$W/tgt.img"
tgtadm -C "$TC" --lld iscsi --op bind --mode target --tid 1 -I ALL
cap tgt-inq "$TP" iscsi-inq "iscsi://127.0.0.1:$TP/iqn.2026-11.org.iscsi-cts:tgt/1"
# tgtd -f may ignore SIGTERM while it has targets: ask it, then insist
tgtadm -C "$TC" --op delete --mode system >/dev/null 2>&1 || true
i=0
while kill -0 "$TG" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL "$TG" 2>/dev/null
wait "$TG" 2>/dev/null

# istgt
IP=$(( ($(od -An -N2 -tu2 /dev/urandom) % 20000) + 30000 ))
ISTGT_DIR=$W/istgt ISTGT_PORT=$IP ISTGT_UCTL_PORT=$((IP + 1)) \
	timeout 60 bash /work/shared/recipes/run-istgt.sh start >/dev/null 2>&1 &&
	cap istgt-inq "$IP" iscsi-inq "iscsi://127.0.0.1:$IP/iqn.2007-09.jp.ne.peach.istgt:disk1/0"
ISTGT_DIR=$W/istgt timeout 20 bash /work/shared/recipes/run-istgt.sh stop >/dev/null 2>&1

# broken captures, derived from reftgt-inq
B=$OUT/reftgt-inq.pcapng
P=$(cat "$OUT/reftgt-inq.port")
n=$(wc -c <"$B")
head -c $((n - 400)) "$B" >"$OUT/broken-truncated.pcapng"
echo "$P" >"$OUT/broken-truncated.port"
head -c 2048 /dev/urandom >"$OUT/broken-garbage.pcapng"
echo "$P" >"$OUT/broken-garbage.port"
# start after the login: frames 1-7 dropped
editcap -F pcapng -r "$B" "$OUT/broken-midstream.pcapng" 8-1000 >/dev/null
echo "$P" >"$OUT/broken-midstream.port"
# lose the segment carrying the first INQUIRY Data-In (frame 13)
editcap -F pcapng "$B" "$OUT/broken-lossy.pcapng" 13 >/dev/null
echo "$P" >"$OUT/broken-lossy.port"
ls -la "$OUT"
