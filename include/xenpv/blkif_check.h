/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks applied by xenpv_blkback to everything a blkif frontend controls:
 * request operations, segment counts and bounds, sector ranges, and the
 * xenstore values read while connecting.  Plain C over fixed-width types:
 * the same code is built into the module and into
 * selftests/host/blkif_check_test.c.
 */
#ifndef XENPV_BLKIF_CHECK_H
#define XENPV_BLKIF_CHECK_H

#include <xenpv/types.h>

/* Wire values from xen/interface/io/blkif.h, repeated for userspace. */
#define XENPV_BLKIF_OP_READ		0
#define XENPV_BLKIF_OP_WRITE		1
#define XENPV_BLKIF_OP_WRITE_BARRIER	2
#define XENPV_BLKIF_OP_FLUSH		3
#define XENPV_BLKIF_OP_DISCARD		5
#define XENPV_BLKIF_OP_INDIRECT		6

#define XENPV_BLKIF_DIRECT_SEGS		11	/* segments inside a request */
#define XENPV_BLKIF_MAX_INDIRECT_PAGES	8	/* indirect grefs a request */
#define XENPV_BLKIF_SEG_BYTES		8	/* gref + first + last + pad */
#define XENPV_BLKIF_PAGE_BYTES		4096
#define XENPV_BLKIF_SECT_PER_PAGE	(XENPV_BLKIF_PAGE_BYTES / 512)
#define XENPV_BLKIF_SEGS_PER_IND_PAGE	\
	(XENPV_BLKIF_PAGE_BYTES / XENPV_BLKIF_SEG_BYTES)
#define XENPV_BLKIF_MAX_RING_ORDER	4	/* 16 shared ring pages */

/* Verdicts: what the backend answers (or does) for a request. */
enum xenpv_blkif_verdict {
	XENPV_BLKIF_OK = 0,
	XENPV_BLKIF_BAD,	/* malformed: BLKIF_RSP_ERROR */
	XENPV_BLKIF_UNSUPP,	/* well-formed, not offered: EOPNOTSUPP */
};

/*
 * Classify the operation byte of a ring request.  Barriers are never
 * advertised; discard only when the backing device supports it.
 */
static inline enum xenpv_blkif_verdict
xenpv_blkif_check_op(u8 op, bool discard_ok)
{
	switch (op) {
	case XENPV_BLKIF_OP_READ:
	case XENPV_BLKIF_OP_WRITE:
	case XENPV_BLKIF_OP_FLUSH:
	case XENPV_BLKIF_OP_INDIRECT:
		return XENPV_BLKIF_OK;
	case XENPV_BLKIF_OP_DISCARD:
		return discard_ok ? XENPV_BLKIF_OK : XENPV_BLKIF_UNSUPP;
	case XENPV_BLKIF_OP_WRITE_BARRIER:
		return XENPV_BLKIF_UNSUPP;
	default:
		return XENPV_BLKIF_BAD;
	}
}

/*
 * Segment count of a direct (non-indirect) request: reads and writes
 * carry 1..11 segments, a flush may carry none (a pure cache flush).
 */
static inline bool xenpv_blkif_direct_nseg_ok(u8 op, u32 nseg)
{
	if (nseg > XENPV_BLKIF_DIRECT_SEGS)
		return false;
	if (nseg == 0)
		return op == XENPV_BLKIF_OP_FLUSH;
	return true;
}

/* Inner operation of an indirect request: only reads and writes. */
static inline bool xenpv_blkif_indirect_op_ok(u8 op)
{
	return op == XENPV_BLKIF_OP_READ || op == XENPV_BLKIF_OP_WRITE;
}

/* Indirect pages needed to describe @nseg segments. */
static inline u32 xenpv_blkif_indirect_pages(u32 nseg)
{
	return (nseg + XENPV_BLKIF_SEGS_PER_IND_PAGE - 1) /
		XENPV_BLKIF_SEGS_PER_IND_PAGE;
}

/*
 * Segment count of an indirect request against what we advertised in
 * feature-max-indirect-segments (@max, 0 when indirect is off).
 */
static inline bool xenpv_blkif_indirect_nseg_ok(u32 nseg, u32 max)
{
	if (nseg == 0 || nseg > max)
		return false;
	return xenpv_blkif_indirect_pages(nseg) <=
		XENPV_BLKIF_MAX_INDIRECT_PAGES;
}

/*
 * One segment names sectors first..last (inclusive) of a 4 KiB frame.
 * Returns the number of 512-byte sectors, 0 when the pair is invalid.
 */
static inline u32 xenpv_blkif_seg_sectors(u8 first, u8 last)
{
	if (last >= XENPV_BLKIF_SECT_PER_PAGE || first > last)
		return 0;
	return (u32)last - first + 1;
}

/* [@sector, @sector + @nr) must lie inside a disk of @capacity sectors. */
static inline bool xenpv_blkif_range_ok(u64 sector, u64 nr, u64 capacity)
{
	return nr <= capacity && sector <= capacity - nr;
}

/*
 * Start and length must both be multiples of the device's logical block
 * (@lbs_sectors, a power of two, in 512-byte sectors).
 */
static inline bool xenpv_blkif_aligned(u64 sector, u64 nr, u32 lbs_sectors)
{
	u64 mask = lbs_sectors ? (u64)lbs_sectors - 1 : 0;

	return ((sector | nr) & mask) == 0;
}

/* Values the frontend writes to xenstore while connecting. */
static inline bool xenpv_blkif_nr_queues_ok(u32 nq, u32 max)
{
	return nq >= 1 && nq <= max;
}

static inline bool xenpv_blkif_ring_order_ok(u32 order, u32 max)
{
	return order <= max && order <= XENPV_BLKIF_MAX_RING_ORDER;
}

/* The frontend's "protocol" node. */
enum xenpv_blkif_abi {
	XENPV_BLKIF_ABI_UNKNOWN = 0,
	XENPV_BLKIF_ABI_X86_64,
	XENPV_BLKIF_ABI_X86_32,
};

static inline bool xenpv_blkif_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static inline enum xenpv_blkif_abi xenpv_blkif_parse_abi(const char *s)
{
	if (xenpv_blkif_streq(s, "x86_64-abi"))
		return XENPV_BLKIF_ABI_X86_64;
	if (xenpv_blkif_streq(s, "x86_32-abi"))
		return XENPV_BLKIF_ABI_X86_32;
	return XENPV_BLKIF_ABI_UNKNOWN;
}

#endif /* XENPV_BLKIF_CHECK_H */
