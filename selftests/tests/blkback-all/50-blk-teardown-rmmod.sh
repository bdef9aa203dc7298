# SPDX-License-Identifier: GPL-2.0
# One boot for every xenpv_blkback suite: blk-teardown/40-rmmod.sh
. /xenpv/tests/blk-teardown/40-rmmod.sh
