// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of include/xenpv/blkfront_check.h: what xenpv_blkfront accepts
 * from a backend.  TAP output.
 */
#include <stdio.h>
#include <string.h>
#include <xenpv/blkfront_check.h>

static int n, failed;

static void t(int cond, const char *desc)
{
	n++;
	if (!cond)
		failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", n, desc);
}

static int name_is(u32 idx, u32 part, const char *want)
{
	char buf[32];

	return xenpv_bf_disk_name(buf, sizeof(buf), idx, part) &&
	       !strcmp(buf, want);
}

int main(void)
{
	struct xenpv_bf_vdev v;
	char small[5];

	/* response statuses */
	t(xenpv_bf_rsp_status(0) == XENPV_BF_ST_OKAY, "status 0 is okay");
	t(xenpv_bf_rsp_status(-1) == XENPV_BF_ST_ERROR, "status -1 is error");
	t(xenpv_bf_rsp_status(-2) == XENPV_BF_ST_NOTSUPP, "status -2 is not supported");
	t(xenpv_bf_rsp_status(1) == XENPV_BF_ST_BOGUS, "status 1 is bogus");
	t(xenpv_bf_rsp_status(-32768) == XENPV_BF_ST_BOGUS, "status -32768 is bogus");

	/* response ids and operations */
	t(xenpv_bf_rsp_verdict(0, 32, true, 1, 1) == XENPV_BF_RSP_OK, "id 0 pending, same op");
	t(xenpv_bf_rsp_verdict(31, 32, true, 0, 0) == XENPV_BF_RSP_OK, "last id accepted");
	t(xenpv_bf_rsp_verdict(32, 32, true, 0, 0) == XENPV_BF_RSP_BAD_ID, "id == ring size refused");
	t(xenpv_bf_rsp_verdict(~0ULL, 32, true, 0, 0) == XENPV_BF_RSP_BAD_ID, "id 2^64-1 refused");
	t(xenpv_bf_rsp_verdict(1ULL << 32, 32, true, 0, 0) == XENPV_BF_RSP_BAD_ID, "id truncating to 0 refused");
	t(xenpv_bf_rsp_verdict(3, 32, false, 0, 0) == XENPV_BF_RSP_NOT_PENDING, "idle id refused");
	t(xenpv_bf_rsp_verdict(3, 32, true, 0, 1) == XENPV_BF_RSP_BAD_OP, "wrong operation refused");
	t(!strcmp(xenpv_bf_rsp_verdict_str(XENPV_BF_RSP_BAD_ID), "response id out of range"), "verdict text");

	/* a duplicate: the second answer to an id finds it no longer pending */
	t(xenpv_bf_rsp_verdict(5, 32, false, 1, 1) == XENPV_BF_RSP_NOT_PENDING,
	  "second answer to an id refused");
	t(xenpv_bf_rsp_verdict(5, 32, true, 0, 6) == XENPV_BF_RSP_BAD_OP,
	  "indirect op for a direct request refused");

	/* grants the backend keeps mapped */
	t(!xenpv_bf_busy_grants_fatal(0, 16) && !xenpv_bf_busy_grants_fatal(16, 16),
	  "up to max_busy_grants tolerated");
	t(xenpv_bf_busy_grants_fatal(17, 16), "one past max_busy_grants is fatal");
	t(xenpv_bf_busy_grants_fatal(1, 0), "max_busy_grants 0: the first is fatal");

	/* trust */
	t(xenpv_bf_trusted(true, 1), "trusted by default");
	t(!xenpv_bf_trusted(false, 1), "trusted=0 parameter wins");
	t(!xenpv_bf_trusted(true, 0), "per-device trusted key 0 wins");
	t(xenpv_bf_trusted(true, 7), "any non-zero key trusts");

	/* producer index */
	t(xenpv_bf_rsp_prod_ok(5, 0, 5), "rsp_prod == req_prod ok");
	t(!xenpv_bf_rsp_prod_ok(6, 0, 5), "rsp_prod past req_prod refused");
	t(xenpv_bf_rsp_prod_ok(2, 0xfffffffe, 3), "wrapped indices ok");
	t(!xenpv_bf_rsp_prod_ok(4, 0xfffffffe, 3), "wrapped, running ahead refused");
	t(!xenpv_bf_rsp_prod_ok(0xfffffff0, 10, 20), "rsp_prod behind rsp_cons refused");

	/* sector sizes and capacity */
	t(xenpv_bf_sector_size_ok(512) && xenpv_bf_sector_size_ok(4096), "512 and 4096 ok");
	t(!xenpv_bf_sector_size_ok(0) && !xenpv_bf_sector_size_ok(256) &&
	  !xenpv_bf_sector_size_ok(1000) && !xenpv_bf_sector_size_ok(8192),
	  "0, 256, 1000, 8192 refused");
	t(xenpv_bf_phys_sector_size(4096, 512) == 4096, "physical 4096 over 512 kept");
	t(xenpv_bf_phys_sector_size(0, 512) == 512, "missing physical size falls back");
	t(xenpv_bf_phys_sector_size(512, 4096) == 4096, "physical below logical falls back");
	t(xenpv_bf_phys_sector_size(3000, 512) == 512, "odd physical size falls back");
	t(xenpv_bf_capacity_ok(131072, 512), "64 MiB capacity ok");
	t(xenpv_bf_capacity_ok(0, 512), "empty disk ok");
	t(!xenpv_bf_capacity_ok(~0ULL, 512), "overflowing capacity refused");
	t(!xenpv_bf_capacity_ok(1ULL << 54, 512), "capacity of 2^63 bytes refused (i_size is signed)");
	t(xenpv_bf_capacity_ok((1ULL << 54) - 1, 512), "largest capacity whose bytes fit an loff_t ok");
	t(!xenpv_bf_capacity_ok(1ULL << 55, 512), "capacity of 2^64 bytes refused");
	t(xenpv_bf_capacity_ok(6442450944ULL, 512), "3 TiB capacity ok");
	t(!xenpv_bf_capacity_ok(9, 4096), "capacity not whole 4K sectors refused");
	t(xenpv_bf_capacity_ok(16, 4096), "capacity of whole 4K sectors ok");

	/* negotiation */
	t(xenpv_bf_ring_order(4, 2) == 2, "ring order: our cap");
	t(xenpv_bf_ring_order(0, 4) == 0, "ring order: backend without multi-page");
	t(xenpv_bf_ring_order(99, 99) == 4, "ring order: protocol cap");
	t(xenpv_bf_ring_slots(0) == 32 && xenpv_bf_ring_slots(2) == 128, "ring slots");
	t(xenpv_bf_nr_queues(0, 4) == 1, "queues: at least one");
	t(xenpv_bf_nr_queues(8, 2) == 2 && xenpv_bf_nr_queues(1, 4) == 1, "queues: minimum");
	t(xenpv_bf_segs_per_req(0, 32) == 11, "no indirect: 11 segments");
	t(xenpv_bf_segs_per_req(256, 32) == 32, "indirect: our cap");
	t(xenpv_bf_segs_per_req(8, 32) == 11, "indirect below 11: 11");
	t(xenpv_bf_segs_per_req(100000, 100000) == 4096, "indirect: 8 pages cap");
	t(xenpv_bf_ind_pages(32) == 1 && xenpv_bf_ind_pages(513) == 2, "indirect pages");
	t(xenpv_bf_discard_ok(0, 0) && xenpv_bf_discard_ok(4096, 512), "discard geometry ok");
	t(!xenpv_bf_discard_ok(3000, 0) && !xenpv_bf_discard_ok(4096, 4096) &&
	  !xenpv_bf_discard_ok(4096, 100) && !xenpv_bf_discard_ok(0, 512),
	  "bad discard geometry refused");

	/* virtual-device numbers */
	t(xenpv_bf_vdev_decode(51712, &v) && v.disk == 0 && v.first_minor == 0 &&
	  v.minors == 16 && v.part == 0, "xvda = 202:0");
	t(xenpv_bf_vdev_decode(51728, &v) && v.disk == 1 && v.first_minor == 16, "xvdb = 202:16");
	t(xenpv_bf_vdev_decode(51713, &v) && v.disk == 0 && v.part == 1 &&
	  v.minors == 1 && v.first_minor == 1, "xvda1 is a partition");
	t(xenpv_bf_vdev_decode((1u << 28) | (30 << 8), &v) && v.disk == 30 &&
	  v.first_minor == 30 * 256 && v.minors == 256, "extended xvdae");
	t(xenpv_bf_vdev_decode((3 << 8) | 64, &v) && v.disk == 1 && v.first_minor == 16, "hdb maps to xvdb");
	t(xenpv_bf_vdev_decode((22 << 8), &v) && v.disk == 2, "hdc maps to xvdc");
	t(xenpv_bf_vdev_decode((8 << 8) | 32, &v) && v.disk == 2, "sdc maps to xvdc");
	t(xenpv_bf_vdev_decode((65 << 8), &v) && v.disk == 16, "sdq maps to xvdq");
	t(!xenpv_bf_vdev_decode((9 << 8), &v), "unknown major refused");
	t(!xenpv_bf_vdev_decode(1u << 30, &v), "above extended range refused");
	t(!xenpv_bf_vdev_decode((1u << 28) | 0xfffffff, &v), "extended minor overflow refused");

	/* names */
	t(name_is(0, 0, "xvda") && name_is(25, 0, "xvdz"), "xvda, xvdz");
	t(name_is(26, 0, "xvdaa") && name_is(27, 0, "xvdab"), "xvdaa, xvdab");
	t(name_is(701, 0, "xvdzz") && name_is(702, 0, "xvdaaa"), "xvdzz, xvdaaa");
	t(name_is(0, 3, "xvda3") && name_is(1, 255, "xvdb255"), "partition names");
	t(!xenpv_bf_disk_name(small, sizeof(small), 26, 0), "name too long for buffer refused");

	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
