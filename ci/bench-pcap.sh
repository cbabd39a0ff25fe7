#!/bin/sh
# ci/bench-pcap.sh - iscsi-pcap throughput and memory (issue 5, Performance).
#
# Generates synthetic captures (build/tools/gen-capture) in a temporary
# directory, removed at the end:
#   read4k  ~1 GiB of 4 KiB READ(10)s at queue depth 32
#   mixed   ~300 MiB of reads and writes of 512 B..1 MiB, R2Ts, NOPs,
#           four connections
#   frames  ~300 MiB of 4 KiB reads in 1448-byte TCP segments (1500-byte
#           frames, as a capture without segmentation offload looks)
# and measures on each, in one run, with the repetitions interleaved
# (round 1: every command once, round 2: again...):
#   validate   bin/iscsi-pcap validate FILE
#   fields     bin/iscsi-pcap fields -e iscsi.opcode -e iscsi.cmdsn FILE
#   tshark     tshark -r FILE -o iscsi.target_ports:3260 -T fields
#              -e iscsi.opcode -e iscsi.cmdsn
#   walk       build/tools/pcap-walk FILE (pcap_open_offline +
#              pcap_next_ex over every record: the floor)
# Each figure is the median of BENCH_PCAP_ROUNDS (3) runs, files read
# from the page cache. tshark runs under a timeout; when one run on the
# full capture would take longer than TSHARK_BUDGET seconds (40), it runs
# on a capture of the same mode of 200 MiB instead and its rate is used
# for the full file (the table says so). Peak memory (max RSS) of
# iscsi-pcap comes from /usr/bin/time. With less than 5 GB free in TMPDIR
# the capture sizes are divided by 4.
#
# Goals: validate >= 1.5 GB/s, >= 20x tshark, within 3x of the walk, peak
# RSS <= 64 MiB whatever the capture size.
#
# Environment: BENCH_PCAP_ROUNDS (3), BENCH_PCAP_READ_MB (1024),
# BENCH_PCAP_MIXED_MB (300), BENCH_OUT (a file that receives the table).
# MB/s below are 10^6 bytes per second of capture file.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${BENCH_PCAP_ROUNDS:-3}
READ_MB=${BENCH_PCAP_READ_MB:-1024}
MIXED_MB=${BENCH_PCAP_MIXED_MB:-300}
PART_MB=200
# 4 KiB reads in ordinary 1448-byte segments (1500-byte frames), as a
# capture without segmentation offload looks: many more frames per byte.
FRAMES_MB=${BENCH_PCAP_FRAMES_MB:-300}
FRAMES_PART_MB=100
TSHARK_BUDGET=${TSHARK_BUDGET:-40}
TSHARK_TIMEOUT=300
PCAP=$TOP/bin/iscsi-pcap
GEN=$TOP/build/tools/gen-capture
WALK=$TOP/build/tools/pcap-walk

for tool in tshark awk timeout /usr/bin/time df; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "bench-pcap: $tool not found (run: sh ci/deps.sh)" >&2
		exit 1
	fi
done
[ -x "$PCAP" ] || {
	echo "bench-pcap: bin/iscsi-pcap missing (make all)" >&2
	exit 1
}
(cd "$TOP" && make -s build/tools/gen-capture build/tools/pcap-walk) || exit 1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/iscsi-cts-bench-pcap.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

free_kb=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
if [ "${free_kb:-0}" -lt 5000000 ]; then
	READ_MB=$((READ_MB / 4))
	MIXED_MB=$((MIXED_MB / 4))
	PART_MB=$((PART_MB / 4))
	FRAMES_MB=$((FRAMES_MB / 4))
	FRAMES_PART_MB=$((FRAMES_PART_MB / 4))
	echo "bench-pcap: only $((free_kb / 1024)) MiB free in $WORK: captures scaled down to a quarter"
fi

# now_ns: nanoseconds since the epoch (GNU date).
now_ns() { date +%s%N; }

# run_timed NAME FILE CMD...: runs CMD (stdout discarded), appends
# "NAME FILE SECONDS RSS_KB RC" to $WORK/results.
run_timed() {
	_name=$1
	_file=$2
	shift 2
	_t0=$(now_ns)
	/usr/bin/time -f %M -o "$WORK/rss" "$@" >/dev/null 2>"$WORK/err"
	_rc=$?
	_t1=$(now_ns)
	_rss=$(tail -n 1 "$WORK/rss" 2>/dev/null)
	echo "$_name $_file $(((_t1 - _t0) / 1000)) ${_rss:-0} $_rc" >>"$WORK/results"
}

echo "bench-pcap: generating captures in $WORK"
for spec in "read4k $READ_MB read4k" "mixed $MIXED_MB mixed" \
	"read4k $FRAMES_MB frames 1448" \
	"read4k $PART_MB read4k-part" "mixed $PART_MB mixed-part" \
	"read4k $FRAMES_PART_MB frames-part 1448"; do
	# shellcheck disable=SC2086  # splitting the spec into words is intended
	set -- $spec
	_t0=$(now_ns)
	"$GEN" "$1" "$2" "$WORK/$3.pcap" ${4:-} || exit 1
	_t1=$(now_ns)
	_sz=$(wc -c <"$WORK/$3.pcap")
	echo "  $3.pcap: $_sz bytes in $(((_t1 - _t0) / 1000000)) ms"
