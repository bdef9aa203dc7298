# SPDX-License-Identifier: GPL-2.0
# Power cut: a guest's disk is a file on an ext4 filesystem on dom0's
# virtio disk (a host file, see host.sh), served through loop, so data the
# guest wrote without a flush sits dirty in dom0's page cache.  The guest
# writes set A1 (O_DIRECT + fsync), set A2 (O_DSYNC) and set B (no flush);
# then dom0 prints XENPV-LAB-POWERCUT and the host SIGKILLs QEMU at once.
# host.sh checks the host file: A1 and A2 must be there.  With
# xenpv_blkback a second disk is written while its ignore_flush knob
# answers flushes without doing them: the host must find that data lost,
# which shows the check can fail.
. /xenpv/tests/blk-powercut/layout.sh
BV=/xenpv/bin/blkverify
export GUEST_BOOT_TIMEOUT=${GUEST_BOOT_TIMEOUT:-300}
D=/run/xenpv/pcdisk

for m in virtio_pci virtio_blk ext4; do
	modprobe $m || diag "modprobe $m failed"
done
if ! wait_for 20 test -b /dev/vda; then
	not_ok "dom0 sees the power-cut disk (/dev/vda, virtio)"
	return
fi
ok "dom0 sees the power-cut disk (/dev/vda, virtio)"
mkdir -p $D
if ! mount -t ext4 /dev/vda $D; then
	not_ok "the power-cut disk's ext4 mounts"
	return
fi
ok "the power-cut disk's ext4 mounts"
# Only flushes may write dirty pages out before the cut: no periodic
# writeback, nothing expires.  (ext4's 5 s journal commits carry the
# inodes' times, not the data: the images are fully allocated.)
echo 0 >/proc/sys/vm/dirty_writeback_centisecs
echo 360000 >/proc/sys/vm/dirty_expire_centisecs

disks="'format=raw, vdev=xvda, access=rw, target=$D/honest.img'"
broken=none
if [ "$XENPV_BLKBACK" = xenpv ]; then
	disks="$disks, 'format=raw, vdev=xvdb, access=rw, target=$D/broken.img'"
	broken=broken.img
fi
if ! guest_create pc vif=none disk="$disks"; then
	not_ok "guest boots with its disks on the power-cut disk"
	return
fi
ok "guest boots with its disks on the power-cut disk"
id=$(guest_domid pc)
f_req() { cat "/sys/bus/xen-backend/devices/vbd-$id-$1/statistics/f_req"; }

f0=$(f_req 51712)
is "xvda: set A1 written (O_DIRECT, then fsync)" \
	"$(gexec pc "$BV write /dev/xvda $PC_A1_SEED $PC_A1_START $PC_A1_N --fsync")" "wrote $PC_A1_N"
f1=$(f_req 51712)
check "xvda: the fsync reached the backend as a flush (f_req $f0 -> $f1)" \
	test "$f1" -gt "$f0"
is "xvda: set A2 written (O_DIRECT + O_DSYNC)" \
	"$(gexec pc "$BV write /dev/xvda $PC_A2_SEED $PC_A2_START $PC_A2_N --dsync")" "wrote $PC_A2_N"
f2=$(f_req 51712)
check "xvda: the O_DSYNC writes reached the backend as flushes (f_req $f1 -> $f2)" \
	test "$f2" -gt "$f1"
is "xvda: set B written (O_DIRECT, no flush)" \
	"$(gexec pc "$BV write /dev/xvda $PC_B_SEED $PC_B_START $PC_B_N")" "wrote $PC_B_N"
is "xvda: set B sent no flush (f_req)" "$(f_req 51712)" "$f2"

if [ "$broken" != none ]; then
	P=/sys/module/xenpv_blkback/parameters
	i0=$(cat $P/flushes_ignored)
	echo 1 >$P/ignore_flush
	is "xvdb (flushes ignored): set A1 written (O_DIRECT, then fsync)" \
		"$(gexec pc "$BV write /dev/xvdb $PC_A1_SEED $PC_A1_START $PC_A1_N --fsync")" "wrote $PC_A1_N"
	is "xvdb (flushes ignored): set A2 written (O_DIRECT + O_DSYNC)" \
		"$(gexec pc "$BV write /dev/xvdb $PC_A2_SEED $PC_A2_START $PC_A2_N --dsync")" "wrote $PC_A2_N"
	i1=$(cat $P/flushes_ignored)
	check "xvdb: xenpv_blkback answered its flushes without flushing (flushes_ignored $i0 -> $i1)" \
		test "$i1" -gt "$i0"
else
	skip "a disk whose flushes are ignored" "ignore_flush is a xenpv_blkback parameter"
fi
diag "dirty in dom0 before the cut: $(awk '/^Dirty:/ {print $2 " " $3}' /proc/meminfo)"
# run_suite prints this after the results, then dom0 waits for the cut
echo "honest=honest.img broken=$broken" >/run/xenpv/powercut
