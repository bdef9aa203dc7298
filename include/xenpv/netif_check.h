/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Validation of what a netfront puts on its TX ring, as seen by a network
 * backend.  Plain C over fixed-width types: the same code is built into
 * xenpv_netback and into selftests/host/netif_check_test.c.
 *
 * Every function returns a verdict:
 *   XENPV_TX_OK     the frame may be processed;
 *   XENPV_TX_DROP   the frame is bad: answer each of its slots with an error
 *                   and carry on with the next frame;
 *   XENPV_TX_FATAL  the ring itself cannot be trusted any more (indices or
 *                   slot chains that make no sense): stop using the vif.
 *
 * The wire constants are repeated here so that the header has no Xen
 * dependency; the module checks them against xen/interface/io/netif.h at
 * build time.
 */
#ifndef XENPV_NETIF_CHECK_H
#define XENPV_NETIF_CHECK_H

#include <xenpv/types.h>

#define XENPV_NETIF_PAGE		4096u
#define XENPV_NETIF_ETH_HLEN		14u
#define XENPV_NETIF_MAX_FRAME		0xffffu	/* XEN_NETIF_MAX_TX_SIZE */
#define XENPV_NETIF_SLOTS_MIN		18u	/* XEN_NETIF_NR_SLOTS_MIN */

/* netif.h TX request flags */
#define XENPV_TXF_CSUM_BLANK		0x1u
#define XENPV_TXF_DATA_VALIDATED	0x2u
#define XENPV_TXF_MORE_DATA		0x4u
#define XENPV_TXF_EXTRA_INFO		0x8u

/* netif.h extra-info segment types and flags */
#define XENPV_EXTRA_NONE		0u
#define XENPV_EXTRA_GSO			1u
#define XENPV_EXTRA_MCAST_ADD		2u
#define XENPV_EXTRA_MCAST_DEL		3u
#define XENPV_EXTRA_HASH		4u
#define XENPV_EXTRA_XDP			5u
#define XENPV_EXTRA_MAX			6u
#define XENPV_EXTRA_FLAG_MORE		0x1u

#define XENPV_GSO_TCPV4			1u
#define XENPV_GSO_TCPV6			2u

/* A chain of extra segments longer than this is nonsense. */
#define XENPV_EXTRA_CHAIN_MAX		(XENPV_EXTRA_MAX - 1u)

enum xenpv_tx_verdict {
	XENPV_TX_OK = 0,
	XENPV_TX_DROP = 1,
	XENPV_TX_FATAL = 2,
};

/* One TX ring slot, copied out of the shared ring before it is looked at. */
struct xenpv_tx_slot {
	u32 gref;
	u16 offset;
	u16 flags;
	u16 id;
	u16 size;
};

/* Limits a backend applies; see xenpv_tx_limits_default(). */
struct xenpv_tx_limits {
	u32 max_slots;		/* more data slots than this: drop the frame */
	u32 fatal_slots;	/* more than this: the ring is broken */
};

static inline struct xenpv_tx_limits xenpv_tx_limits_default(void)
{
	struct xenpv_tx_limits l = {
		.max_slots = XENPV_NETIF_SLOTS_MIN,
		.fatal_slots = XENPV_NETIF_SLOTS_MIN + 2u,
	};

	return l;
}

/*
 * How many ring entries a frame whose first data slot is at @cons may use
 * before running into @prod.  The ring producer must already have been
 * checked with xenpv_ring_prod_ok().
 */
static inline u32 xenpv_tx_avail(u32 prod, u32 cons)
{
	return (u32)(prod - cons);
}

/*
 * A single data slot: its bytes must lie inside one page.  The size of the
 * first slot is the size of the whole frame, so only its offset is checked
 * here; xenpv_tx_frame_check() checks the bytes the first slot really holds.
 */
static inline enum xenpv_tx_verdict
xenpv_tx_slot_check(const struct xenpv_tx_slot *s, bool first)
{
	if (s->offset >= XENPV_NETIF_PAGE)
		return XENPV_TX_DROP;
	if (!first && (u32)s->offset + s->size > XENPV_NETIF_PAGE)
		return XENPV_TX_DROP;
	return XENPV_TX_OK;
}

/*
 * The slot chain of one frame, @nr data slots (extra segments excluded),
 * @slot[0] first.  On XENPV_TX_OK, *@first_len is the number of bytes the
 * first slot itself carries.
 */
