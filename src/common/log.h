/* SPDX-License-Identifier: ISC */
/*
 * log: the daemon's operational log (stderr, one line per event).  Not the
 * transparency log: that is audit/.  Nothing secret is ever passed here.
 */
#ifndef CUSTOS_COMMON_LOG_H
#define CUSTOS_COMMON_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_set_quiet(int quiet);

#endif
