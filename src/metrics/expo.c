/* SPDX-License-Identifier: ISC */
#include "metrics/expo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPO_LABELS_MAX 8       /* labels of one sample, le included */

/* s with the escapes of the format: in label values \ " and line feed,
 * in HELP text \ and line feed. */
static int
put_escaped(struct buf *out, const char *s, int quotes)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *esc = NULL;

		if (*s == '\\')
			esc = "\\\\";
		else if (*s == '\n')
			esc = "\\n";
		else if (*s == '"' && quotes)
			esc = "\\\"";
		if (esc == NULL)
			continue;
		if (buf_append(out, run, (size_t)(s - run)) == -1 ||
		    buf_puts(out, esc) == -1)
			return -1;
		run = s + 1;
	}
	return buf_append(out, run, (size_t)(s - run));
}

int
expo_family(struct buf *out, const char *name, const char *type,
    const char *help)
{
	if (buf_printf(out, "# HELP %s ", name) == -1 ||
	    put_escaped(out, help, 0) == -1 ||
	    buf_printf(out, "\n# TYPE %s %s\n", name, type) == -1)
		return -1;
	return 0;
}

static int
put_labels(struct buf *out, const char *name, const struct expo_label *l,
    size_t n)
{
	size_t i;

	if (buf_puts(out, name) == -1)
		return -1;
	if (n == 0)
		return buf_puts(out, " ");
	if (buf_puts(out, "{") == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (buf_printf(out, "%s%s=\"", i > 0 ? "," : "",
		    l[i].name) == -1 || put_escaped(out, l[i].value != NULL ?
		    l[i].value : "", 1) == -1 || buf_puts(out, "\"") == -1)
			return -1;
	return buf_puts(out, "} ");
}

/* The shortest decimal that reads back as v exactly (0.1, not
 * 0.10000000000000001). */
static void
fmt_double(char *s, size_t size, double v)
{
	int prec;

	if (isnan(v)) {
		snprintf(s, size, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(s, size, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	/* Plain digits where they are short enough: 10, not 1e+01. */
	for (prec = 1; prec < 17; prec++) {
		snprintf(s, size, "%.*g", prec, v);
		if (strtod(s, NULL) == v && (strchr(s, 'e') == NULL ||
		    fabs(v) < 1e-4 || fabs(v) >= 1e15))
			return;
	}
	snprintf(s, size, "%.17g", v);
}

static int
put_double(struct buf *out, double v)
{
	char s[40];

	fmt_double(s, sizeof(s), v);
	return buf_puts(out, s);
}

int
expo_sample_int(struct buf *out, const char *name,
    const struct expo_label *labels, size_t nlabels, int64_t value)
{
	if (put_labels(out, name, labels, nlabels) == -1 ||
	    buf_printf(out, "%lld\n", (long long)value) == -1)
		return -1;
	return 0;
}

int
expo_sample(struct buf *out, const char *name,
    const struct expo_label *labels, size_t nlabels, double value)
{
	if (put_labels(out, name, labels, nlabels) == -1 ||
	    put_double(out, value) == -1 || buf_puts(out, "\n") == -1)
		return -1;
	return 0;
}

int
expo_histogram(struct buf *out, const char *name,
    const struct expo_label *labels, size_t nlabels, const double *bounds,
    size_t nbounds, const uint64_t *counts, double sum)
{
	struct expo_label l[EXPO_LABELS_MAX];
	char series[128], le[40];
	uint64_t cum = 0;
	size_t i;

	if (nlabels + 1 > EXPO_LABELS_MAX ||
	    strlen(name) + sizeof("_bucket") > sizeof(series))
		return -1;
	if (nlabels > 0)
		memcpy(l, labels, nlabels * sizeof(*l));
	l[nlabels].name = "le";
	l[nlabels].value = le;
	snprintf(series, sizeof(series), "%s_bucket", name);
	for (i = 0; i <= nbounds; i++) {
		cum += counts[i];
		fmt_double(le, sizeof(le), i < nbounds ? bounds[i] :
		    INFINITY);
		if (expo_sample_int(out, series, l, nlabels + 1,
		    (int64_t)cum) == -1)
			return -1;
	}
	snprintf(series, sizeof(series), "%s_sum", name);
	if (expo_sample(out, series, labels, nlabels, sum) == -1)
		return -1;
	snprintf(series, sizeof(series), "%s_count", name);
	return expo_sample_int(out, series, labels, nlabels, (int64_t)cum);
}
