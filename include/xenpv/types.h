/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's fixed-size types, for the validation headers that the host
 * unit tests also compile in userspace.
 */
#ifndef XENPV_TYPES_H
#define XENPV_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#include <stdbool.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int16_t s16;
#endif

#endif /* XENPV_TYPES_H */
