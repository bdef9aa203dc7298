# SPDX-License-Identifier: GPL-2.0
# One boot for every xenpv_blkback suite: blk-hostile/20-ring-index.sh
. /xenpv/tests/blk-hostile/20-ring-index.sh
