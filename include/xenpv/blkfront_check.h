/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the block frontend accepts from its backend.  Everything the backend
 * controls (response ids, operations and statuses on the shared ring, the
 * producer index, and the xenstore values it publishes) goes through one of
 * these helpers before the driver acts on it.
 *
 * Plain C over fixed-width types, no kernel calls: the same code is built
 * into xenpv_blkfront and into selftests/host/blkfront_check_test.c.
 */
#ifndef XENPV_BLKFRONT_CHECK_H
#define XENPV_BLKFRONT_CHECK_H

#include <xenpv/blkif_check.h>
#include <xenpv/ring.h>
#include <xenpv/types.h>

/*
 * Protocol constants, spelled out so the header stands alone; the blkif
 * wire values (segments, indirect pages, ring order) are the XENPV_BLKIF_
 * ones of blkif_check.h.
 */
#define XENPV_BF_SECTOR_SHIFT		9
#define XENPV_BF_RING_SLOTS_ORDER0	32u	/* blkif ring entries in one page */

/* What a response status means to the frontend. */
enum xenpv_bf_status {
	XENPV_BF_ST_OKAY,
	XENPV_BF_ST_ERROR,
	XENPV_BF_ST_NOTSUPP,
	XENPV_BF_ST_BOGUS,	/* a value the protocol does not define */
};

static inline enum xenpv_bf_status xenpv_bf_rsp_status(s16 status)
{
	switch (status) {
	case 0:
		return XENPV_BF_ST_OKAY;
	case -1:
		return XENPV_BF_ST_ERROR;
	case -2:
		return XENPV_BF_ST_NOTSUPP;
	default:
		return XENPV_BF_ST_BOGUS;
	}
}

/* Why a response was refused; anything but OK means the backend is broken. */
enum xenpv_bf_rsp_verdict {
	XENPV_BF_RSP_OK,
	XENPV_BF_RSP_BAD_ID,		/* id we never handed out */
	XENPV_BF_RSP_NOT_PENDING,	/* id not in flight right now */
	XENPV_BF_RSP_BAD_OP,		/* operation differs from the request's */
};

/*
 * Judge one response: @id is the echoed id, @nr_ids the number of ids in
 * use on the ring.  @pending and @want_op describe our request under that
 * id and are only looked at once @id is known to be in range, so the caller
 * passes a callback-free pair computed after calling xenpv_bf_rsp_id_ok().
 */
static inline bool xenpv_bf_rsp_id_ok(u64 id, u32 nr_ids)
{
	return id < nr_ids;
}

static inline enum xenpv_bf_rsp_verdict
xenpv_bf_rsp_verdict(u64 id, u32 nr_ids, bool pending, u8 want_op, u8 got_op)
{
	if (!xenpv_bf_rsp_id_ok(id, nr_ids))
		return XENPV_BF_RSP_BAD_ID;
	if (!pending)
		return XENPV_BF_RSP_NOT_PENDING;
	if (want_op != got_op)
		return XENPV_BF_RSP_BAD_OP;
	return XENPV_BF_RSP_OK;
}

static inline const char *xenpv_bf_rsp_verdict_str(enum xenpv_bf_rsp_verdict v)
{
	switch (v) {
	case XENPV_BF_RSP_OK:
		return "ok";
	case XENPV_BF_RSP_BAD_ID:
		return "response id out of range";
	case XENPV_BF_RSP_NOT_PENDING:
		return "response id not in flight";
	case XENPV_BF_RSP_BAD_OP:
		return "response operation does not match the request";
	}
	return "?";
}

/*
 * The backend's rsp_prod may only cover requests we have produced
 * (@req_prod is our private producer, @rsp_cons our consumer).
 */
static inline bool xenpv_bf_rsp_prod_ok(u32 rsp_prod, u32 rsp_cons,
					u32 req_prod)
{
	return xenpv_ring_rsp_ok(rsp_prod, rsp_cons, req_prod);
}

/*
 * A backend that keeps a one-shot grant mapped after answering leaves us a
 * page we cannot reuse.  @busy such pages on this connection are tolerated
 * up to @max; one more is a protocol error.
 */
