// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of include/xenpv/netif_check.h: what xenpv_netback accepts,
 * drops or treats as a broken ring on a guest's TX ring.
 */
#include <string.h>
#include <xenpv/ring.h>
#include <xenpv/netif_check.h>
#include "tap.h"

static struct xenpv_tx_slot mk(u16 off, u16 size, bool more)
{
	struct xenpv_tx_slot s = {
		.gref = 8, .offset = off, .size = size, .id = 0,
		.flags = more ? XENPV_TXF_MORE_DATA : 0,
	};

	return s;
}

static enum xenpv_tx_verdict frame(struct xenpv_tx_slot *s, u32 n,
				   u32 *flen)
{
	struct xenpv_tx_limits lim = xenpv_tx_limits_default();

	return xenpv_tx_frame_check(s, n, &lim, flen);
}

static void test_frames(void)
{
	struct xenpv_tx_slot s[32];
	u32 flen = 0, i;

	s[0] = mk(0, 60, false);
	TAP_OK(frame(s, 1, &flen) == XENPV_TX_OK && flen == 60,
	       "single slot 60 byte frame accepted");

	s[0] = mk(0, 0, false);
	TAP_OK(frame(s, 1, &flen) == XENPV_TX_DROP, "size 0 frame dropped");

	s[0] = mk(0, 13, false);
	TAP_OK(frame(s, 1, &flen) == XENPV_TX_DROP,
	       "frame shorter than an Ethernet header dropped");

	s[0] = mk(4000, 200, false);
	TAP_OK(frame(s, 1, &flen) == XENPV_TX_DROP,
	       "first slot offset + size beyond the page dropped");

	s[0] = mk(4096, 20, false);
	TAP_OK(frame(s, 1, &flen) == XENPV_TX_DROP,
	       "offset of a whole page dropped");

	s[0] = mk(0, 3000, true);
	s[1] = mk(100, 2000, false);
	TAP_OK(frame(s, 2, &flen) == XENPV_TX_OK && flen == 1000,
	       "two slot frame: first slot carries size - rest");

	s[0] = mk(0, 3000, true);
	s[1] = mk(2500, 2000, false);
	TAP_OK(frame(s, 2, &flen) == XENPV_TX_DROP,
	       "follow-up slot crossing the page dropped");

	s[0] = mk(0, 1000, true);
	s[1] = mk(0, 2000, false);
	TAP_OK(frame(s, 2, &flen) == XENPV_TX_DROP,
	       "follow-ups larger than the frame size dropped");

	s[0] = mk(0, 1000, true);
	s[1] = mk(0, 1000, false);
	TAP_OK(frame(s, 2, &flen) == XENPV_TX_DROP,
	       "first slot left with no bytes dropped");

	s[0] = mk(0, 1000, true);
	s[1] = mk(0, 0, false);
	TAP_OK(frame(s, 2, &flen) == XENPV_TX_DROP,
	       "empty follow-up slot dropped");

	/* 0xffff total: 1 byte, 15 full pages, 4094 bytes = 17 slots */
	s[0] = mk(4095, 0xffff, true);
	for (i = 1; i < 16; i++)
		s[i] = mk(0, 4096, true);
	s[16] = mk(0, 0xffff - 1 - 15 * 4096, false);
	TAP_OK(frame(s, 17, &flen) == XENPV_TX_OK && flen == 1,
	       "64 KiB - 1 frame over 17 slots accepted");

	/* follow-ups summing above 64 KiB */
	s[0] = mk(0, 0xffff, true);
	for (i = 1; i < 18; i++)
		s[i] = mk(0, 4096, i < 17);
	TAP_OK(frame(s, 18, &flen) == XENPV_TX_DROP,
	       "follow-ups summing above 64 KiB dropped");

	/* slot limits */
	for (i = 0; i < 32; i++)
		s[i] = mk(0, 64, true);
	s[0].size = 64 * 18;
	s[17].flags = 0;
	TAP_OK(frame(s, 18, &flen) == XENPV_TX_OK,
	       "18 slots (XEN_NETIF_NR_SLOTS_MIN) accepted");
	s[17].flags = XENPV_TXF_MORE_DATA;
	s[18].flags = 0;
	s[0].size = 64 * 19;
	TAP_OK(frame(s, 19, &flen) == XENPV_TX_DROP,
	       "19 slots dropped");
	s[18].flags = XENPV_TXF_MORE_DATA;
	s[20].flags = 0;
	s[0].size = 64 * 21;
	TAP_OK(frame(s, 21, &flen) == XENPV_TX_FATAL,
	       "21 slots: ring untrusted");
	TAP_OK(frame(s, 0, &flen) == XENPV_TX_FATAL, "zero slots: fatal");

	s[0] = mk(0, 3000, false);
	s[1] = mk(0, 2000, false);
	TAP_OK(frame(s, 2, &flen) == XENPV_TX_FATAL,
	       "chain not linked by more-data: fatal");
}

