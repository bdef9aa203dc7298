// SPDX-License-Identifier: GPL-2.0
/* Unit tests of include/xenpv/blkif_check.h (TAP on stdout). */
#include <stdio.h>
#include <xenpv/blkif_check.h>
#include <xenpv/ring.h>

static int n, failed;

static void t(int cond, const char *desc)
{
	n++;
	if (!cond)
		failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", n, desc);
}

int main(void)
{
	const u64 cap = 131072;	/* 64 MiB disk */

	/* operations */
	t(xenpv_blkif_check_op(0, false) == XENPV_BLKIF_OK, "read is valid");
	t(xenpv_blkif_check_op(1, false) == XENPV_BLKIF_OK, "write is valid");
	t(xenpv_blkif_check_op(3, false) == XENPV_BLKIF_OK, "flush is valid");
	t(xenpv_blkif_check_op(6, false) == XENPV_BLKIF_OK, "indirect is valid");
	t(xenpv_blkif_check_op(2, true) == XENPV_BLKIF_UNSUPP,
	  "barrier is not supported");
	t(xenpv_blkif_check_op(5, false) == XENPV_BLKIF_UNSUPP,
	  "discard without backing support is not supported");
	t(xenpv_blkif_check_op(5, true) == XENPV_BLKIF_OK,
	  "discard with backing support is valid");
	t(xenpv_blkif_check_op(4, true) == XENPV_BLKIF_BAD, "op 4 is bad");
	t(xenpv_blkif_check_op(7, true) == XENPV_BLKIF_BAD, "op 7 is bad");
	t(xenpv_blkif_check_op(255, true) == XENPV_BLKIF_BAD, "op 255 is bad");

	/* direct segment counts */
	t(!xenpv_blkif_direct_nseg_ok(0, 0), "read with 0 segments is bad");
	t(!xenpv_blkif_direct_nseg_ok(1, 0), "write with 0 segments is bad");
	t(xenpv_blkif_direct_nseg_ok(3, 0), "flush with 0 segments is fine");
	t(xenpv_blkif_direct_nseg_ok(0, 1), "read with 1 segment is fine");
	t(xenpv_blkif_direct_nseg_ok(1, 11), "write with 11 segments is fine");
	t(!xenpv_blkif_direct_nseg_ok(1, 12), "write with 12 segments is bad");
	t(!xenpv_blkif_direct_nseg_ok(3, 255), "flush with 255 segments is bad");

	/* indirect */
	t(xenpv_blkif_indirect_op_ok(0) && xenpv_blkif_indirect_op_ok(1),
	  "indirect read/write are fine");
	t(!xenpv_blkif_indirect_op_ok(3), "indirect flush is bad");
	t(!xenpv_blkif_indirect_op_ok(6), "indirect inside indirect is bad");
	t(!xenpv_blkif_indirect_op_ok(5), "indirect discard is bad");
	t(xenpv_blkif_indirect_pages(1) == 1, "1 segment: 1 indirect page");
	t(xenpv_blkif_indirect_pages(512) == 1, "512 segments: 1 page");
	t(xenpv_blkif_indirect_pages(513) == 2, "513 segments: 2 pages");
	t(!xenpv_blkif_indirect_nseg_ok(0, 256), "indirect with 0 segments");
	t(xenpv_blkif_indirect_nseg_ok(256, 256), "indirect at the maximum");
	t(!xenpv_blkif_indirect_nseg_ok(257, 256), "indirect above maximum");
	t(!xenpv_blkif_indirect_nseg_ok(1, 0), "indirect when not offered");
	t(!xenpv_blkif_indirect_nseg_ok(4097, 100000),
	  "indirect needing 9 pages is bad whatever the maximum");
	t(xenpv_blkif_indirect_nseg_ok(4096, 100000),
	  "indirect needing 8 pages is fine");
	t(!xenpv_blkif_indirect_nseg_ok(65535, 100000), "indirect 65535 segs");

	/* segment bounds */
	t(xenpv_blkif_seg_sectors(0, 7) == 8, "0..7 is a whole page");
	t(xenpv_blkif_seg_sectors(3, 3) == 1, "3..3 is one sector");
	t(xenpv_blkif_seg_sectors(4, 3) == 0, "first > last is bad");
	t(xenpv_blkif_seg_sectors(0, 8) == 0, "last 8 is bad");
	t(xenpv_blkif_seg_sectors(8, 8) == 0, "first 8 is bad");
	t(xenpv_blkif_seg_sectors(255, 255) == 0, "255..255 is bad");

	/* sector ranges */
	t(xenpv_blkif_range_ok(0, 8, cap), "first page in range");
	t(xenpv_blkif_range_ok(cap - 8, 8, cap), "last page in range");
	t(!xenpv_blkif_range_ok(cap - 7, 8, cap), "crossing the end");
	t(!xenpv_blkif_range_ok(cap, 1, cap), "starting at the end");
	t(xenpv_blkif_range_ok(cap, 0, cap), "empty range at the end");
	t(!xenpv_blkif_range_ok(~0ULL, 8, cap), "sector 2^64-1");
	t(!xenpv_blkif_range_ok(~0ULL - 3, 8, cap), "range wrapping 2^64");
	t(!xenpv_blkif_range_ok(8, ~0ULL, cap), "huge length");
	t(!xenpv_blkif_range_ok(0, cap + 1, cap), "longer than the disk");

	/* alignment */
	t(xenpv_blkif_aligned(3, 5, 1), "512-byte disk takes any sector");
	t(xenpv_blkif_aligned(8, 16, 8), "4K disk, aligned");
	t(!xenpv_blkif_aligned(4, 8, 8), "4K disk, start unaligned");
	t(!xenpv_blkif_aligned(8, 4, 8), "4K disk, length unaligned");

	/* xenstore values */
	t(!xenpv_blkif_nr_queues_ok(0, 4), "0 queues is bad");
	t(xenpv_blkif_nr_queues_ok(4, 4), "max queues is fine");
	t(!xenpv_blkif_nr_queues_ok(5, 4), "above max queues is bad");
	t(!xenpv_blkif_nr_queues_ok(0xffffffffu, 4), "2^32-1 queues is bad");
	t(xenpv_blkif_ring_order_ok(0, 0), "order 0 always fine");
	t(!xenpv_blkif_ring_order_ok(1, 0), "order above our max is bad");
	t(!xenpv_blkif_ring_order_ok(5, 9), "order 5 is bad whatever max");
	t(xenpv_blkif_parse_abi("x86_64-abi") == XENPV_BLKIF_ABI_X86_64,
	  "x86_64-abi parses");
	t(xenpv_blkif_parse_abi("x86_32-abi") == XENPV_BLKIF_ABI_X86_32,
	  "x86_32-abi parses");
	t(xenpv_blkif_parse_abi("x86_64-abiX") == XENPV_BLKIF_ABI_UNKNOWN,
	  "trailing garbage is unknown");
	t(xenpv_blkif_parse_abi("x86_64") == XENPV_BLKIF_ABI_UNKNOWN,
	  "prefix is unknown");
	t(xenpv_blkif_parse_abi("") == XENPV_BLKIF_ABI_UNKNOWN,
	  "empty is unknown");

	/* ring index check the backend relies on (include/xenpv/ring.h) */
	t(xenpv_ring_prod_ok(32, 0, 32), "prod a full ring ahead is fine");
	t(!xenpv_ring_prod_ok(33, 0, 32), "prod 33 ahead of a 32 ring");
	t(xenpv_ring_prod_ok(5, 0xfffffffeu, 32), "prod wrapped past 2^32");
	t(!xenpv_ring_prod_ok(0, 1, 32), "prod behind cons (rewound)");

	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
