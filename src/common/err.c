/* SPDX-License-Identifier: ISC */
#include "common/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
err_init(struct err *e)
{
	e->status = 0;
	e->code = NULL;
	e->reason = NULL;
	e->msg[0] = '\0';
}

static void __attribute__((format(printf, 4, 0)))
err_vset(struct err *e, int status, const char *code, const char *fmt,
    va_list ap)
{
	e->status = status;
	e->code = code;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int
err_set(struct err *e, int status, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, status, code, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_refuse(struct err *e, int status, const char *code, const char *reason,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, status, code, fmt, ap);
	va_end(ap);
	e->reason = reason;
	return -1;
}

int
err_bad_request(struct err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, 400, "bad_request", fmt, ap);
	va_end(ap);
	return -1;
}

int
err_internal(struct err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, 500, "internal", fmt, ap);
	va_end(ap);
	return -1;
}
