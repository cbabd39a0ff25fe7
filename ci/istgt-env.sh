# ci/istgt-env.sh - start istgt (Debian package istgt 0.4) on loopback.
#
# Sourced by POSIX sh scripts (ci/bench.sh, tests/pcap/make-corpus.sh):
#   . ci/istgt-env.sh
#   istgt_up DIR [IMAGE]
#       starts istgt in the foreground on 127.0.0.1 with a port it chose
#       (and a second one for the [UnitControl] portal istgt insists on),
#       waits until a login works and writes DIR/profile.conf; sets
#       ISTGT_PID, ISTGT_PORT, ISTGT_URL, ISTGT_PROFILE (config, LUN files
#       and log DIR/istgt.log all in DIR).  IMAGE, when given, backs disk1's
#       LUN 0 instead of a 64 MiB sparse file in DIR.
#   istgt_down
#       stops it by PID (SIGTERM, then SIGKILL after 5 s)
#
# Layout:
#   iqn.2007-09.jp.ne.peach.istgt:disk1       LUN 0 (64 MiB file), no auth
#   iqn.2007-09.jp.ne.peach.istgt:disk1-chap  LUN 0 (64 MiB file); CHAP
#                                             required, mutual CHAP offered
#
# Readiness is a real login (iscsi-inq), never iscsi-ls: istgt 0.4 advances
# ExpCmdSN on libiscsi's immediate SendTargets Text request and iscsi-ls
# then waits forever.

ISTGT_IQN=iqn.2007-09.jp.ne.peach.istgt
ISTGT_CHAP_USER=user1
ISTGT_CHAP_SECRET=secret123456
ISTGT_MUTUAL_USER=tgtuser
ISTGT_MUTUAL_SECRET=tgtsecret9876

# A TCP port nobody uses, other than $1 (if given).
_istgt_free_port() {
	_n=0
	while [ $_n -lt 200 ]; do
		_n=$((_n + 1))
		_p=$(($(od -An -N2 -tu2 /dev/urandom) % 20000 + 30000))
		[ "$_p" = "${1:-}" ] && continue
		if ! ss -Htan "sport = :$_p" 2>/dev/null | grep -q .; then
			echo "$_p"
			return 0
		fi
	done
	echo "istgt_up: no free port found" >&2
	return 1
}

istgt_up() {
	_dir=$1
	_img=${2:-}
	mkdir -p "$_dir" || return 1
	ISTGT_PID=
	ISTGT_PORT=$(_istgt_free_port) || return 1
	_uc=$(_istgt_free_port "$ISTGT_PORT") || return 1
	if [ -z "$_img" ]; then
		_img=$_dir/disk1.img
		rm -f "$_img"
		truncate -s 64M "$_img" || return 1
	fi
	rm -f "$_dir/disk1-chap.img" "$_dir/istgt.pid"
	truncate -s 64M "$_dir/disk1-chap.img" || return 1
	cat >"$_dir/auth.conf" <<CONF
[AuthGroup1]
  Comment "disk1-chap: initiator user/secret, then the target's (mutual)"
  Auth "$ISTGT_CHAP_USER" "$ISTGT_CHAP_SECRET" "$ISTGT_MUTUAL_USER" "$ISTGT_MUTUAL_SECRET"
[AuthGroup10000]
  Comment "istgtcontrol users"
  Auth "ctluser" "ctlsecret12" "mutualuser" "mutualsecret"
CONF
	cat >"$_dir/istgt.conf" <<CONF
[Global]
  NodeBase "$ISTGT_IQN"
  PidFile $_dir/istgt.pid
  AuthFile $_dir/auth.conf
  MediaDirectory $_dir
  LogFacility "local7"
  Timeout 30
  NopInInterval 20
  DiscoveryAuthMethod None
  MaxSessions 16
  MaxConnections 4
  MaxR2T 32
  MaxOutstandingR2T 16
  DefaultTime2Wait 2
  DefaultTime2Retain 60
  FirstBurstLength 262144
  MaxBurstLength 1048576
  MaxRecvDataSegmentLength 262144
  InitialR2T Yes
  ImmediateData Yes
  DataPDUInOrder Yes
  DataSequenceInOrder Yes
  ErrorRecoveryLevel 0

[UnitControl]
  # istgt does not start without this section (istgtcontrol's portal)
  AuthMethod CHAP Mutual
  AuthGroup AuthGroup10000
  Portal UC1 127.0.0.1:$_uc
  Netmask 127.0.0.1

[PortalGroup1]
  Portal DA1 127.0.0.1:$ISTGT_PORT

[InitiatorGroup1]
  InitiatorName "ALL"
  Netmask 127.0.0.1/32

[LogicalUnit1]
  TargetName disk1
  TargetAlias "istgt disk1"
  Mapping PortalGroup1 InitiatorGroup1
  AuthMethod None
  UseDigest Auto
  UnitType Disk
  QueueDepth 32
  LUN0 Storage $_img Auto

[LogicalUnit2]
  TargetName disk1-chap
  Mapping PortalGroup1 InitiatorGroup1
  AuthMethod CHAP
  AuthGroup AuthGroup1
  UseDigest Auto
  UnitType Disk
  LUN0 Storage $_dir/disk1-chap.img Auto
CONF
	istgt -D -c "$_dir/istgt.conf" -p "$_dir/istgt.pid" \
		>"$_dir/istgt.log" 2>&1 &
	ISTGT_PID=$!
	_p=iscsi://127.0.0.1:$ISTGT_PORT
	ISTGT_URL=$_p/$ISTGT_IQN:disk1/0
	_i=0
	until timeout 5 iscsi-inq "$ISTGT_URL" >/dev/null 2>&1; do
		_i=$((_i + 1))
		if [ $_i -ge 100 ] || ! kill -0 "$ISTGT_PID" 2>/dev/null; then
			cat "$_dir/istgt.log" >&2
			echo "istgt_up: istgt did not start" >&2
			istgt_down
			return 1
		fi
		sleep 0.1
	done
	ISTGT_PROFILE=$_dir/profile.conf
	cat >"$ISTGT_PROFILE" <<PROF
# iscsi-cts profile of istgt (ci/istgt-env.sh)
url = $ISTGT_URL
url2 = $ISTGT_URL
discovery_url = $_p
chap_url = $_p/$ISTGT_IQN:disk1-chap/0
mutual_url = $_p/$ISTGT_IQN:disk1-chap/0
chap_user = $ISTGT_CHAP_USER
chap_secret = $ISTGT_CHAP_SECRET
mutual_user = $ISTGT_MUTUAL_USER
mutual_secret = $ISTGT_MUTUAL_SECRET
luns = 0
PROF
	return 0
}

istgt_down() {
	[ -n "${ISTGT_PID:-}" ] || return 0
	if kill -0 "$ISTGT_PID" 2>/dev/null; then
		kill -TERM "$ISTGT_PID" 2>/dev/null
		_i=0
		while kill -0 "$ISTGT_PID" 2>/dev/null && [ $_i -lt 50 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		kill -KILL "$ISTGT_PID" 2>/dev/null || true
	fi
	wait "$ISTGT_PID" 2>/dev/null || true
	ISTGT_PID=
}
