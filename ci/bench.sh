#!/bin/sh
# ci/bench.sh - `make bench`: iscsi-reftgt against tgt (tgtd) and istgt on
# loopback, in one run, measurements interleaved (reftgt tgt istgt iperf3,
# round after round), printed as a table with paired ratios.
#
#   (a) 4 KiB random read, queue depth 32 (libiscsi iscsi-perf): IOPS
#   (b) 1 MiB sequential read, queue depth 8: MiB/s, against iperf3's
#       loopback TCP rate measured in the same round
#   (c) target CPU time (utime+stime of the target process, all threads,
#       /proc/PID/stat) per IO of run (a)
#   (d) login latency: a loop of iscsi-inq runs (login, INQUIRY, logout;
#       wall time per run, process start included) and, when tshark can
#       capture on lo, the time on the wire from the first Login Request
#       to the Login Response that enters full feature phase (T=1, NSG=3)
#
# Every server is started here on loopback ports chosen here and stopped by
# its PID.  Environment: BENCH_ROUNDS (5), BENCH_SECS (5, per iscsi-perf and
# iperf3 run), BENCH_LOGINS (10 per target and round), BENCH_OUT (a file
# that receives the final table too).  Goals (issue 3): (a) reftgt >= 1.3x
# istgt, (b) >= 95% of iperf3, (c) <= 8 us per IO, (d) < 1 ms.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/ci/istgt-env.sh"
ROUNDS=${BENCH_ROUNDS:-5}
SECS=${BENCH_SECS:-5}
LOGINS=${BENCH_LOGINS:-10}
IMG_MB=128
IQN_R=iqn.2026-11.org.iscsi-cts:bench
IQN_T=iqn.2026-11.org.iscsi-cts:bench-tgt
IQN_I=iqn.2007-09.jp.ne.peach.istgt:disk1
TARGETS="reftgt tgt istgt"

for tool in iscsi-perf iscsi-inq tgtd tgtadm istgt iperf3 ss awk timeout; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "bench: $tool not found (run: sh ci/deps.sh)" >&2
		exit 1
	fi