static inline bool xenpv_bf_busy_grants_fatal(u32 busy, u32 max)
{
	return busy > max;
}

/* --- xenstore values -------------------------------------------------- */

/*
 * The backend is trusted only when the module parameter and the device's
 * own "trusted" key (written by the toolstack, 1 when absent) both say so.
 */
static inline bool xenpv_bf_trusted(bool param, u32 key)
{
	return param && key != 0;
}

static inline bool xenpv_bf_is_pow2(u32 v)
{
	return v && !(v & (v - 1));
}

/* Logical sector size: a power of two from 512 bytes up to one page. */
static inline bool xenpv_bf_sector_size_ok(u32 size)
{
	return xenpv_bf_is_pow2(size) && size >= 512 &&
	       size <= XENPV_BLKIF_PAGE_BYTES;
}

/*
 * Physical sector size is optional; a missing or nonsensical value falls
 * back to the logical size.  Cap it at 64 KiB like real disks do.
 */
static inline u32 xenpv_bf_phys_sector_size(u32 phys, u32 logical)
{
	if (!xenpv_bf_is_pow2(phys) || phys < logical || phys > 65536)
		return logical;
	return phys;
}

/*
 * "sectors" counts 512-byte units (as Linux backends write it), at connect
 * and on every later change.  Refuse a count whose byte size would not fit
 * in a signed 64-bit file offset (the block device's i_size), and a count
 * that is not a whole number of logical sectors.
 */
#define XENPV_BF_MAX_SECTORS	((~(u64)0 >> 1) >> XENPV_BF_SECTOR_SHIFT)

static inline bool xenpv_bf_capacity_ok(u64 sectors, u32 sector_size)
{
	u32 per_lsect = sector_size >> XENPV_BF_SECTOR_SHIFT;

	if (sectors > XENPV_BF_MAX_SECTORS)
		return false;
	return per_lsect && (sectors % per_lsect) == 0;
}

static inline u32 xenpv_bf_min(u32 a, u32 b)
{
	return a < b ? a : b;
}

/* Ring page order: what both sides allow, never above the protocol's cap. */
static inline u32 xenpv_bf_ring_order(u32 backend_max, u32 our_max)
{
	return xenpv_bf_min(xenpv_bf_min(backend_max, our_max),
			    XENPV_BLKIF_MAX_RING_ORDER);
}

/* Entries in a ring of 2^@order pages. */
static inline u32 xenpv_bf_ring_slots(u32 order)
{
	return XENPV_BF_RING_SLOTS_ORDER0 << order;
}

/* Queues: what both sides allow, and at least one. */
static inline u32 xenpv_bf_nr_queues(u32 backend_max, u32 our_max)
{
	u32 n = xenpv_bf_min(backend_max, our_max);

	return n ? n : 1;
}

/*
 * Data segments per request.  Without indirect descriptors (backend offers
 * none, or we asked for none) a request carries at most 11 segments in
 * the ring slot itself; with them, what both sides allow, up to what 8
 * indirect pages can describe, and never fewer than the direct 11.
 */
static inline u32 xenpv_bf_segs_per_req(u32 backend_max, u32 our_max)
{
	u32 n;

	if (!backend_max || !our_max)
		return XENPV_BLKIF_DIRECT_SEGS;
	n = xenpv_bf_min(backend_max, our_max);
	n = xenpv_bf_min(n, XENPV_BLKIF_MAX_INDIRECT_PAGES *
			    XENPV_BLKIF_SEGS_PER_IND_PAGE);
	return n < XENPV_BLKIF_DIRECT_SEGS ? XENPV_BLKIF_DIRECT_SEGS : n;
}

/* Indirect pages needed to describe @segs segments. */
static inline u32 xenpv_bf_ind_pages(u32 segs)
{
	return (segs + XENPV_BLKIF_SEGS_PER_IND_PAGE - 1) /
	       XENPV_BLKIF_SEGS_PER_IND_PAGE;
}

