/* SPDX-License-Identifier: ISC */
/*
 * jsonw: writes JSON text straight into a buf, for the few hot answers
 * (lists of many records) where building a jansson tree and dumping it
 * costs more than the rest of the request.  Output is compact UTF-8, the
 * same bytes jansson's JSON_COMPACT would give.
 */
#ifndef CUSTOS_COMMON_JSONW_H
#define CUSTOS_COMMON_JSONW_H

#include "common/buf.h"

/* Appends s as a JSON string (quoted, escaped); -1 when the cap is hit. */
int jsonw_str(struct buf *b, const char *s)
	__attribute__((warn_unused_result));

/* Appends "key": then the string value. */
int jsonw_kv_str(struct buf *b, const char *key, const char *value)
	__attribute__((warn_unused_result));

#endif