done
[ -x "$TOP/bin/iscsi-reftgt" ] || {
	echo "bench: bin/iscsi-reftgt missing (make all)" >&2
	exit 1
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/iscsi-cts-bench.XXXXXX") || exit 1
PIDS=
TGT_CTL=

# ---- helpers ----------------------------------------------------------------

# Stop one process we started: SIGTERM, SIGKILL after 5 s.
stop_pid() {
	_p=$1
	kill "$_p" 2>/dev/null || return 0
	_i=0
	while kill -0 "$_p" 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -9 "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
}

cleanup() {
	# tgtd ignores SIGTERM: ask it to exit first (SIGKILL follows if not).
	if [ -n "$TGT_CTL" ]; then
		tgtadm -C "$TGT_CTL" --op delete --mode system >/dev/null 2>&1
	fi
	istgt_down
	for p in $PIDS; do
		stop_pid "$p"
	done
	if [ -n "$TGT_CTL" ]; then
		rm -f "/var/run/tgtd/socket.$TGT_CTL" \
			"/var/run/tgtd/socket.$TGT_CTL.lock"
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ns() {
	date +%s%N
}

# A TCP port nobody listens on (nor one of ours already chosen).
TAKEN=
free_port() {
	_seed=$(now_ns)
	_n=0
	while [ $_n -lt 200 ]; do
		_p=$(awk -v s="$_seed" -v n="$_n" \
			'BEGIN { srand((s + n * 7919) % 2147483647);
				 print 20000 + int(rand() * 30000) }')
		_n=$((_n + 1))
		case " $TAKEN " in *" $_p "*) continue ;; esac
		if [ -z "$(ss -Htan "sport = :$_p" 2>/dev/null)" ]; then
			TAKEN="$TAKEN $_p"
			echo "$_p"
			return 0
		fi
	done
	echo "bench: no free port found" >&2
	return 1
}

# utime+stime (clock ticks) of a process and all its threads.
cpu_ticks() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# Wait until an iSCSI URL answers INQUIRY (10 s at most).
wait_iscsi() {
	_i=0
	until timeout 5 iscsi-inq "$1" >/dev/null 2>&1; do
		_i=$((_i + 1))
		if [ $_i -ge 100 ] || ! kill -0 "$2" 2>/dev/null; then
			return 1
		fi
		sleep 0.1
	done
}

# Last "iops average N" an iscsi-perf log printed (progress lines end in \r).
perf_iops() {
	tr '\r' '\n' <"$1" | sed -n 's/.*iops average \([0-9]*\).*/\1/p' |
		tail -n 1
}

RESULTS=$WORK/results # lines: ROUND TARGET METRIC VALUE
: >"$RESULTS"
record() {
	echo "$1 $2 $3 $4" >>"$RESULTS"
}

# ---- servers ------------------------------------------------------------------

IMG=$WORK/lun.img
# A real (not sparse) image, so every target reads the same cached pages.
dd if=/dev/zero of="$IMG" bs=1M count=$IMG_MB status=none || exit 1

start_reftgt() {
	"$TOP/bin/iscsi-reftgt" --portal 127.0.0.1:0 --target "$IQN_R" \
		--lun "0:$IMG" --login-timeout 30 >"$WORK/reftgt.log" 2>&1 &
	PID_reftgt=$!
	PIDS="$PIDS $PID_reftgt"
	_i=0
	PORT_reftgt=
	while [ -z "$PORT_reftgt" ] && [ $_i -lt 100 ]; do
		sleep 0.05
		PORT_reftgt=$(sed -n \
			's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
			"$WORK/reftgt.log" | head -n 1)
		_i=$((_i + 1))
	done
	[ -n "$PORT_reftgt" ] || return 1
	TAKEN="$TAKEN $PORT_reftgt"
	URL_reftgt=iscsi://127.0.0.1:$PORT_reftgt/$IQN_R/0
	wait_iscsi "$URL_reftgt" "$PID_reftgt"
}

start_tgt() {
	PORT_tgt=$(free_port) || return 1
	# tgtd's control port names a UNIX socket /var/run/tgtd/socket.N.
	TGT_CTL=$((PORT_tgt % 10000 + 1000))
	tgtd -f --iscsi "portal=127.0.0.1:$PORT_tgt" -C "$TGT_CTL" \
		>"$WORK/tgt.log" 2>&1 &
	PID_tgt=$!
	PIDS="$PIDS $PID_tgt"
	_i=0
	until tgtadm -C "$TGT_CTL" --mode sys --op show >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] && kill -0 "$PID_tgt" 2>/dev/null || return 1
		sleep 0.1
	done
	tgtadm -C "$TGT_CTL" --lld iscsi --op new --mode target --tid 1 \
		-T "$IQN_T" &&
		tgtadm -C "$TGT_CTL" --lld iscsi --op new --mode logicalunit \
			--tid 1 --lun 1 -b "$IMG" &&
		tgtadm -C "$TGT_CTL" --lld iscsi --op bind --mode target \
			--tid 1 -I ALL || return 1
	URL_tgt=iscsi://127.0.0.1:$PORT_tgt/$IQN_T/1
	wait_iscsi "$URL_tgt" "$PID_tgt"
}

# istgt (ci/istgt-env.sh) with the shared image at disk1's LUN 0.
start_istgt() {
	# its log is DIR/istgt.log; the failure message below reads $WORK/istgt.log
	ln -s istgt/istgt.log "$WORK/istgt.log"
	istgt_up "$WORK/istgt" "$IMG" || return 1
	PORT_istgt=$ISTGT_PORT
	PID_istgt=$ISTGT_PID
	URL_istgt=iscsi://127.0.0.1:$PORT_istgt/$IQN_I/0
	TAKEN="$TAKEN $PORT_istgt"
}

for t in $TARGETS; do
	if ! "start_$t"; then
		echo "bench: $t did not come up; its log:" >&2
		cat "$WORK/$t.log" >&2
		exit 1
	fi
done

# The capacity line of iscsi-perf gives the block size: 1 MiB in blocks.
url_of() { eval "echo \$URL_$1"; }
pid_of() { eval "echo \$PID_$1"; }
port_of() { eval "echo \$PORT_$1"; }

blocks_1m() {
	timeout $((SECS + 20)) iscsi-perf -m 1 -t 1 "$1" >"$WORK/cap.log" 2>&1
	tr '\r' '\n' <"$WORK/cap.log" | awk '/capacity is/ {
		bs = $6 / $3; if (bs > 0) print int(1048576 / bs); exit }'
}

PERF_TMO=$((SECS + 20))

# ---- one round against one target -------------------------------------------

CAPTURE=no
if command -v tshark >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	CAPTURE=yes
fi

