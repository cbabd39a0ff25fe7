# ci/tgt-env.sh - start tgt (tgtd) on loopback with the suite layout.
#
# Sourced by POSIX sh scripts:
#   . ci/tgt-env.sh
#   tgt_up DIR      starts tgtd on 127.0.0.1 with a port and a control port
#                   it chose, configures the targets below with tgtadm, and
#                   writes DIR/profile.conf; sets TGT_PID, TGT_PORT,
#                   TGT_PROFILE (log: DIR/tgtd.log)
#   tgt_down        stops it by PID
#
# Layout (tgt exposes its controller at LUN 0 and the disk at LUN 1):
#   iqn.2026-11.org.iscsi-cts:tgt-plain    LUN 1 (64 MiB file)
#   iqn.2026-11.org.iscsi-cts:tgt-chap     LUN 1; one-way CHAP required
#   iqn.2026-11.org.iscsi-cts:tgt-mutual   LUN 1; CHAP and mutual CHAP

TGT_IQN=iqn.2026-11.org.iscsi-cts
TGT_CHAP_USER=ctsuser
TGT_CHAP_SECRET=ctssecret1234
TGT_MUTUAL_USER=ctstarget
TGT_MUTUAL_SECRET=ctstgtsecret99

_tgt_free_port() {
	while :; do
		_p=$(($(od -An -N2 -tu2 /dev/urandom) % 20000 + 30000))
		if ! ss -Htln "sport = :$_p" 2>/dev/null | grep -q .; then
			echo "$_p"
			return
		fi
	done
}

_tgtadm() { timeout 10 tgtadm -C "$TGT_CTL" --lld iscsi "$@"; }

tgt_up() {
	_dir=$1
	mkdir -p "$_dir"
	TGT_PORT=$(_tgt_free_port)
	TGT_CTL=$(($(od -An -N2 -tu2 /dev/urandom) % 10000 + 10000))
	tgtd -f --iscsi "portal=127.0.0.1:$TGT_PORT" -C "$TGT_CTL" \
		>"$_dir/tgtd.log" 2>&1 &
	TGT_PID=$!
	_i=0
	until _tgtadm --op show --mode target >/dev/null 2>&1; do
		_i=$((_i + 1))
		if [ $_i -ge 100 ] || ! kill -0 "$TGT_PID" 2>/dev/null; then
			cat "$_dir/tgtd.log" >&2
			echo "tgt_up: tgtd did not start" >&2
			tgt_down
			return 1
		fi
		sleep 0.1
	done
	_tid=1
	for _t in plain chap mutual; do
		truncate -s 64M "$_dir/$_t.img"
		_tgtadm --op new --mode target --tid $_tid -T "$TGT_IQN:tgt-$_t" &&
		_tgtadm --op new --mode logicalunit --tid $_tid --lun 1 -b "$_dir/$_t.img" &&
		_tgtadm --op bind --mode target --tid $_tid -I ALL || return 1
		_tid=$((_tid + 1))
	done
	_tgtadm --op new --mode account --user "$TGT_CHAP_USER" --password "$TGT_CHAP_SECRET" &&
	_tgtadm --op new --mode account --user "$TGT_MUTUAL_USER" --password "$TGT_MUTUAL_SECRET" &&
	_tgtadm --op bind --mode account --tid 2 --user "$TGT_CHAP_USER" &&
	_tgtadm --op bind --mode account --tid 3 --user "$TGT_CHAP_USER" &&
	_tgtadm --op bind --mode account --tid 3 --user "$TGT_MUTUAL_USER" --outgoing ||
		return 1
	_p=iscsi://127.0.0.1:$TGT_PORT
	TGT_PROFILE=$_dir/profile.conf
	cat >"$TGT_PROFILE" <<PROF
# iscsi-cts profile of tgt (ci/tgt-env.sh)
url = $_p/$TGT_IQN:tgt-plain/1
url2 = $_p/$TGT_IQN:tgt-plain/1
discovery_url = $_p
chap_url = $_p/$TGT_IQN:tgt-chap/1
mutual_url = $_p/$TGT_IQN:tgt-mutual/1
chap_user = $TGT_CHAP_USER
chap_secret = $TGT_CHAP_SECRET
mutual_user = $TGT_MUTUAL_USER
mutual_secret = $TGT_MUTUAL_SECRET
luns = 0,1
PROF
	return 0
}

tgt_down() {
	[ -n "${TGT_PID:-}" ] || return 0
	if kill -0 "$TGT_PID" 2>/dev/null; then
		kill -TERM "$TGT_PID" 2>/dev/null
		_i=0
		while kill -0 "$TGT_PID" 2>/dev/null && [ $_i -lt 50 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		kill -KILL "$TGT_PID" 2>/dev/null || true
	fi
	wait "$TGT_PID" 2>/dev/null || true
	TGT_PID=
}
