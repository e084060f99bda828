/* SPDX-License-Identifier: ISC */
/*
 * num: the one place integers are parsed from text, strtonum-style: the
 * whole string must be a decimal number within [min, max].
 */
#ifndef CUSTOS_COMMON_NUM_H
#define CUSTOS_COMMON_NUM_H

#include <stdint.h>

/* 0 and *out set, or -1 when s is empty, not decimal, or out of range. */
int num_parse_i64(int64_t *out, const char *s, int64_t min, int64_t max)
	__attribute__((warn_unused_result, nonnull));

#endif
