#!/bin/sh
# ci/run-reference.sh - `make run`: start iscsi-reftgt on a loopback port it
# picks, run the conformance suites against it, write a report under
# reports/out/, stop the target.
#
# Suites run: iscsi-cts's own (bin/iscsi-cts) when it has been built, and
# libiscsi's independent iscsi-test-cu (iSCSI and SCSI families).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$TOP/reports/out
WORK=$(mktemp -d "${TMPDIR:-/tmp}/iscsi-cts-run.XXXXXX")
mkdir -p "$OUT"
PID=

cleanup() {
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID"
		i=0
		while kill -0 "$PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -KILL "$PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

IQN=iqn.2026-11.org.iscsi-cts:reference
"$TOP/bin/iscsi-reftgt" --portal 127.0.0.1:0 --target "$IQN" \
	--lun "0:$WORK/lun0.img:64M" >"$OUT/reftgt.log" 2>&1 &
PID=$!
PORT=
i=0
while [ -z "$PORT" ] && [ $i -lt 100 ]; do
	PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$OUT/reftgt.log" | head -n 1)
	kill -0 "$PID" 2>/dev/null || break
	[ -n "$PORT" ] || sleep 0.1
	i=$((i + 1))
done
if [ -z "$PORT" ]; then
	cat "$OUT/reftgt.log" >&2
	echo "make run: iscsi-reftgt did not start" >&2
	exit 1
fi
URL=iscsi://127.0.0.1:$PORT/$IQN/0
echo "make run: iscsi-reftgt (pid $PID) on 127.0.0.1:$PORT; target $URL"

status=0
summary=$OUT/summary.md
{
	echo "# iscsi-cts run against iscsi-reftgt"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M:%SZ')"
	echo "- target: \`$URL\`"
	echo
	echo "| suite | ran | passed | failed |"
	echo "|---|---|---|---|"
} >"$summary"

if [ -x "$TOP/bin/iscsi-cts" ]; then
	echo "make run: iscsi-cts suites"
	"$TOP/bin/iscsi-cts" run --target "$URL" --junit "$OUT/iscsi-cts.junit.xml" \
		--json "$OUT/iscsi-cts.json" --pcap-dir "$OUT/pcap" | tee "$OUT/iscsi-cts.log"
	rc=$?
	[ $rc -eq 0 ] || status=1
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$OUT/iscsi-cts.log" | tail -n 1)
	echo "| iscsi-cts | | $line | |" >>"$summary"
fi

for family in iSCSI SCSI; do
	echo "make run: libiscsi iscsi-test-cu -t $family"
	log=$OUT/libiscsi-$family.log
	(cd "$WORK" && timeout 900 iscsi-test-cu --dataloss -n -t "$family" "$URL") >"$log" 2>&1
	set -- $(awk '$1 == "tests" { print $3, $4, $5 }' "$log" | tail -n 1)
	if [ $# -eq 3 ]; then
		echo "| libiscsi iscsi-test-cu -t $family | $1 | $2 | $3 |" >>"$summary"
		echo "  ran $1, passed $2, failed $3"
		[ "$3" -eq 0 ] || status=1
	else
		echo "| libiscsi iscsi-test-cu -t $family | error | | |" >>"$summary"
		status=1
	fi
done

echo
cat "$summary"
echo
echo "make run: report in $summary (logs beside it)"
exit $status
