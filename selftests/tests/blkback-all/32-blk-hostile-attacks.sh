# SPDX-License-Identifier: GPL-2.0
# One boot for every xenpv_blkback suite: blk-hostile/attacks-untested.sh
# (kept out of the gated blk-hostile run until it is seen passing there;
# then rename it back to blk-hostile/60-attacks.sh)
. /xenpv/tests/blk-hostile/attacks-untested.sh
