// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of include/xenpv/netfront_check.h: what xenpv_netfront accepts
 * from a network backend.  Prints TAP.
 */
#include <string.h>
#include <xenpv/netfront_check.h>
#include "tap.h"

#define t(cond, desc) TAP_OK(cond, "%s", desc)
#define TX(id, st) xnf_tx_rsp_check(st_tab, 256, id, st, 0)
#define TXN(id, st, owed) xnf_tx_rsp_check(st_tab, 256, id, st, owed)
#define EXTRA(ty, sz, gt) xnf_rx_extra_check(ty, sz, gt)
#define GSO XENPV_EXTRA_GSO

/* a backend setting more_data on the whole ring */
#define XNF_RX_ATTACK_SLOTS 256

int main(void)
{
	u8 st_tab[256];

	memset(st_tab, XNF_TX_SLOT_FREE, sizeof(st_tab));
	st_tab[5] = XNF_TX_SLOT_BUSY;
	st_tab[255] = XNF_TX_SLOT_BUSY;

	/* response producer */
	t(xnf_rsp_prod_ok(10, 10, 10), "rsp_prod equal to cons is fine");
	t(xnf_rsp_prod_ok(12, 10, 12), "rsp_prod up to req_prod is fine");
	t(!xnf_rsp_prod_ok(13, 10, 12), "rsp_prod ahead of req_prod is refused");
	t(!xnf_rsp_prod_ok(9, 10, 12), "rsp_prod behind rsp_cons is refused");
	t(xnf_rsp_prod_ok(2, 0xfffffffeu, 3), "rsp_prod wrap-around is fine");
	t(!xnf_rsp_prod_ok(4, 0xfffffffeu, 3), "rsp_prod ahead across wrap refused");

	/* TX responses */
	t(TX(5, XNF_RSP_OKAY) == XNF_OK, "tx: busy id, okay");
	t(TX(255, XNF_RSP_OKAY) == XNF_OK, "tx: last id, okay");
	t(TX(6, XNF_RSP_OKAY) == XNF_BAD, "tx: id not in flight is bad");
	t(TX(256, XNF_RSP_OKAY) == XNF_BAD, "tx: id == ring size is bad");
	t(TX(0xffff, XNF_RSP_OKAY) == XNF_BAD, "tx: id 0xffff is bad");
	t(TXN(0xffff, XNF_RSP_NULL, 1) == XNF_SKIP, "tx: NULL status fills an extra-info slot, whatever the id");
	t(TXN(0, XNF_RSP_NULL, 2) == XNF_SKIP, "tx: NULL status with two extra slots owed");
	t(TX(5, XNF_RSP_NULL) == XNF_BAD, "tx: NULL status answering a data slot (no extra owed) is bad");
	t(TX(0xffff, XNF_RSP_NULL) == XNF_BAD, "tx: NULL status with no extra slot sent is bad");
	t(TXN(5, XNF_RSP_OKAY, 1) == XNF_OK, "tx: data response while an extra slot is owed");

	/* TX room: ring slots and free ids both bound a packet */
	t(xnf_tx_room(256, 256, 18, 1), "tx room: empty ring");
	t(xnf_tx_room(19, 18, 18, 1), "tx room: exactly enough");
	t(!xnf_tx_room(18, 18, 18, 1), "tx room: one ring slot short (extra slot)");
	t(!xnf_tx_room(256, 17, 18, 0), "tx room: ids short though the ring is empty");
	t(!xnf_tx_room(256, 0, 1, 0), "tx room: no id left");
	t(TX(5, XNF_RSP_ERROR) == XNF_DROP, "tx: error status counted as drop");
	t(TX(5, XNF_RSP_DROPPED) == XNF_DROP, "tx: dropped status counted as drop");
	t(TX(5, 7) == XNF_BAD, "tx: undefined status is bad");
	t(TX(5, -9) == XNF_BAD, "tx: undefined negative status is bad");

	/* RX responses */
	t(xnf_rx_rsp_check(3, 1514, 0, 3, 4096) == XNF_OK, "rx: normal slot");
	t(xnf_rx_rsp_check(3, 4096, 0, 3, 4096) == XNF_OK, "rx: full page");
	t(xnf_rx_rsp_check(3, 0, 0, 3, 4096) == XNF_OK, "rx: empty slot");
	t(xnf_rx_rsp_check(3, 100, 4000, 3, 4096) == XNF_BAD, "rx: offset+size past page end");
	t(xnf_rx_rsp_check(3, 10, 4096, 3, 4096) == XNF_BAD, "rx: offset at page end");
	t(xnf_rx_rsp_check(3, 0x7fff, 0, 3, 4096) == XNF_BAD, "rx: size larger than a page");
	t(xnf_rx_rsp_check(4, 60, 0, 3, 4096) == XNF_BAD, "rx: id not matching the slot");
	t(xnf_rx_rsp_check(3, XNF_RSP_ERROR, 0, 3, 4096) == XNF_DROP, "rx: error status drops");
	t(xnf_rx_rsp_check(3, -300, 0, 3, 4096) == XNF_DROP, "rx: odd negative status drops");
	t(xnf_rx_rsp_check(3, 96, 4000, 3, 4096) == XNF_OK, "rx: data ending exactly at page end");

	/* frames */
	t(xnf_rx_frame_ok(17, 18, 65535), "rx: 17-slot 64K frame fine");
	t(!xnf_rx_frame_ok(19, 18, 1000), "rx: too many slots refused");
	t(!xnf_rx_frame_ok(3, 18, 0x20000), "rx: overlong frame refused");

	/* corrupted RX ring, as netbadback and a bad backend write it */
	t(!xnf_rsp_prod_ok(1000 + 256, 0, 256), "rx attack: rsp_prod far ahead of requests");
	t(xnf_rx_rsp_check(0x7777, 60, 0, 3, 4096) == XNF_BAD, "rx attack: id never requested");
	t(xnf_rx_rsp_check(3, 4096, 1, 3, 4096) == XNF_BAD, "rx attack: offset+size one past the page");
	t(xnf_rx_rsp_check(3, 1, 0xffff, 3, 4096) == XNF_BAD, "rx attack: offset 0xffff");
	t(xnf_rx_rsp_check(3, 0x7fff, 0xffff, 3, 4096) == XNF_BAD, "rx attack: offset and size at maximum");
	t(xnf_rx_extra_check(0xff, 0, 0) == XNF_BAD, "rx attack: extra type 0xff");
	t(!xnf_rx_frame_ok(XNF_RX_ATTACK_SLOTS, 18, 100), "rx attack: more_data on every slot");
	t(!xnf_rx_frame_ok(19, 18, 19 * 100), "rx attack: 19 data slots (netbadback rxslots)");
	t(xnf_rx_rsp_check(4, 60, 0, 3, 4096) == XNF_BAD, "rx attack: the next slot's id (netbadback rxbadid)");
	t(xnf_rx_rsp_check(3, 200, 4000, 3, 4096) == XNF_BAD, "rx attack: offset 4000 size 200 (netbadback rxbadoff)");
	t(xnf_rx_extra_check(0x42, 0, 0) == XNF_BAD, "rx attack: extra type 0x42 (netbadback rxbadextra)");
	t(xnf_rx_extras_ok(5), "rx: five chained extras (one of each type) fine");
	t(!xnf_rx_extras_ok(6), "rx attack: six chained extras (netbadback rxextras)");
	t(xnf_rx_rsp_check(3, XNF_RSP_ERROR, 4000, 3, 4096) == XNF_DROP, "rx: error status drops whatever the offset (netbadback rxerr)");

	/* extra info */
	t(EXTRA(GSO, 1448, XENPV_GSO_TCPV4) == XNF_OK, "extra: gso v4");
	t(EXTRA(GSO, 1428, XENPV_GSO_TCPV6) == XNF_OK, "extra: gso v6");
	t(EXTRA(GSO, 0, XENPV_GSO_TCPV4) == XNF_DROP, "extra: gso size 0 drops");
	t(EXTRA(GSO, 1448, 9) == XNF_DROP, "extra: unknown gso type drops");
	t(xnf_rx_extra_check(0, 0, 0) == XNF_BAD, "extra: type none is bad");
	t(xnf_rx_extra_check(6, 0, 0) == XNF_BAD, "extra: type past max is bad");
	t(xnf_rx_extra_check(4, 0, 0) == XNF_SKIP, "extra: hash info ignored");

	/* queues */
	t(xnf_pick_queues(0, 4) == 1, "queues: backend without multi-queue gives 1");
	t(xnf_pick_queues(8, 2) == 2, "queues: bounded by wanted");
	t(xnf_pick_queues(2, 8) == 2, "queues: bounded by backend");
	t(xnf_pick_queues(4, 0) == 1, "queues: wanted 0 means 1");

	return tap_done();
}
