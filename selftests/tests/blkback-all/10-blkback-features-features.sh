# SPDX-License-Identifier: GPL-2.0
# One boot for every xenpv_blkback suite: blkback-features/10-features.sh
. /xenpv/tests/blkback-features/10-features.sh
