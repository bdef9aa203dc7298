# SPDX-License-Identifier: GPL-2.0
# Tear down: the guest goes, and so do its backends.
. /xenpv/tests/blk/lib.sh
blk_want 90 || return 0

id=$(guest_domid blk)
guest_destroy blk
check "guest destroyed, no vbd backend left" \
	sh -c "! xenstore-exists /local/domain/0/backend/vbd/$id"
check "no loop device left on the suite's images" \
	sh -c "! losetup -a | grep -q /run/xenpv/blk"
