#!/bin/sh
# ci/deps.sh - install every Debian package iscsi-cts needs to build and test.
#
# Idempotent and quiet when everything is present (make check and make run
# call it each time). As root it installs what is missing with apt-get; as
# another user it prints the command to run and fails.
#
#   ci/deps.sh           install what is missing
#   ci/deps.sh --check   only report; exit 1 when something is missing
set -eu

PACKAGES="gcc clang make pkg-config binutils
libpcap-dev libcunit1-dev libiscsi-dev libiscsi-bin libisal-dev libssl-dev
libjansson-dev liburing-dev libclang-rt-14-dev clang-format
tshark tgt istgt iproute2 procps psmisc coreutils jq iperf3 time"

missing=
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

if [ "${1:-}" = --check ]; then
	echo "ci/deps.sh: missing packages:$missing" >&2
	exit 1
fi

if [ "$(id -u)" != 0 ]; then
	echo "ci/deps.sh: these Debian packages are missing:$missing" >&2
	echo "ci/deps.sh: install them as root with:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi

echo "ci/deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	debconf-set-selections 2>/dev/null || true
apt-get update -qq
# shellcheck disable=SC2086  # word splitting of the package list is intended
apt-get install -y -qq --no-install-recommends $missing >/dev/null
# Debian starts packaged daemons on install where it can; our tests start
# their own instances on ports they choose, so stop any packaged service.
for svc in tgt istgt; do
	if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
		systemctl stop "$svc" || true
	fi
done
echo "ci/deps.sh: done"
