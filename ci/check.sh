#!/bin/sh
# ci/check.sh - run every test of the project and print one closing line.
#
# Called by `make check` after the build. Steps:
#   unit tests (gcc build, clang build, ASan+UBSan build),
#   short libFuzzer runs from the committed seed corpora,
#   shell-level tests (tests/shell/*.sh: real servers on loopback).
# Each step's pass/fail counts are added up; the script ends with
#   "N passed, N failed"
# and exits non-zero when anything failed.
set -u
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-20}
out=build/check
mkdir -p "$out"
passed=0
failed=0

# CUnit prints a "tests" row: "tests  TOTAL  RAN  PASSED  FAILED  INACTIVE".
unit_step() {
	name=$1
	shift
	log=$out/unit-$name.log
	echo "== unit tests ($name)"
	"$@" >"$log" 2>&1
	rc=$?
	tail -n 8 "$log"
	row=$(awk '$1 == "tests" { print $3, $4, $5 }' "$log" | tail -n 1)
	if [ -z "$row" ]; then
		echo "unit tests ($name): no CUnit summary (exit $rc); log: $log"
		failed=$((failed + 1))
		return
	fi
	set -- $row
	passed=$((passed + $2))
	failed=$((failed + $3))
	if [ "$rc" -ne 0 ] && [ "$3" -eq 0 ]; then
		# assertion failures or a sanitizer report without a failed test
		echo "unit tests ($name): exit $rc; see $log"
		grep -E 'ERROR: |runtime error|FAILED' "$log" | head -n 20
		failed=$((failed + 1))
	fi
}

unit_step gcc build/gcc/unit-tests
unit_step clang build/clang/unit-tests
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	unit_step asan build/asan/unit-tests

echo "== fuzz targets (${FUZZ_SECONDS}s each)"
for f in build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	if sh tests/fuzz/run.sh "$FUZZ_SECONDS" "$f"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done

echo "== shell tests"
for t in tests/shell/*.sh; do
	case $t in */lib.sh) continue ;; esac
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	log=$out/shell-$name.log
	start=$(date +%s)
	if timeout 1200 sh "$t" >"$log" 2>&1; then
		echo "PASS $name ($(($(date +%s) - start)) s)"
		passed=$((passed + 1))
	else
		echo "FAIL $name ($(($(date +%s) - start)) s); last lines of $log:"
		tail -n 30 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