# Login latency on the wire: first Login Request of each TCP stream to the
# Login Response with T=1 and NSG=3 (full feature phase), ms, averaged.
wire_login_ms() {
	tshark -r "$1" -d "tcp.port==$2,iscsi" -Y iscsi -T fields \
		-e frame.time_epoch -e tcp.stream -e iscsi.opcode \
		-e iscsi.login.T -e iscsi.login.nsg 2>/dev/null | awk '
	$3 == "0x03" && !($2 in t0) { t0[$2] = $1 }
	$3 == "0x23" && $4 == "1" && $5 == "0x03" && ($2 in t0) &&
	    !($2 in t1) { t1[$2] = $1; n++; sum += ($1 - t0[$2]) * 1000 }
	END { if (n) printf "%.3f\n", sum / n }'
}

login_loop() {
	_t=$1
	_r=$2
	_url=$(url_of "$_t")
	_cap=
	if [ $CAPTURE = yes ]; then
		_cap=$WORK/login-$_t-$_r.pcapng
		timeout 600 tshark -q -i lo -f "tcp port $(port_of "$_t")" \
			-w "$_cap" >/dev/null 2>&1 &
		_tpid=$!
		_i=0
		while [ ! -s "$_cap" ] && [ $_i -lt 100 ]; do
			sleep 0.05
			_i=$((_i + 1))
		done
		sleep 0.3
	fi
	_fail=0
	_t0=$(now_ns)
	_i=0
	while [ $_i -lt "$LOGINS" ]; do
		timeout 10 iscsi-inq "$_url" >/dev/null 2>&1 ||
			_fail=$((_fail + 1))
		_i=$((_i + 1))
	done
	_t1=$(now_ns)
	record "$_r" "$_t" login_wall_ms \
		"$(awk -v a="$_t0" -v b="$_t1" -v n="$LOGINS" \
			'BEGIN { printf "%.3f", (b - a) / 1e6 / n }')"
	[ $_fail -eq 0 ] || echo "bench: $_t: $_fail iscsi-inq runs failed" >&2
	if [ -n "$_cap" ]; then
		sleep 0.3
		stop_pid "$_tpid"
		_ms=$(wire_login_ms "$_cap" "$(port_of "$_t")")
		[ -n "$_ms" ] && record "$_r" "$_t" login_wire_ms "$_ms"
		rm -f "$_cap"
	fi
}

bench_target() {
	_t=$1
	_r=$2
	_url=$(url_of "$_t")
	_pid=$(pid_of "$_t")

	# (a) + (c): 4 KiB random read at QD32, CPU of the target process.
	_c0=$(cpu_ticks "$_pid")
	timeout $PERF_TMO iscsi-perf -m 32 -b "$(eval "echo \$B4K_$_t")" -r \
		-t "$SECS" "$_url" >"$WORK/perf.log" 2>&1
	_rc=$?
	_c1=$(cpu_ticks "$_pid")
	_iops=$(perf_iops "$WORK/perf.log")
	[ $_rc -eq 0 ] || echo "bench: $_t: 4K run exit $_rc" >&2
	if [ -n "$_iops" ] && [ "$_iops" -gt 0 ]; then
		record "$_r" "$_t" iops4k "$_iops"
		record "$_r" "$_t" cpu_us "$(awk -v c=$((_c1 - _c0)) \
			-v hz="$(getconf CLK_TCK)" -v i="$_iops" -v s="$SECS" \
			'BEGIN { printf "%.2f", c / hz * 1e6 / (i * s) }')"
	fi

	# (b): 1 MiB sequential read at QD8 (each IO is one MiB: MiB/s = IOPS).
	timeout $PERF_TMO iscsi-perf -m 8 -b "$(eval "echo \$B1M_$_t")" \
		-t "$SECS" "$_url" >"$WORK/perf.log" 2>&1
	_rc=$?
	[ $_rc -eq 0 ] || echo "bench: $_t: 1M run exit $_rc" >&2
	_iops=$(perf_iops "$WORK/perf.log")
	[ -n "$_iops" ] && record "$_r" "$_t" mibs1m "$_iops"

	# (d): logins.
	login_loop "$_t" "$_r"
}

