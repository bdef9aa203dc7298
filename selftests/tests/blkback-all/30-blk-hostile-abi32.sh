# SPDX-License-Identifier: GPL-2.0
# One boot for every xenpv_blkback suite: blk-hostile/40-abi32.sh
. /xenpv/tests/blk-hostile/40-abi32.sh
