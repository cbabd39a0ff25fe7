#!/bin/sh
# pcap-golden.sh - golden tests of the analyzer: for every capture
# tests/pcap/NAME.pcapng, `iscsi-pcap validate` (port from NAME.port) must
# print exactly NAME.expected, and exit 1 exactly when it reports an
# error-severity finding (2 when the file cannot be read at all).
# UPDATE=1 rewrites the .expected files instead of comparing.
. "$(dirname "$0")/lib.sh"

D=$TOP/tests/pcap
n=0
bad=0
for cap in "$D"/*.pcapng; do
	name=$(basename "$cap" .pcapng)
	port=3260
	[ -f "$D/$name.port" ] && port=$(cat "$D/$name.port")
	(cd "$D" && "$BIN/iscsi-pcap" validate --port "$port" "$name.pcapng") \
		>"$WORK/$name.out" 2>&1
	rc=$?
	echo "# exit $rc" >>"$WORK/$name.out"
	n=$((n + 1))
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$WORK/$name.out" "$D/$name.expected"
		continue
	fi
	if ! diff -u "$D/$name.expected" "$WORK/$name.out"; then
		say "FAIL $name"
		bad=$((bad + 1))
	else
		say "ok $name"
	fi
done
[ $n -gt 0 ] || fail "no captures in $D"
[ $bad -eq 0 ] || fail "$bad of $n golden outputs differ"
say "$n golden outputs match"