/*
 * Discard geometry: granularity 0 (unset) or a power of two of at least
 * 512 bytes, alignment a multiple of 512 below the granularity.  Returns
 * false when the pair is unusable; the caller then uses defaults.
 */
static inline bool xenpv_bf_discard_ok(u32 granularity, u32 alignment)
{
	if (granularity && (!xenpv_bf_is_pow2(granularity) || granularity < 512))
		return false;
	if (alignment % 512)
		return false;
	return !granularity ? alignment == 0 : alignment < granularity;
}

/* --- virtual-device numbers and disk names ----------------------------- */

#define XENPV_BF_XVD_MAJOR	202u
#define XENPV_BF_EXT_FLAG	(1u << 28)
#define XENPV_BF_MINORBITS	20u

struct xenpv_bf_vdev {
	u32 disk;		/* index of the whole disk: 0 is xvda */
	u32 first_minor;	/* minor of this device */
	u32 minors;		/* 1 for a partition, else parts per disk */
	u32 part;		/* partition number, 0 for a whole disk */
};

/*
 * Decode "virtual-device" the way Linux names Xen disks: majors of the
 * emulated IDE and SCSI disks map onto xvd names and minors, xvd (202)
 * has 16 minors a disk, the extended form (bit 28) 256.
 */
static inline bool xenpv_bf_vdev_decode(u32 vdev, struct xenpv_bf_vdev *out)
{
	u32 major, minor, disk, part, parts = 16;

	if (vdev & XENPV_BF_EXT_FLAG) {
		if (vdev >> 29)
			return false;
		parts = 256;
		minor = vdev & (XENPV_BF_EXT_FLAG - 1);
		disk = minor / parts;
		part = minor % parts;
	} else {
		if (vdev >> 16)
			return false;
		major = vdev >> 8;
		minor = vdev & 0xff;
		part = minor % 16;
		if (major == XENPV_BF_XVD_MAJOR) {
			disk = minor / 16;
		} else if (major == 3 || major == 22) {
			/* hda..hdd: 64 minors a disk on two majors */
			part = minor % 64;
			if (part >= 16)
				return false;
			disk = minor / 64 + (major == 22 ? 2 : 0);
		} else if (major == 8) {
			disk = minor / 16;
		} else if (major >= 65 && major <= 71) {
			disk = minor / 16 + (major - 64) * 16;
		} else if (major >= 128 && major <= 135) {
			disk = minor / 16 + (major - 128 + 8) * 16;
		} else {
			return false;
		}
	}
	minor = disk * parts + part;
	if (minor >> XENPV_BF_MINORBITS)
		return false;
	out->disk = disk;
	out->part = part;
	out->first_minor = minor;
	out->minors = part ? 1 : parts;
	return true;
}

/*
 * Write the name of disk @idx ("xvda", "xvdz", "xvdaa", ...) and, for a
 * partition, its number, into @buf of @len bytes.  Returns false when it
 * does not fit.
 */
static inline bool xenpv_bf_disk_name(char *buf, u32 len, u32 idx, u32 part)
{
	char letters[8];
	u32 n = 0, pos = 0, i;
	u32 v = idx;

	/* bijective base 26: a..z, aa..zz, aaa... */
	do {
		if (n == sizeof(letters))
			return false;
		letters[n++] = (char)('a' + v % 26);
		v = v / 26;
	} while (v-- > 0);

	if (len < 4 + n)
		return false;
	buf[pos++] = 'x';
	buf[pos++] = 'v';
	buf[pos++] = 'd';
	for (i = 0; i < n; i++)
		buf[pos++] = letters[n - 1 - i];
	if (part) {
		char digits[4];
		u32 d = 0;

		while (part && d < sizeof(digits)) {
			digits[d++] = (char)('0' + part % 10);
			part /= 10;
		}
		if (part || pos + d + 1 > len)
			return false;
		while (d)
			buf[pos++] = digits[--d];
	}
	buf[pos] = '\0';
	return true;
}

#endif /* XENPV_BLKFRONT_CHECK_H */
