#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl (from Debian's linux-source-6.1) over every module source:
# one TAP line a file, clean means no errors and no warnings.
. "$(dirname "$0")/lab/common.sh"
cp=$(linux_source_dir)/scripts/checkpatch.pl
n=0
rc=0
for f in $(xenpv_sources); do
	n=$((n + 1))
	ignore=FILE_PATH_CHANGES,SPDX_LICENSE_TAG
	# The compat header is where version tests are meant to be.
	[ "$f" = include/xenpv/compat.h ] &&
		ignore=$ignore,LINUX_VERSION_CODE,CONSTANT_COMPARISON
	out=$(cd "$XENPV_TOP" && perl "$cp" --no-tree --strict --quiet \
		--ignore "$ignore" -f "$f" 2>&1)
	if echo "$out" | grep -q '^\(ERROR\|WARNING\)'; then
		echo "not ok $n - checkpatch: $f"
		echo "$out" | head -n 30 | sed 's/^/#   /'
		rc=1
	else
		echo "ok $n - checkpatch: $f"
	fi
done
exit $rc
