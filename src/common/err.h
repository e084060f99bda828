/* SPDX-License-Identifier: ISC */
/*
 * err: the error a failed operation hands back to its caller.  It carries
 * the HTTP status and the API error code the failure maps to, so a handler
 * can answer with it as it is.  Messages never contain secrets.
 */
#ifndef CUSTOS_COMMON_ERR_H
#define CUSTOS_COMMON_ERR_H

#include <stddef.h>

#define ERR_MSG_MAX 256

struct err {
	int status;             /* HTTP status, 0 when unset */
	const char *code;       /* API code: bad_request, forbidden, ... */
	const char *reason;     /* short machine reason for the log, or NULL */
	char msg[ERR_MSG_MAX];  /* one sentence for the caller */
};

void err_init(struct err *e);

/* Sets the error; returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* As err_set, with the short machine reason for the log (a static
 * string).  Returns -1. */
int err_refuse(struct err *e, int status, const char *code,
    const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Shorthands for the usual classes. Each returns -1. */
int err_bad_request(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int err_internal(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