bench_iperf() {
	_r=$1
	_p=$(free_port) || return 1
	iperf3 -s -1 -p "$_p" -B 127.0.0.1 >"$WORK/iperf-s.log" 2>&1 &
	_spid=$!
	_i=0
	while [ -z "$(ss -Htln "sport = :$_p" 2>/dev/null)" ] &&
		[ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	timeout $((SECS + 20)) iperf3 -c 127.0.0.1 -p "$_p" -t "$SECS" -J \
		>"$WORK/iperf.json" 2>/dev/null
	stop_pid "$_spid"
	# sum_received.bits_per_second, in MiB/s.
	_v=$(awk '/"sum_received"/ { f = 1 }
		f && /"bits_per_second"/ {
			gsub(/[^0-9.e+]/, "", $2);
			printf "%.0f\n", $2 / 8 / 1048576; exit }' \
		"$WORK/iperf.json")
	[ -n "$_v" ] && record "$_r" iperf3 mibs1m "$_v"
}

for t in $TARGETS; do
	_b=$(blocks_1m "$(url_of "$t")")
	[ -n "$_b" ] || {
		echo "bench: $t: cannot read its capacity" >&2
		exit 1
	}
	eval "B1M_$t=$_b"
	eval "B4K_$t=$((_b / 256))"
done

NCPU=$(nproc)
echo "bench: $NCPU CPUs; $ROUNDS rounds of: $TARGETS iperf3;" \
	"${SECS}s per run, $LOGINS logins per target and round"
echo "bench: reftgt $URL_reftgt (pid $PID_reftgt)"
echo "bench: tgt    $URL_tgt (pid $PID_tgt, control port $TGT_CTL)"
echo "bench: istgt  $URL_istgt (pid $PID_istgt)"
START=$(now_ns)
r=1
while [ $r -le "$ROUNDS" ]; do
	for t in $TARGETS; do
		bench_target "$t" "$r"
	done
	bench_iperf "$r"
	echo "bench: round $r done ($(awk -v a="$START" -v b="$(now_ns)" \
		'BEGIN { printf "%.0f", (b - a) / 1e9 }')s)"
	r=$((r + 1))
done

for t in $TARGETS; do
	kill -0 "$(pid_of "$t")" 2>/dev/null ||
		echo "bench: WARNING: $t died during the run" >&2
done

# ---- report ---------------------------------------------------------------------

report() {
	awk -v rounds="$ROUNDS" -v secs="$SECS" -v logins="$LOGINS" \
		-v ncpu="$NCPU" -v when="$(date -u '+%Y-%m-%d %H:%M UTC')" '
	function median(key,   n, i, j, v, a, tmp) {
		n = cnt[key]
		if (!n) return ""
		for (i = 1; i <= n; i++) a[i] = val[key, i]
		for (i = 2; i <= n; i++) {
			tmp = a[i]
			for (j = i - 1; j >= 1 && a[j] > tmp; j--) a[j + 1] = a[j]
			a[j + 1] = tmp
		}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function add(key, v) { val[key, ++cnt[key]] = v }
	function fmt(v, f) { return v == "" ? "-" : sprintf(f, v) }
	{ v[$1, $2, $3] = $4; add($2 SUBSEP $3, $4); seen[$1] = 1 }
	END {
		split("reftgt tgt istgt", T, " ")
		# paired ratios, per round, then their median
		for (r = 1; r <= rounds; r++) {
			a = v[r, "reftgt", "iops4k"]
			if (a != "" && v[r, "istgt", "iops4k"] > 0)
				add("r_istgt", a / v[r, "istgt", "iops4k"])
			if (a != "" && v[r, "tgt", "iops4k"] > 0)
				add("r_tgt", a / v[r, "tgt", "iops4k"])
			a = v[r, "iperf3", "mibs1m"]
			for (k = 1; k <= 3; k++)
				if (a > 0 && v[r, T[k], "mibs1m"] != "")
					add("p_" T[k], v[r, T[k], "mibs1m"] / a)
		}
		printf "iscsi-cts bench, %s: %d CPUs, loopback, %d rounds", when, ncpu, rounds
		printf " (reftgt tgt istgt iperf3 interleaved), %ds per run\n\n", secs
		printf "| metric (median of %d rounds) | iscsi-reftgt | tgt | istgt | iperf3 |\n", rounds
		printf "|---|---:|---:|---:|---:|\n"
		printf "| (a) 4 KiB random read QD32, IOPS | %s | %s | %s | |\n",
		    fmt(median("reftgt" SUBSEP "iops4k"), "%d"),
		    fmt(median("tgt" SUBSEP "iops4k"), "%d"),
		    fmt(median("istgt" SUBSEP "iops4k"), "%d")
		printf "| (b) 1 MiB sequential read QD8, MiB/s | %s | %s | %s | %s |\n",
		    fmt(median("reftgt" SUBSEP "mibs1m"), "%d"),
		    fmt(median("tgt" SUBSEP "mibs1m"), "%d"),
		    fmt(median("istgt" SUBSEP "mibs1m"), "%d"),
		    fmt(median("iperf3" SUBSEP "mibs1m"), "%d")
		printf "| (b) share of iperf3 TCP rate | %s | %s | %s | 100%% |\n",
		    fmt(100 * median("p_reftgt"), "%.0f%%"),
		    fmt(100 * median("p_tgt"), "%.0f%%"),
		    fmt(100 * median("p_istgt"), "%.0f%%")
		printf "| (c) target CPU per 4 KiB IO, us | %s | %s | %s | |\n",
		    fmt(median("reftgt" SUBSEP "cpu_us"), "%.2f"),
		    fmt(median("tgt" SUBSEP "cpu_us"), "%.2f"),
		    fmt(median("istgt" SUBSEP "cpu_us"), "%.2f")
		printf "| (d) login to FFP on the wire, ms | %s | %s | %s | |\n",
		    fmt(median("reftgt" SUBSEP "login_wire_ms"), "%.3f"),
		    fmt(median("tgt" SUBSEP "login_wire_ms"), "%.3f"),
		    fmt(median("istgt" SUBSEP "login_wire_ms"), "%.3f")
		printf "| (d) iscsi-inq run (login+INQUIRY+logout, process start), ms | %s | %s | %s | |\n",
		    fmt(median("reftgt" SUBSEP "login_wall_ms"), "%.2f"),
		    fmt(median("tgt" SUBSEP "login_wall_ms"), "%.2f"),
		    fmt(median("istgt" SUBSEP "login_wall_ms"), "%.2f")
		printf "\nPaired ratios (per round, then the median; rounds:"
		for (k = 1; k <= cnt["r_istgt"]; k++)
			printf " %.2f", val["r_istgt", k]
		printf "):\n\n"
		x = median("r_istgt"); y = median("p_reftgt")
		c = median("reftgt" SUBSEP "cpu_us")
		w = median("reftgt" SUBSEP "login_wire_ms")
		if (w == "") w = median("reftgt" SUBSEP "login_wall_ms")
		printf "| goal | measured | met |\n|---|---:|---|\n"
		printf "| (a) reftgt/istgt 4 KiB IOPS >= 1.30x | %s | %s |\n",
		    fmt(x, "%.2fx"), (x != "" && x >= 1.3) ? "yes" : "NO"
		printf "| (a) reftgt/tgt 4 KiB IOPS (no goal) | %s | |\n",
		    fmt(median("r_tgt"), "%.2fx")
		printf "| (b) reftgt 1 MiB read >= 95%% of iperf3 | %s | %s |\n",
		    fmt(100 * y, "%.1f%%"), (y != "" && y >= 0.95) ? "yes" : "NO"
		printf "| (c) reftgt CPU per 4 KiB IO <= 8 us | %s | %s |\n",
		    fmt(c, "%.2f us"), (c != "" && c <= 8) ? "yes" : "NO"
		printf "| (d) reftgt login to FFP < 1 ms | %s | %s |\n",
		    fmt(w, "%.3f ms"), (w != "" && w < 1) ? "yes" : "NO"
		printf "\nPer round (4K IOPS / 1M MiB/s / CPU us per IO / login ms wire):\n\n"
		printf "| round | reftgt | tgt | istgt | iperf3 MiB/s |\n|---|---|---|---|---:|\n"
		for (r = 1; r <= rounds; r++) {
			printf "| %d", r
			for (k = 1; k <= 3; k++)
				printf " | %s / %s / %s / %s",
				    fmt(v[r, T[k], "iops4k"], "%d"),
				    fmt(v[r, T[k], "mibs1m"], "%d"),
				    fmt(v[r, T[k], "cpu_us"], "%.2f"),
				    fmt(v[r, T[k], "login_wire_ms"], "%.3f")
			printf " | %s |\n", fmt(v[r, "iperf3", "mibs1m"], "%d")
		}
	}' "$RESULTS"
}

echo
report | tee "${BENCH_OUT:-/dev/null}"
