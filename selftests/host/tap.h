/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP output for the host unit tests. */
#ifndef XENPV_HOST_TAP_H
#define XENPV_HOST_TAP_H
#include <stdio.h>

static int tap_n, tap_failed;

#define TAP_OK(cond, ...) do {						\
	tap_n++;							\
	if (!(cond))							\
		tap_failed++;						\
	printf("%sok %d - ", (cond) ? "" : "not ", tap_n);		\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
#endif
