# SPDX-License-Identifier: GPL-2.0
# One boot for every xenpv_blkback suite: blk-teardown/20-detach-midio.sh
. /xenpv/tests/blk-teardown/20-detach-midio.sh
