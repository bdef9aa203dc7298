# SPDX-License-Identifier: GPL-2.0
# One boot for every xenpv_blkback suite: blk-hostile/50-faultinject.sh
. /xenpv/tests/blk-hostile/50-faultinject.sh
