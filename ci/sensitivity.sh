#!/bin/sh
# ci/sensitivity.sh - prove that every conformance test can fail.
#
# Each test records (CTS_TEST_D) the iscsi-reftgt defect(s) that break its
# rule. For every defect, this starts the reference target with it, runs
# the tests that name it, and requires each to FAIL. A test without a
# defect, or one that does not fail against a defect it names, is reported.
# Ends with "N tests, N failed against a defect"; exits 0 only when the two
# numbers are equal.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
REFTGT_ENV_SELF=$TOP/ci/reftgt-env.sh
. "$TOP/ci/reftgt-env.sh"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/iscsi-cts-sens.XXXXXX")
trap 'reftgt_down; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

list=$WORK/list
"$TOP/bin/iscsi-cts" list --defects "$@" >"$list" || exit 2
total=$(wc -l <"$list")
: >"$WORK/bad"

awk -F'\t' '$2 == "-" { print $1 }' "$list" | while read -r id; do
	echo "$id: names no defect, so nothing shows it can fail" | tee -a "$WORK/bad"
done

defects=$(awk -F'\t' '$2 != "-" { n = split($2, a, ","); for (i = 1; i <= n; i++) print a[i] }' "$list" | sort -u)
for d in $defects; do
	ids=$(awk -F'\t' -v d="$d" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == d) print $1 }' "$list")
	if ! reftgt_up "$WORK/$d" --defect "$d" 2>"$WORK/$d.err"; then
		for id in $ids; do
			echo "$id: iscsi-reftgt --defect $d did not start: $(head -n 1 "$WORK/$d.err")" | tee -a "$WORK/bad"
		done
		continue
	fi
	# shellcheck disable=SC2086  # ids are dotted words, split on purpose
	timeout 600 "$TOP/bin/iscsi-cts" run --profile "$REFTGT_PROFILE" \
		--json "$WORK/$d.json" $ids >"$WORK/$d.log" 2>&1
	reftgt_down
	for id in $ids; do
		v=$(jq -r --arg id "$id" '.tests[] | select(.id == $id) | .verdict' "$WORK/$d.json" 2>/dev/null)
		if [ "$v" != FAIL ]; then
			echo "$id: ${v:-no verdict} against --defect $d (expected FAIL)" | tee -a "$WORK/bad"
		fi
	done
done

bad_ids=$(cut -d: -f1 "$WORK/bad" | sort -u | grep -c . || true)
proven=$((total - bad_ids))
echo "$total tests, $proven failed against a defect"
[ "$proven" -eq "$total" ]