static inline enum xenpv_tx_verdict
xenpv_tx_frame_check(const struct xenpv_tx_slot *slot, u32 nr,
		     const struct xenpv_tx_limits *lim, u32 *first_len)
{
	u32 rest = 0, i, flen;

	if (nr == 0 || nr > lim->fatal_slots)
		return XENPV_TX_FATAL;
	if (nr > lim->max_slots)
		return XENPV_TX_DROP;
	if (slot[0].size < XENPV_NETIF_ETH_HLEN)
		return XENPV_TX_DROP;
	for (i = 0; i < nr; i++) {
		if (xenpv_tx_slot_check(&slot[i], i == 0) != XENPV_TX_OK)
			return XENPV_TX_DROP;
		/* only the last slot may lack the more-data flag */
		if (!(slot[i].flags & XENPV_TXF_MORE_DATA) != (i == nr - 1))
			return XENPV_TX_FATAL;
		if (i > 0) {
			if (slot[i].size == 0)
				return XENPV_TX_DROP;
			rest += slot[i].size;
		}
	}
	/* follow-up slots claim more than the frame size */
	if (rest > XENPV_NETIF_MAX_FRAME || rest >= slot[0].size)
		return XENPV_TX_DROP;
	flen = slot[0].size - rest;
	if ((u32)slot[0].offset + flen > XENPV_NETIF_PAGE)
		return XENPV_TX_DROP;
	*first_len = flen;
	return XENPV_TX_OK;
}

/* What an accepted GSO extra asks for. */
struct xenpv_tx_gso {
	u16 size;
	u8 type;		/* XENPV_GSO_TCPV4 / _TCPV6, 0 if none */
};

/*
 * One extra-info segment.  @seen is a bit mask of the types already met in
 * this frame; it is updated.  An unknown type is FATAL (the frontend and the
 * backend no longer agree on what a slot is), a known one with bad content
 * or a repeated one only drops the frame.
 */
static inline enum xenpv_tx_verdict
xenpv_tx_extra_check(u8 type, u8 flags, u16 gso_size, u8 gso_type,
		     u16 gso_features, u32 *seen, struct xenpv_tx_gso *gso)
{
	(void)flags;
	if (type == XENPV_EXTRA_NONE || type >= XENPV_EXTRA_MAX)
		return XENPV_TX_FATAL;
	if (*seen & (1u << type))
		return XENPV_TX_DROP;
	*seen |= 1u << type;

	switch (type) {
	case XENPV_EXTRA_GSO:
		if (gso_size == 0 || gso_features != 0)
			return XENPV_TX_DROP;
		if (gso_type != XENPV_GSO_TCPV4 && gso_type != XENPV_GSO_TCPV6)
			return XENPV_TX_DROP;
		gso->size = gso_size;
		gso->type = gso_type;
		return XENPV_TX_OK;
	case XENPV_EXTRA_MCAST_ADD:
	case XENPV_EXTRA_MCAST_DEL:
		/* multicast control is not advertised: ignored */
		return XENPV_TX_OK;
	default:
		/* HASH and XDP are never sent on the TX ring */
		return XENPV_TX_DROP;
	}
}

/* Does the chain continue after an extra segment with these flags? */
static inline bool xenpv_tx_extra_more(u8 flags)
{
	return flags & XENPV_EXTRA_FLAG_MORE;
}

/*
 * A GSO frame must be larger than one segment and carry at least an
 * Ethernet header in front of the TCP payload.
 */
static inline enum xenpv_tx_verdict
xenpv_tx_gso_frame_check(const struct xenpv_tx_gso *gso, u32 frame_len)
{
	if (!gso->type)
		return XENPV_TX_OK;
	if (frame_len <= XENPV_NETIF_ETH_HLEN)
		return XENPV_TX_DROP;
	return XENPV_TX_OK;
}

/*
 * Combine two verdicts: the worse one wins.
 */
static inline enum xenpv_tx_verdict
xenpv_tx_worst(enum xenpv_tx_verdict a, enum xenpv_tx_verdict b)
{
	return a > b ? a : b;
}

/*
 * Parse the value of the backend's "rate" node, "BYTES,USECS" as written by
 * libxl.  Returns false (and leaves the outputs alone) unless the whole
 * string is two decimal numbers separated by a comma, USECS > 0 and both
 * fit.  No libc: the kernel and the unit test share it.
 */
static inline bool xenpv_parse_rate(const char *s, u64 *bytes, u32 *usecs)
{
	u64 b = 0, u = 0;
	int nb = 0, nu = 0;

	for (; *s >= '0' && *s <= '9'; s++, nb++) {
		u64 d = (u64)(*s - '0');

		if (b > (~(u64)0 - d) / 10)
			return false;
		b = b * 10 + d;
	}
	if (!nb || *s != ',')
		return false;
	for (s++; *s >= '0' && *s <= '9'; s++, nu++) {
		u = u * 10 + (u64)(*s - '0');
		if (u > 0xffffffffu)
			return false;
	}
	if (!nu || *s != '\0' || u == 0)
		return false;
	*bytes = b;
	*usecs = (u32)u;
	return true;
}

#endif /* XENPV_NETIF_CHECK_H */
