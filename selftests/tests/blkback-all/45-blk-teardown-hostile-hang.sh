# SPDX-License-Identifier: GPL-2.0
# One boot for every xenpv_blkback suite: blk-teardown/30-hostile-hang.sh
. /xenpv/tests/blk-teardown/30-hostile-hang.sh
