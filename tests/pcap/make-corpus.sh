#!/bin/sh
# tests/pcap/make-corpus.sh - rebuild the capture corpus of tests/pcap/.
#
# Captures real traffic on loopback with dumpcap (bounded by timeout,
# stopped by PID): iscsi-reftgt (login+INQUIRY, discovery, CHAP good and
# bad, header digests, small reads/writes with residuals), tgt and istgt
# (login+INQUIRY), then derives the broken captures (truncated file,
# garbage, mid-stream start, dropped segment) with head/editcap. Each
# capture's target port is recorded in NAME.port for the golden tests and
# ci/dissector-check.sh. Run from the top directory after `make` and
# `make build/tools/corpus-io`; writes tests/pcap/*.pcapng. Needs root (or
# dumpcap capabilities) for lo.
#
#   sh tests/pcap/make-corpus.sh [NAME...]
#
# With NAMEs only those captures are rebuilt (the others stay as they are,
# so their .expected files stay valid); regenerate the golden files of
# exactly those afterwards (`tests/shell/pcap-golden.sh` with UPDATE=1
# rewrites all of them: keep only the new ones' changes). Captures made
# with build/tools/corpus-io (an initiator of ours, since libiscsi never
# offers DataDigest=CRC32C):
#   reftgt-digest-data  HeaderDigest and DataDigest CRC32C agreed (the
#                       target accepts nothing else), a 4 KiB and a 512 B
#                       write+read with R2Ts (tshark needs no option:
#                       it takes the digests from the Login keys)
#   broken-digest       the same with one byte of the first Data-Out's data
#                       digest flipped
#   reftgt-sizes        writes+reads of 512 B, 4 KiB and 64 KiB with
#                       InitialR2T=Yes and MaxBurstLength 16 KiB: several
#                       R2Ts per write and several Data-In sequences per read
#   istgt-write         the same sizes against istgt
# and with libiscsi: tgt-chap (SendTargets discovery, then a CHAP login to
# a target whose account tgtadm bound; a wrong secret is refused).
set -u
cd "$(dirname "$0")/../.."
TOP=$(pwd)
OUT=$TOP/tests/pcap
W=$(mktemp -d "${TMPDIR:-/tmp}/pcap-corpus.XXXXXX")
trap 'reftgt_down 2>/dev/null; istgt_down 2>/dev/null; rm -rf "$W"' EXIT
. ci/reftgt-env.sh
. ci/istgt-env.sh
CIO=$TOP/build/tools/corpus-io
[ -x "$CIO" ] || { echo "make-corpus: build $CIO first" >&2; exit 1; }
ONLY="$*"

# want NAME: NAME is to be rebuilt (all when no NAME was given)
want() {
	[ -z "$ONLY" ] && return 0
	for _w in $ONLY; do [ "$_w" = "$1" ] && return 0; done
	return 1
}

# cap NAME PORT CMD...: capture CMD's traffic to OUT/NAME.pcapng
cap() {
	name=$1 port=$2
	shift 2
	want "$name" || return 0
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
cap reftgt-sizes "$P" "$CIO" -b 16K 127.0.0.1 "$P" "$REFTGT_IQN:plain" 512 4K 64K
reftgt_down

# digests: a target that accepts only CRC32C for both (RFC 7143 §13.1)
if want reftgt-digest-data; then
	reftgt_up "$W/rtd" --key HeaderDigest=CRC32C --key DataDigest=CRC32C ||
		exit 1
	P=$REFTGT_PORT
	cap reftgt-digest-data "$P" "$CIO" -d 127.0.0.1 "$P" "$REFTGT_IQN:plain" 4K 512
	reftgt_down
fi
if want broken-digest || want reftgt-digest-data; then
	# flip the first byte of the data digest after the first 4 KiB
	# Data-Out: its data ends with the marker "CTSMARK" + digit
	G=$OUT/reftgt-digest-data.pcapng
	m=$(grep -boa 'CTSMARK' "$G" | head -n 1 | cut -d: -f1)
	if [ -z "$m" ]; then
		echo "make-corpus: no marker in $G" >&2
		exit 1
	fi
	off=$((m + 8))
	cp "$G" "$OUT/broken-digest.pcapng"
	b=$(od -An -j "$off" -N1 -tu1 "$G" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 255)))" |
		dd of="$OUT/broken-digest.pcapng" bs=1 seek="$off" conv=notrunc \
			2>/dev/null
	cp "$OUT/reftgt-digest-data.port" "$OUT/broken-digest.port"
fi

# tgt
if want tgt-inq || want tgt-chap; then
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
# target 2 needs CHAP (one-way); discovery stays open
TG2=iqn.2026-11.org.iscsi-cts:tgt-chap
tgtadm -C "$TC" --lld iscsi --op new --mode target --tid 2 -T "$TG2"
tgtadm -C "$TC" --lld iscsi --op new --mode logicalunit --tid 2 --lun 1 -b "$W/tgt.img"
tgtadm -C "$TC" --lld iscsi --op bind --mode target --tid 2 -I ALL
tgtadm -C "$TC" --lld iscsi --op new --mode account --user ctsuser --password ctssecret1234
tgtadm -C "$TC" --lld iscsi --op bind --mode account --tid 2 --user ctsuser
cap tgt-chap "$TP" sh -c "iscsi-ls 'iscsi://127.0.0.1:$TP'; iscsi-inq 'iscsi://ctsuser%ctssecret1234@127.0.0.1:$TP/$TG2/1'; iscsi-inq 'iscsi://ctsuser%wrongsecret99@127.0.0.1:$TP/$TG2/1'"
# tgtd -f may ignore SIGTERM while it has targets: ask it, then insist
tgtadm -C "$TC" --op delete --mode system >/dev/null 2>&1 || true
i=0
while kill -0 "$TG" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL "$TG" 2>/dev/null
wait "$TG" 2>/dev/null
fi

# istgt (ci/istgt-env.sh)
if want istgt-inq || want istgt-write; then
istgt_up "$W/istgt" || exit 1
IP=$ISTGT_PORT
cap istgt-inq "$IP" iscsi-inq "$ISTGT_URL"
cap istgt-write "$IP" "$CIO" -b 16K 127.0.0.1 "$IP" "$ISTGT_IQN:disk1" 512 4K 64K
istgt_down
fi

# broken captures, derived from reftgt-inq
if want broken-truncated || want broken-garbage || want broken-midstream ||
	want broken-lossy; then
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
fi
ls -la "$OUT"
