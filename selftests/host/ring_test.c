// SPDX-License-Identifier: GPL-2.0
/* Unit tests of include/xenpv/ring.h: index checks across 2^32 wrap. */
#include <xenpv/ring.h>
#include "tap.h"

int main(void)
{
	TAP_OK(xenpv_ring_prod_ok(5, 5, 32), "empty ring is fine");
	TAP_OK(xenpv_ring_prod_ok(37, 5, 32), "full ring is fine");
	TAP_OK(!xenpv_ring_prod_ok(38, 5, 32), "one past full is rejected");
	TAP_OK(!xenpv_ring_prod_ok(4, 5, 32), "producer behind consumer is rejected");
	TAP_OK(xenpv_ring_prod_ok(10, 0xfffffff0u, 32), "wrap at 2^32 within size is fine");
	TAP_OK(!xenpv_ring_prod_ok(0x20, 0xfffffff0u, 32), "wrap at 2^32 beyond size is rejected");
	TAP_OK(xenpv_ring_rsp_ok(8, 4, 8), "responses up to requests issued are fine");
	TAP_OK(!xenpv_ring_rsp_ok(9, 4, 8), "responses beyond requests issued are rejected");
	TAP_OK(xenpv_ring_rsp_ok(3, 0xfffffffeu, 4), "response index wrap is fine");
	return tap_done();
}
