# SPDX-License-Identifier: GPL-2.0
# Flush: data written and flushed (fsync of O_DIRECT writes; buffered
# writes + sync) is in the backing file when the guest is destroyed at
# once afterwards.
. /xenpv/tests/blk/lib.sh
blk_want 30 || return 0

out=$(gexec blk "$BV write /dev/xvda 31 1024 2048 --fsync")
is "O_DIRECT writes + fsync return" "$out" "wrote 2048"
gexec blk 'dd if=/dev/urandom of=/run/buf bs=1M count=4 2>/dev/null &&
	dd if=/run/buf of=/dev/xvda bs=1M seek=56 2>/dev/null && sync' >/dev/null
want=$(gexec blk 'sha256sum </run/buf | cut -d" " -f1')
if xenpv_front; then
	fl=$(gexec blk 'cat /sys/bus/xen/devices/vbd-51712/statistics/f_req')
	check "flush requests reached the ring (f_req=$fl)" test "$fl" -gt 0
else
	skip "flush requests counted" "xenpv_blkfront statistics only"
fi
$XL destroy blk >/dev/null 2>&1
wait_for 30 _guest_gone blk
check "guest destroyed right after the flush" _guest_gone blk
check "fsync'd O_DIRECT data is in the backing file" \
	$BV verify "$BLK_IMG" 31 1024 2048
is "buffered data + sync is in the backing file" \
	"$(dd if="$BLK_IMG" bs=1M skip=56 count=4 2>/dev/null | sha256sum | cut -d' ' -f1)" \
	"$want"
if ! blk_guest blk "$BLK_IMG"; then
	not_ok "guest boots again on the same image"
	return
fi
ok "guest boots again on the same image"
