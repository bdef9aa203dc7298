# SPDX-License-Identifier: GPL-2.0
# Data integrity: a 32 MiB round trip, a whole-disk pattern, concurrent
# random mixed I/O from several jobs, all checked block by block.
. /xenpv/tests/blk/lib.sh
blk_want 20 || return 0

want=$(gexec blk 'dd if=/dev/urandom of=/run/data bs=1M count=32 2>/dev/null &&
	sha256sum </run/data | cut -d" " -f1')
gexec blk 'dd if=/run/data of=/dev/xvda bs=1M seek=8 oflag=direct 2>/dev/null'
got=$(gexec blk 'dd if=/dev/xvda bs=1M skip=8 count=32 iflag=direct 2>/dev/null |
	sha256sum | cut -d" " -f1')
is "32 MiB written and read back (O_DIRECT) with the same sha256" "$got" "$want"
gexec blk 'echo 3 >/proc/sys/vm/drop_caches; rm -f /run/data'
got=$(gexec blk 'dd if=/dev/xvda bs=64k skip=128 count=512 2>/dev/null |
	sha256sum | cut -d" " -f1')
is "the same 32 MiB read back through the page cache" "$got" "$want"

out=$(GEXEC_TIMEOUT=300 gexec blk "$BV write /dev/xvda 11")
is "whole-disk pattern written" "$out" "wrote $((BLK_MB * 256))"
gexec blk 'echo 3 >/proc/sys/vm/drop_caches'
out=$(GEXEC_TIMEOUT=300 gexec blk "$BV verify /dev/xvda 11")
is "whole-disk pattern verified block by block" "$out" \
	"bad 0 of $((BLK_MB * 256))"
check "dom0 finds the same pattern in the backing file" \
	$BV verify "$BLK_IMG" 11

out=$(GEXEC_TIMEOUT=600 gexec blk "$BV random /dev/xvda 23 4 150 64")
diag "$out"
check "4 jobs of random mixed I/O (4-256 KiB) verified" \
	sh -c "echo '$out' | grep -q '^random: all good'"
check "guest kernel log has no oops or warning" guest_clean blk