done
# Every file is read once before measuring: all runs read the page cache.
cat "$WORK"/*.pcap >/dev/null

# Which file tshark reads for each capture: the full one when a run fits
# in the budget (estimated from one run on the 200 MiB part).
: >"$WORK/results"
for c in read4k mixed frames; do
	run_timed tshark-probe "$c-part" timeout "$TSHARK_TIMEOUT" tshark \
		-r "$WORK/$c-part.pcap" -o iscsi.target_ports:3260 -T fields \
		-e iscsi.opcode -e iscsi.cmdsn
	us=$(awk '$1 == "tshark-probe" && $2 == "'"$c-part"'" { print $3 }' "$WORK/results")
	full=$(wc -c <"$WORK/$c.pcap")
	part=$(wc -c <"$WORK/$c-part.pcap")
	est=$(awk -v us="$us" -v f="$full" -v p="$part" 'BEGIN { printf "%d", us / 1e6 * f / p }')
	if [ "$est" -le "$TSHARK_BUDGET" ]; then
		eval "TS_$c=$c"
	else
		eval "TS_$c=$c-part"
		echo "bench-pcap: tshark would take ~${est} s per run on $c.pcap: measured on $c-part.pcap ($part bytes) and scaled"
	fi
done

i=1
while [ $i -le "$ROUNDS" ]; do
	echo "bench-pcap: round $i of $ROUNDS"
	for c in read4k mixed frames; do
		f=$WORK/$c.pcap
		ts=$c
		eval "ts=\$TS_$c"
		run_timed walk "$c" "$WALK" "$f"
		run_timed validate "$c" "$PCAP" validate "$f"
		run_timed fields "$c" "$PCAP" fields -e iscsi.opcode -e iscsi.cmdsn "$f"
		run_timed tshark "$ts" timeout "$TSHARK_TIMEOUT" tshark -r "$WORK/$ts.pcap" \
			-o iscsi.target_ports:3260 -T fields -e iscsi.opcode -e iscsi.cmdsn
	done
	i=$((i + 1))
done

# Sizes, then the table: median time per (tool, capture), MB/s from the
# size of the file that tool read.
for c in read4k mixed frames read4k-part mixed-part frames-part; do
	echo "size $c $(wc -c <"$WORK/$c.pcap")"
done >"$WORK/sizes"

awk -v rounds="$ROUNDS" '
FILENAME ~ /sizes$/ { size[$2] = $3; next }
$1 == "tshark-probe" { next }
{
	cap = $2; base = cap; sub(/-part$/, "", base)
	key = $1 " " base
	n[key]++; t[key, n[key]] = $3 / 1e6; file[key] = cap
	if ($4 > rss[key]) rss[key] = $4
	if ($5 != 0 && !($1 == "validate" && $5 == 1)) bad[key] = $5
}
function median(key,   i, j, k, a, m) {
	m = n[key]
	for (i = 1; i <= m; i++) a[i] = t[key, i]
	for (i = 2; i <= m; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			k = a[j]; a[j] = a[j - 1]; a[j - 1] = k
		}
	return a[int((m + 1) / 2)]
}
END {
	ncaps = split("read4k mixed frames", caps, " ")
	split("validate fields tshark walk", tools, " ")
	printf "%-8s %-9s %12s %9s %10s %10s  %s\n", "capture", "tool", \
	       "bytes", "median s", "MB/s", "peak RSS", "note"
	for (ci = 1; ci <= ncaps; ci++) {
		c = caps[ci]
		for (ti = 1; ti <= 4; ti++) {
			key = tools[ti] " " c
			if (!(key in n)) continue
			s = median(key); f = file[key]
			rate[key] = s > 0 ? size[f] / s / 1e6 : 0
			note = f != c ? "on " f ".pcap, scaled" : ""
			if (key in bad) note = note " exit " bad[key] "!"
			printf "%-8s %-9s %12d %9.3f %10.0f %7.1f MiB  %s\n", \
			       c, tools[ti], size[f], s, rate[key], \
			       rss[key] / 1024, note
		}
	}
	printf "\nratios (MB/s over MB/s)             read4k     mixed    frames   goal\n"
	split("validate/tshark validate/walk fields/tshark fields/walk", rs, " ")
	for (ri = 1; ri <= 4; ri++) {
		split(rs[ri], ab, "/")
		printf "  %-32s", ab[1] " vs " ab[2]
		for (ci = 1; ci <= ncaps; ci++) {
			a = rate[ab[1] " " caps[ci]]; b = rate[ab[2] " " caps[ci]]
			printf " %8.2fx", (b > 0 ? a / b : 0)
		}
		printf "   %s\n", ab[2] == "tshark" ? ">= 20x" : ">= 0.33x"
	}
	printf "\ngoals: validate >= 1500 MB/s; peak RSS <= 64 MiB " \
	       "(%d rounds, median)\n", rounds
}' "$WORK/sizes" "$WORK/results" | sed 's/ *$//' >"$WORK/table"

echo
cat "$WORK/table"
if [ -n "${BENCH_OUT:-}" ]; then
	cp "$WORK/table" "$BENCH_OUT"
fi
