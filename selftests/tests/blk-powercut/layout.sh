# SPDX-License-Identifier: GPL-2.0
# Where blk-powercut's data goes: shared by dom0's test (10-powercut.sh)
# and the host side (host.sh).  Each guest disk is a file of PC_BLOCKS
# 4 KiB blocks on dom0's virtio disk, every block in the PC_OLD pattern
# before the boot (blkverify's patterns: seed + block number).
PC_BLOCKS=2048		# 8 MiB a disk
PC_OLD=1
# set A1: O_DIRECT writes, then fsync (an empty flush request)
PC_A1_SEED=11 PC_A1_START=0 PC_A1_N=512
# set A2: O_DIRECT + O_DSYNC writes (FUA: a flush request with data from
# the in-tree blkfront, a write then an empty flush from xenpv_blkfront)
PC_A2_SEED=12 PC_A2_START=512 PC_A2_N=512
# set B: O_DIRECT writes, no flush at all
PC_B_SEED=13 PC_B_START=1024 PC_B_N=512
# blocks 1536..2047 are never written
PC_U_START=1536 PC_U_N=512
