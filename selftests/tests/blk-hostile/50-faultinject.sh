# SPDX-License-Identifier: GPL-2.0
# Page-cache and grant-map failures injected into xenpv_blkback
# (fail_map_every) while a guest does verified random I/O on two disks,
# one with persistent grants and one without: the failed requests get
# errors, every block whose write succeeded reads back right once the
# injection is off, and once the guest is destroyed nothing stays mapped
# (blkback's counters, and Xen frees the domain), no page is out of the
# page caches beyond leaked_pages, and dom0 logged no warning.
. /xenpv/tests/blk-hostile/lib.sh

if ! xenpv_backend; then
	skip "fault injection" "fail_map_every is a xenpv_blkback parameter"
	return
fi
P=/sys/module/xenpv_blkback/parameters
echo 0 >$P/fail_map_every
ndom=$($XL list | awk 'NR > 1' | wc -l)
if ! start_guest fi1 vif=none; then
	not_ok "guest boots"
	return
fi
ok "guest boots"
id=$(guest_domid fi1)
img=/run/xenpv/fi1b.img
dd if=/dev/zero of="$img" bs=1M count=32 2>/dev/null
# xvdb without persistent grants: feature_persistent is read at connect
echo 0 >$P/feature_persistent
check "block-attach xvdb" $XL block-attach fi1 "format=raw, vdev=xvdb, access=rw, target=$img"
check "xvdb appears in the guest" wait_for 30 gexec fi1 'test -b /dev/xvdb'
echo 1 >$P/feature_persistent
is "xvda uses persistent grants, xvdb does not" \
	"$(cat "$(bk_sysfs "$id" 51712)/persistent") $(cat "$(bk_sysfs "$id" 51728)/persistent")" "1 0"

inj0=$(cat $P/fail_map_injected)
echo 23 >$P/fail_map_every
for d in a b; do
	gexec fi1 "(/xenpv/bin/blkverify faulty /dev/xvd$d 5 2 150 16 /run/gate \
		>/run/bv$d.log 2>/run/bv$d.err; echo \$? >/run/bv$d.rc) >/dev/null 2>&1 &" >/dev/null
done
check "both disks' I/O under injection done (2 jobs each)" wait_for 300 gexec fi1 \
	'[ "$(cat /run/bva.log /run/bvb.log 2>/dev/null | grep -c waiting)" = 4 ]'
echo 0 >$P/fail_map_every
inj=$(($(cat $P/fail_map_injected) - inj0))
diag "injected failures: $inj; bad_req xvda $(bk_stat "$id" 51712 bad_req) xvdb $(bk_stat "$id" 51728 bad_req)"
check "failures were injected" test "$inj" -gt 0
for d in 51712 51728; do
	check "vbd $d answered some requests with an error (bad_req)" \
		test "$(bk_stat "$id" $d bad_req)" -gt 0
done
gexec fi1 'touch /run/gate' >/dev/null
check "the final read-back finished" wait_for 120 gexec fi1 'test -s /run/bva.rc -a -s /run/bvb.rc'
for d in a b; do
	diag "xvd$d: $(gexec fi1 "cat /run/bv$d.log; grep -v ' of ' /run/bv$d.err | head -3" | tr '\n' ' ')"
	check "xvd$d: the guest saw failed requests" gexec fi1 \
		"grep -q 'failed [1-9]' /run/bv$d.log"
	is "xvd$d: every block written OK reads back right" \
		"$(gexec fi1 "cat /run/bv$d.rc")" 0
done

guest_destroy fi1
check "guest destroyed" _guest_gone fi1
check "Xen freed the domain (no grant of it mapped in dom0)" wait_for 30 sh -c \
	"[ \$($XL list | awk 'NR > 1' | wc -l) = $ndom ]"
check "no grant left mapped by xenpv_blkback" wait_for 30 sh -c \
	"[ \"\$(cat $P/mapped_grants)\" = 0 ]"
is "pages out of the page caches = leaked_pages" \
	"$(cat $P/pages_in_use)" "$(cat $P/leaked_pages 2>/dev/null || echo 0)"
no_dom0_splat "no kernel warning in dom0"
rm -f "$img"
