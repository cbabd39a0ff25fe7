#!/bin/sh
# cts-sensitivity.sh - every conformance test fails against an iscsi-reftgt
# defect that breaks its rule (ci/sensitivity.sh prints
# "N tests, N failed against a defect").
. "$(dirname "$0")/lib.sh"
timeout 1200 sh "$TOP/ci/sensitivity.sh" || fail "a test is not shown to fail"
say PASS
