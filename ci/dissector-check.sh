#!/bin/sh
# ci/dissector-check.sh - cross-check iscsi-pcap's decode with Wireshark's.
#
#   sh ci/dissector-check.sh [CAPTURE...]      (default: tests/pcap/*.pcap*)
#
# For every capture it runs
#   tshark -r FILE -o iscsi.target_ports:PORT -Y iscsi -T fields
#          -e frame.number -e iscsi.FIELD ...
#   bin/iscsi-pcap fields --port PORT -e frame.number -e iscsi.FIELD ... FILE
# with every Wireshark field of proto/fields.c's table (the WS rows: the
# fields both decode), and compares the two outputs line by line and
# column by column. PORT comes from FILE's NAME.port beside it (3260 when
# absent). A capture neither tool can read (garbage) must give no line
# from either. Fields listed in EXCLUDE are documented Wireshark defects
# (docs/wireshark-notes.md says why each is excluded); none is excluded
# today. Prints per-capture counts and a closing
#   "dissector-check: N captures, N fields, N values compared, N disagreements"
# and exits 0 only with 0 disagreements.
set -u
cd "$(dirname "$0")/.."
TSHARK=${TSHARK:-tshark}
PCAP=${PCAP:-bin/iscsi-pcap}
# Wireshark defects excluded from the comparison (see docs/wireshark-notes.md).
EXCLUDE=${EXCLUDE:-}

command -v "$TSHARK" >/dev/null 2>&1 || {
	echo "dissector-check: $TSHARK not found (a declared dependency)"
	exit 1
}
[ -x "$PCAP" ] || { echo "dissector-check: $PCAP not built"; exit 1; }

FIELDS=
for f in $(sed -n 's/.*WS\(_IF\)\{0,1\}("\(iscsi\.[^"]*\)".*/\2/p' proto/fields.c |
	awk '!seen[$0]++'); do
	skip=0
	for x in $EXCLUDE; do [ "$x" = "$f" ] && skip=1; done
	[ $skip -eq 0 ] && FIELDS="$FIELDS $f"
done
nf=$(echo $FIELDS | wc -w)
[ "$nf" -gt 0 ] || { echo "dissector-check: no fields in proto/fields.c"; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/dissector-check.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

[ $# -gt 0 ] || set -- tests/pcap/*.pcap*
CAPS="$*"
ncap=0
total_vals=0
total_bad=0
for cap in $CAPS; do
	[ -f "$cap" ] || continue
	base=${cap%.pcapng}
	base=${base%.pcap}
	port=3260
	[ -f "$base.port" ] && port=$(cat "$base.port")
	ncap=$((ncap + 1))
	cap_vals=0
	cap_bad=0
	cap_lines=0
	# iscsi-pcap fields takes at most 64 columns: compare in chunks
	rest=$FIELDS
	while [ -n "$rest" ]; do
	chunk=$(echo $rest | cut -d' ' -f1-30)
	rest=$(echo $rest | cut -s -d' ' -f31-)
	args="-e frame.number"
	for f in $chunk; do args="$args -e $f"; done
	# shellcheck disable=SC2086
	"$TSHARK" -r "$cap" -o "iscsi.target_ports:$port" -Y iscsi -T fields \
		$args >"$TMP/ws" 2>"$TMP/ws.err"
	# shellcheck disable=SC2086
	"$PCAP" fields --port "$port" $args "$cap" >"$TMP/us" 2>"$TMP/us.err"
	res=$(awk -F '\t' -v names="frame.number $chunk" '
		BEGIN { n = split(names, nm, " ") }
		NR == FNR { ws[FNR] = $0; nws = FNR; next }
		{ us[FNR] = $0; nus = FNR }
		END {
			lines = nws > nus ? nws : nus
			for (i = 1; i <= lines; i++) {
				a = (i in ws) ? ws[i] : ""
				b = (i in us) ? us[i] : ""
				na = split(a, fa, "\t")
				nb = split(b, fb, "\t")
				for (c = 1; c <= n; c++) {
					va = c <= na ? fa[c] : "<missing line>"
					vb = c <= nb ? fb[c] : "<missing line>"
					if (!(i in ws)) va = "<no line>"
					if (!(i in us)) vb = "<no line>"
					vals++
					if (va != vb) {
						bad++
						if (shown++ < 20)
							printf("  line %d %s: tshark \"%s\" iscsi-pcap \"%s\"\n",
							       i, nm[c], va, vb) > "/dev/stderr"
					}
				}
			}
			printf("%d %d %d\n", lines, vals + 0, bad + 0)
		}' "$TMP/ws" "$TMP/us")
	# shellcheck disable=SC2086
	set -- $res
	cap_lines=$1
	cap_vals=$((cap_vals + $2))
	cap_bad=$((cap_bad + $3))
	done
	echo "$cap: port $port, $cap_lines frames, $cap_vals values, $cap_bad disagreements"
	total_vals=$((total_vals + cap_vals))
	total_bad=$((total_bad + cap_bad))
done
echo "dissector-check: $ncap captures, $nf fields, $total_vals values compared, $total_bad disagreements"
[ "$total_bad" -eq 0 ]
