#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run.sh SECONDS BIN... - run each libFuzzer binary build/fuzz/NAME for
# SECONDS from a copy of its seed corpus tests/fuzz/corpus/NAME (so the
# committed corpus is never modified), and print one line per target.
# Crash inputs are kept under build/fuzz/artifacts/NAME/ for reproduction
# (run the binary with the file as its argument).
# Exit status is non-zero if any target crashed, hung or failed to run.

set -u

usage() {
	echo "usage: $0 SECONDS BIN..." >&2
	exit 2
}

[ $# -ge 2 ] || usage
secs=$1
shift
case $secs in
'' | *[!0-9]*) usage ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-run.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0

for bin in "$@"; do
	name=$(basename "$bin")
	corpus=$tmp/$name.corpus
	log=$tmp/$name.log
	art=$(dirname "$bin")/artifacts/$name
	if [ ! -x "$bin" ]; then
		echo "$name: FAILED (no executable $bin)"
		status=1
		continue
	fi
	mkdir -p "$corpus" "$art" || exit 2
	if [ -d "$here/corpus/$name" ]; then
		cp -R "$here/corpus/$name/." "$corpus/" || exit 2
	fi
	before=$(ls "$art" | wc -l)
	timeout $((secs + 60)) "$bin" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$art/" "$corpus" \
		>"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	if [ -z "$runs" ]; then
		runs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" | tail -n 1)
	fi
	crashes=$(($(ls "$art" | wc -l) - before))
	if [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ]; then
		echo "$name: ok, ${runs:-0} runs in ${secs}s, 0 crashes"
		continue
	fi
	status=1
	case $rc in
	124) why="hung past $((secs + 60))s" ;;
	*) why="exit $rc" ;;
	esac
	echo "$name: FAILED ($why), ${runs:-0} runs, $crashes crashes," \
		"artifacts in $art/"
	tail -n 40 "$log" | sed "s/^/    $name: /"
done
exit $status