static enum xenpv_tx_verdict extra(u8 type, u16 size, u8 gtype, u16 feat,
				   u32 *seen, struct xenpv_tx_gso *gso)
{
	return xenpv_tx_extra_check(type, 0, size, gtype, feat, seen, gso);
}

static void test_extras(void)
{
	struct xenpv_tx_gso gso = { 0, 0 };
	enum xenpv_tx_verdict v;
	u32 seen = 0;

	v = extra(XENPV_EXTRA_GSO, 1448, XENPV_GSO_TCPV4, 0, &seen, &gso);
	TAP_OK(v == XENPV_TX_OK && gso.size == 1448 &&
	       gso.type == XENPV_GSO_TCPV4, "GSO TCPv4 extra accepted");
	v = extra(XENPV_EXTRA_GSO, 1448, XENPV_GSO_TCPV4, 0, &seen, &gso);
	TAP_OK(v == XENPV_TX_DROP, "repeated GSO extra dropped");

	seen = 0;
	v = extra(XENPV_EXTRA_GSO, 0, XENPV_GSO_TCPV6, 0, &seen, &gso);
	TAP_OK(v == XENPV_TX_DROP, "GSO size 0 dropped");
	seen = 0;
	v = extra(XENPV_EXTRA_GSO, 1448, 7, 0, &seen, &gso);
	TAP_OK(v == XENPV_TX_DROP, "unknown GSO type dropped");
	seen = 0;
	v = extra(XENPV_EXTRA_GSO, 1448, XENPV_GSO_TCPV6, 1, &seen, &gso);
	TAP_OK(v == XENPV_TX_DROP, "GSO features bits dropped");
	seen = 0;
	v = extra(XENPV_EXTRA_NONE, 0, 0, 0, &seen, &gso);
	TAP_OK(v == XENPV_TX_FATAL, "extra type 0: fatal");
	v = extra(XENPV_EXTRA_MAX, 0, 0, 0, &seen, &gso);
	TAP_OK(v == XENPV_TX_FATAL, "extra type beyond MAX: fatal");
	v = extra(200, 0, 0, 0, &seen, &gso);
	TAP_OK(v == XENPV_TX_FATAL, "extra type 200: fatal");
	seen = 0;
	v = extra(XENPV_EXTRA_MCAST_ADD, 0, 0, 0, &seen, &gso);
	TAP_OK(v == XENPV_TX_OK, "multicast add extra ignored");
	v = extra(XENPV_EXTRA_HASH, 0, 0, 0, &seen, &gso);
	TAP_OK(v == XENPV_TX_DROP, "hash extra on the TX ring dropped");
	TAP_OK(xenpv_tx_extra_more(XENPV_EXTRA_FLAG_MORE) &&
	       !xenpv_tx_extra_more(0), "extra chain flag");
	TAP_OK(xenpv_tx_worst(XENPV_TX_DROP, XENPV_TX_OK) == XENPV_TX_DROP &&
	       xenpv_tx_worst(XENPV_TX_DROP, XENPV_TX_FATAL) ==
	       XENPV_TX_FATAL, "worst verdict wins");
}

static void test_ring(void)
{
	TAP_OK(xenpv_ring_prod_ok(256, 0, 256), "producer a full ring ahead");
	TAP_OK(!xenpv_ring_prod_ok(257, 0, 256),
	       "producer more than a ring ahead rejected");
	TAP_OK(xenpv_ring_prod_ok(5, 0xfffffff0u, 256),
	       "producer wrapped around 2^32");
	TAP_OK(!xenpv_ring_prod_ok(0xfffffff0u, 5, 256),
	       "producer behind the consumer rejected");
	TAP_OK(xenpv_tx_avail(3, 0xfffffffeu) == 5, "avail across the wrap");
}

static void test_rate(void)
{
	u64 b = 1;
	u32 u = 1;
	bool r;

	r = xenpv_parse_rate("125000,50000", &b, &u);
	TAP_OK(r && b == 125000 && u == 50000, "rate 125000,50000 parsed");
	r = xenpv_parse_rate("18446744073709551615,1", &b, &u);
	TAP_OK(r && b == 18446744073709551615ull, "rate at u64 max parsed");
	b = 7;
	r = xenpv_parse_rate("18446744073709551616,1", &b, &u);
	TAP_OK(!r && b == 7, "rate overflowing u64 rejected");
	TAP_OK(!xenpv_parse_rate("100", &b, &u), "rate without usecs rejected");
	TAP_OK(!xenpv_parse_rate(",100", &b, &u), "rate without bytes rejected");
	TAP_OK(!xenpv_parse_rate("100,", &b, &u), "empty usecs rejected");
	TAP_OK(!xenpv_parse_rate("100,0", &b, &u), "zero usecs rejected");
	TAP_OK(!xenpv_parse_rate("100,5x", &b, &u), "trailing junk rejected");
	TAP_OK(!xenpv_parse_rate("-1,5", &b, &u), "negative rejected");
	TAP_OK(!xenpv_parse_rate("1,4294967296", &b, &u),
	       "usecs above u32 rejected");
}

int main(void)
{
	test_frames();
	test_extras();
	test_ring();
	test_rate();
	return tap_done();
}
