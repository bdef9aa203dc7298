# SPDX-License-Identifier: GPL-2.0
# Localhost live migration (HAP log-dirty: PVH only; Debian's Xen has no
# shadow paging for a PV guest's), then the disk and the vif still work.
. /xenpv/tests/pvh/lib.sh
guest_domid p1 >/dev/null || return 0
if [ "$XENPV_GUEST_TYPE" = pv ]; then
	skip "live migration" "PV guests need shadow paging, which Debian's Xen lacks"
	return 0
fi
old=$(guest_domid p1)
t0=$(date +%s)
if ! timeout 600 $XL migrate -s '' p1 "$XL migrate-receive" >/run/xenpv/migrate.log 2>&1; then
	not_ok "localhost live migration"
	sed 's/^/#   /' /run/xenpv/migrate.log | tail -n 20
	pvh_dump
	return
fi
ok "localhost live migration"
diag "migration took $(($(date +%s) - t0)) s"
sed 's/^/#   /' /run/xenpv/migrate.log | tail -n 5
new=$(guest_domid p1)
check "guest runs under a new domid ($old -> $new)" test -n "$new" -a "$new" != "$old"
check "guest answers" wait_for 120 gexec p1 true
is "disk data reads back after the move" \
	"$(gexec p1 'dd if=/dev/xvda bs=1M skip=8 count=16 iflag=direct 2>/dev/null | sha256sum | cut -d" " -f1')" \
	"$(cat /run/xenpv/pvh.sum)"
check "guest pings dom0 after the move" wait_for 60 gexec p1 "ping -c 1 -W 5 $DOM0_IP"
check "no backend left for domain $old" sh -c \
	"! xenstore-exists /local/domain/0/backend/vbd/$old && ! xenstore-exists /local/domain/0/backend/vif/$old"
check "guest kernel log has no oops or warning" guest_clean p1
guest_destroy p1
