#!/bin/sh
# ci/run-reference.sh - `make run`: start iscsi-reftgt on a loopback port it
# picks (the suite layout of ci/reftgt-env.sh), run iscsi-cts's suites and
# libiscsi's independent iscsi-test-cu (iSCSI and SCSI families) against
# it, write a report under reports/out/, stop the target.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$TOP/reports/out
REFTGT_ENV_SELF=$TOP/ci/reftgt-env.sh
. "$TOP/ci/reftgt-env.sh"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/iscsi-cts-run.XXXXXX")
rm -rf "$OUT"
mkdir -p "$OUT"
trap 'reftgt_down; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

reftgt_up "$WORK" || exit 1
cp "$REFTGT_PROFILE" "$OUT/profile.conf"
echo "make run: iscsi-reftgt (pid $REFTGT_PID) on 127.0.0.1:$REFTGT_PORT"

status=0
summary=$OUT/summary.md
{
	echo "# iscsi-cts run against iscsi-reftgt"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M:%SZ')"
	echo "- target: \`$REFTGT_URL\` (profile: profile.conf)"
	echo
	echo "| suite | result |"
	echo "|---|---|"
} >"$summary"

echo "make run: iscsi-cts suites"
"$TOP/bin/iscsi-cts" run --profile "$REFTGT_PROFILE" \
	--junit "$OUT/iscsi-cts.junit.xml" --json "$OUT/iscsi-cts.json" \
	--md "$OUT/iscsi-cts.md" --pcap-dir "$OUT/pcap" >"$OUT/iscsi-cts.log" 2>&1
rc=$?
tail -n 1 "$OUT/iscsi-cts.log"
[ $rc -eq 0 ] || status=1
echo "| iscsi-cts (details: iscsi-cts.md, iscsi-cts.junit.xml, iscsi-cts.json) | $(tail -n 1 "$OUT/iscsi-cts.log") |" >>"$summary"

for family in iSCSI SCSI; do
	echo "make run: libiscsi iscsi-test-cu -t $family"
	log=$OUT/libiscsi-$family.log
	(cd "$WORK" && timeout 900 iscsi-test-cu --dataloss -n -t "$family" "$REFTGT_URL") >"$log" 2>&1
	set -- $(awk '$1 == "tests" { print $3, $4, $5 }' "$log" | tail -n 1)
	if [ $# -eq 3 ]; then
		echo "| libiscsi iscsi-test-cu -t $family | $1 ran, $2 passed, $3 failed |" >>"$summary"
		echo "  ran $1, passed $2, failed $3"
		[ "$3" -eq 0 ] || status=1
	else
		echo "| libiscsi iscsi-test-cu -t $family | no result (see libiscsi-$family.log) |" >>"$summary"
		status=1
	fi
done

echo
cat "$summary"
echo
echo "make run: report in $summary (details and logs beside it)"
exit $status
