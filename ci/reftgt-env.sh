# ci/reftgt-env.sh - start iscsi-reftgt with the standard suite layout.
#
# Sourced by POSIX sh scripts (make run, the sensitivity check, tests):
#   . ci/reftgt-env.sh
#   reftgt_up DIR [iscsi-reftgt options, e.g. --defect NAME]
#       starts the target on a loopback port it picks, with its files,
#       log (DIR/reftgt.log) and a profile for iscsi-cts (DIR/profile.conf)
#       in DIR; sets REFTGT_PID, REFTGT_PORT, REFTGT_URL, REFTGT_PROFILE
#   reftgt_down
#       stops it by PID (SIGTERM, then SIGKILL after 5 s)
#
# Layout (every target's LUN files are sparse):
#   iqn.2026-11.org.iscsi-cts:plain   LUN 0 (64 MiB), LUN 1 (16 MiB)
#   iqn.2026-11.org.iscsi-cts:chap    LUN 0; one-way CHAP required
#   iqn.2026-11.org.iscsi-cts:mutual  LUN 0; CHAP, mutual CHAP offered
#   iqn.2026-11.org.iscsi-cts:mc      LUN 0; MaxConnections 4, ERL up to 2
#   iqn.2026-11.org.iscsi-cts:nolun0  LUN 1 only
#   iqn.2026-11.org.iscsi-cts:long-...  LUN 0; a 200-byte name, so that
#                                     SendTargets=All outgrows a 512-byte
#                                     MaxRecvDataSegmentLength

REFTGT_IQN=iqn.2026-11.org.iscsi-cts
REFTGT_CHAP_USER=ctsuser
REFTGT_CHAP_SECRET=ctssecret1234
REFTGT_MUTUAL_USER=ctstarget
REFTGT_MUTUAL_SECRET=ctstgtsecret99
REFTGT_LONG_NAME=long-name-for-a-sendtargets-listing-beyond-512-bytes
REFTGT_LONG_NAME=$REFTGT_LONG_NAME.$REFTGT_LONG_NAME.$REFTGT_LONG_NAME

reftgt_up() {
	_dir=$1
	shift
	_top=$(cd "$(dirname "${REFTGT_ENV_SELF:-ci/reftgt-env.sh}")/.." && pwd)
	mkdir -p "$_dir"
	rm -f "$_dir/reftgt.log" # never read a previous run's port
	cat >"$_dir/ietd.conf" <<CONF
Target $REFTGT_IQN:plain
	Lun 0 Path=$_dir/plain0.img,Type=fileio,Size=64M
	Lun 1 Path=$_dir/plain1.img,Type=fileio,Size=16M
Target $REFTGT_IQN:chap
	Lun 0 Path=$_dir/chap0.img,Type=fileio,Size=16M
	IncomingUser $REFTGT_CHAP_USER $REFTGT_CHAP_SECRET
Target $REFTGT_IQN:mutual
	Lun 0 Path=$_dir/mutual0.img,Type=fileio,Size=16M
	IncomingUser $REFTGT_CHAP_USER $REFTGT_CHAP_SECRET
	OutgoingUser $REFTGT_MUTUAL_USER $REFTGT_MUTUAL_SECRET
Target $REFTGT_IQN:mc
	Lun 0 Path=$_dir/mc0.img,Type=fileio,Size=16M
	MaxConnections 4
	ErrorRecoveryLevel 2
Target $REFTGT_IQN:nolun0
	Lun 1 Path=$_dir/nolun0-1.img,Type=fileio,Size=16M
Target $REFTGT_IQN:$REFTGT_LONG_NAME
	Lun 0 Path=$_dir/long0.img,Type=fileio,Size=1M
CONF
	"$_top/bin/iscsi-reftgt" -c "$_dir/ietd.conf" --portal 127.0.0.1:0 \
		"$@" >"$_dir/reftgt.log" 2>&1 &
	REFTGT_PID=$!
	REFTGT_PORT=
	_i=0
	while [ -z "$REFTGT_PORT" ] && [ $_i -lt 100 ]; do
		REFTGT_PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$_dir/reftgt.log" | head -n 1)
		[ -n "$REFTGT_PORT" ] && break
		kill -0 "$REFTGT_PID" 2>/dev/null || break
		sleep 0.1
		_i=$((_i + 1))
	done
	if [ -z "$REFTGT_PORT" ]; then
		cat "$_dir/reftgt.log" >&2
		echo "reftgt_up: iscsi-reftgt did not start" >&2
		reftgt_down
		return 1
	fi
	_p=iscsi://127.0.0.1:$REFTGT_PORT
	REFTGT_URL=$_p/$REFTGT_IQN:plain/0
	REFTGT_PROFILE=$_dir/profile.conf
	cat >"$REFTGT_PROFILE" <<PROF
# iscsi-cts profile of the iscsi-reftgt suite layout (ci/reftgt-env.sh)
url = $REFTGT_URL
url2 = $_p/$REFTGT_IQN:plain/1
discovery_url = $_p
chap_url = $_p/$REFTGT_IQN:chap/0
mutual_url = $_p/$REFTGT_IQN:mutual/0
mc_url = $_p/$REFTGT_IQN:mc/0
nolun0_url = $_p/$REFTGT_IQN:nolun0/1
chap_user = $REFTGT_CHAP_USER
chap_secret = $REFTGT_CHAP_SECRET
mutual_user = $REFTGT_MUTUAL_USER
mutual_secret = $REFTGT_MUTUAL_SECRET
luns = 0,1
PROF
	return 0
}

reftgt_down() {
	[ -n "${REFTGT_PID:-}" ] || return 0
	if kill -0 "$REFTGT_PID" 2>/dev/null; then
		kill -TERM "$REFTGT_PID" 2>/dev/null
		_i=0
		while kill -0 "$REFTGT_PID" 2>/dev/null && [ $_i -lt 50 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		kill -KILL "$REFTGT_PID" 2>/dev/null || true
	fi
	wait "$REFTGT_PID" 2>/dev/null || true
	REFTGT_PID=
}
