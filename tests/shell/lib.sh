# tests/shell/lib.sh - helpers for the shell-level tests (POSIX sh).
#
# Every server a test starts is started here, on a loopback port the test
# chose or the server picked, is bounded in time, and is stopped by PID
# (never by name) when the test exits.

set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$TOP/bin
WORK=$(mktemp -d "${TMPDIR:-/tmp}/iscsi-cts-test.XXXXXX")
PIDS=

cleanup() {
	for p in $PIDS; do
		stop_pid "$p"
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*"; }
fail() {
	say "FAIL: $*"
	exit 1
}

# stop_pid PID: SIGTERM, wait up to 5 s, then SIGKILL.
stop_pid() {
	kill -0 "$1" 2>/dev/null || return 0
	kill -TERM "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		say "note: pid $1 ignored SIGTERM for 5 s; killing"
		kill -KILL "$1" 2>/dev/null
	fi
	wait "$1" 2>/dev/null || true
}

# free_port: a TCP port nobody listens on now, from a range unlikely to be
# used (the caller still has to handle losing a race by retrying).
free_port() {
	while :; do
		p=$(( ($(od -An -N2 -tu2 /dev/urandom) % 20000) + 30000 ))
		if ! ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p"
			return
		fi
	done
}

# start_reftgt NAME ARGS...: starts bin/iscsi-reftgt with --portal
# 127.0.0.1:0 and ARGS, waits (10 s at most) for its "listening on" line and
# sets REFTGT_PID and REFTGT_PORT. Output goes to $WORK/NAME.log.
start_reftgt() {
	name=$1
	shift
	log=$WORK/$name.log
	"$BIN/iscsi-reftgt" --portal 127.0.0.1:0 "$@" >"$log" 2>&1 &
	REFTGT_PID=$!
	PIDS="$PIDS $REFTGT_PID"
	i=0
	REFTGT_PORT=
	while [ $i -lt 100 ]; do
		REFTGT_PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log" | head -n 1)
		[ -n "$REFTGT_PORT" ] && return 0
		kill -0 "$REFTGT_PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	cat "$log"
	fail "iscsi-reftgt did not start"
}

# cunit_counts LOG: prints "RAN PASSED FAILED" from a CUnit run summary.
cunit_counts() {
	awk '$1 == "tests" { print $3, $4, $5 }' "$1" | tail -n 1
}
