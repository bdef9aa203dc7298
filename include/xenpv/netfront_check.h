/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks xenpv_netfront applies to everything the network backend writes:
 * TX and RX responses, extra-info slots, response producer indices and
 * the xenstore values it reads.  Plain C over fixed-width types so that
 * selftests/host/netfront_check_test.c can exercise the same code.
 */
#ifndef XENPV_NETFRONT_CHECK_H
#define XENPV_NETFRONT_CHECK_H

#include <xenpv/netif_check.h>
#include <xenpv/ring.h>
#include <xenpv/types.h>

/*
 * Wire values from xen/interface/io/netif.h, repeated for userspace; the
 * extra-info and GSO types are the XENPV_ ones of netif_check.h.
 */
#define XNF_RSP_DROPPED		(-2)
#define XNF_RSP_ERROR		(-1)
#define XNF_RSP_OKAY		0
#define XNF_RSP_NULL		1

/* Verdicts on one response. */
enum xnf_verdict {
	XNF_OK = 0,	/* use it */
	XNF_SKIP,	/* filler slot, nothing to do */
	XNF_DROP,	/* backend reports a failure: drop, count, go on */
	XNF_BAD,	/* protocol violation: stop talking to this backend */
};

/* TX slot bookkeeping states the frontend keeps per request id. */
#define XNF_TX_SLOT_FREE	0
#define XNF_TX_SLOT_BUSY	1

/*
 * The backend may publish at most as many responses as we have requests
 * outstanding.
 */
static inline bool xnf_rsp_prod_ok(u32 rsp_prod, u32 rsp_cons, u32 req_prod)
{
	return xenpv_ring_rsp_ok(rsp_prod, rsp_cons, req_prod);
}

/*
 * A TX response.  A NULL status fills a ring slot that carried an
 * extra-info request; it has no id and is valid only while such slots
 * are unanswered (@nulls_owed, the extra slots sent minus the NULL
 * responses seen).  Anywhere else it would leave a data request, its id
 * and grant, unanswered for good.  Otherwise the id must name a request
 * we have in flight (@slot_state[id] is BUSY) and the status must be one
 * the protocol defines.
 */
static inline enum xnf_verdict xnf_tx_rsp_check(const u8 *slot_state,
						u32 ring_size, u16 id,
						s16 status, u32 nulls_owed)
{
	if (status == XNF_RSP_NULL)
		return nulls_owed ? XNF_SKIP : XNF_BAD;
	if (id >= ring_size || slot_state[id] != XNF_TX_SLOT_BUSY)
		return XNF_BAD;
	if (status == XNF_RSP_OKAY)
		return XNF_OK;
	if (status == XNF_RSP_ERROR || status == XNF_RSP_DROPPED)
		return XNF_DROP;
	return XNF_BAD;
}

/*
 * Room in the TX ring for a packet of @data_slots data requests plus
 * @extra_slots extra-info requests: ring slots and free request ids.
 */
static inline bool xnf_tx_room(u32 free_slots, u32 free_ids,
			       u32 data_slots, u32 extra_slots)
{
	return free_slots >= data_slots + extra_slots &&
	       free_ids >= data_slots;
}

/*
 * An RX data response in slot @expect_id: the id is echoed from our
 * request, the data (@status bytes at @offset) must lie inside the one
 * page we granted.  A negative status is the backend dropping the
 * packet.
 */
static inline enum xnf_verdict xnf_rx_rsp_check(u16 id, s16 status,
						u16 offset, u32 expect_id,
						u32 page_size)
{
	if (id != expect_id)
		return XNF_BAD;
	if (status < 0)
		return XNF_DROP;
	if (offset >= page_size || (u32)offset + (u32)status > page_size)
		return XNF_BAD;
	return XNF_OK;
}

/*
 * An RX packet spreads over at most @max_slots data slots and cannot be
 * longer than the 16-bit length the protocol can describe plus headroom
 * for an Ethernet header.
 */
static inline bool xnf_rx_frame_ok(u32 nr_slots, u32 max_slots, u32 len)
{
	return nr_slots <= max_slots && len <= 0xffffu + 14u;
}

/*
 * Extra-info slots chained to one RX packet: each type at most once, so
 * never more than there are types.  A longer chain is a protocol error.
 */
static inline bool xnf_rx_extras_ok(u32 nr_extras)
{
	return nr_extras <= XENPV_EXTRA_CHAIN_MAX;
}

/*
 * An RX extra-info slot.  GSO information must give a non-zero segment
 * size and a TCP type we announced; other types are ignored.  An unknown
 * or zero type is a protocol error.
 */
static inline enum xnf_verdict xnf_rx_extra_check(u8 type, u16 gso_size,
						  u8 gso_type)
{
	if (type == 0 || type >= XENPV_EXTRA_MAX)
		return XNF_BAD;
	if (type != XENPV_EXTRA_GSO)
		return XNF_SKIP;
	if (gso_size == 0)
		return XNF_DROP;
	if (gso_type != XENPV_GSO_TCPV4 && gso_type != XENPV_GSO_TCPV6)
		return XNF_DROP;
	return XNF_OK;
}

/* Number of queues to use: what we want, bounded by the backend's offer. */
static inline u32 xnf_pick_queues(u32 backend_max, u32 wanted)
{
	if (wanted == 0)
		wanted = 1;
	if (backend_max == 0)
		return 1;
	return backend_max < wanted ? backend_max : wanted;
}

#endif /* XENPV_NETFRONT_CHECK_H */
