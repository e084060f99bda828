/* SPDX-License-Identifier: ISC */
/*
 * scan: finds the top-level event objects of an Okta export as it
 * streams in, so that a multi-GB export is imported in constant memory.
 * jansson has no streaming API (json_loadf reads one whole value, here
 * the whole export), so the framing is done by hand: a byte scanner that
 * knows JSON strings (with their escapes) and nesting, and nothing else.
 * Each object it finds is handed, as one byte span, to json_loadb by the
 * caller (importer/stream.h), which checks everything inside.
 *
 * Shapes: JSON lines (one object per line), one JSON array of objects,
 * one object over many lines (pretty-printed), objects one after another
 * with any white space between (several of the above, e.g. concatenated
 * pages: arrays too).  An Event Hooks delivery ({"data": {"events":
 * [...]}}) is a top-level object like any other: the caller unpacks it.
 * A leading UTF-8 byte-order mark is skipped.
 *
 * A JSON-lines export may hold a line cut short (a truncated write): a
 * '{' at the very start of a line inside a top-level object that is not
 * in an array ends the cut event (an error of its own) and starts the
 * next, so one cut line does not swallow the rest.  (A pretty-printed
 * object indents what it nests; one printed with no indentation at all
 * would be cut there too.)
 *
 * What it refuses, and how: a byte outside an object that is neither
 * white space nor the array's punctuation is one error, and the rest of
 * its line is skipped (a JSON-lines export stays in step); an object
 * longer than max bytes, an array element that is not an object, or the
 * end of the stream inside an object loses the framing: the scan stops
 * ("lost sync"), and what was found before stands.
 */
#ifndef CUSTOS_IMPORTER_SCAN_H
#define CUSTOS_IMPORTER_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* Where a record starts: its line (1-based) and byte offset. */
struct scan_pos {
	long line;
	uint64_t offset;
	int in_array;           /* an element of a top-level array */
};

struct scan_cb {
	/* One object's bytes, from its '{' to its '}'.  0 goes on, -1
	 * stops the scan (scan_feed returns -1). */
	int (*record)(void *arg, const char *rec, size_t len,
	    const struct scan_pos *pos);
	/* A framing error: reason ("framing", "malformed_json",
	 * "lost_sync"), message in words (none of the input); lost is 1
	 * when the scan cannot go on. */
	int (*error)(void *arg, const char *reason, const char *msg,
	    const struct scan_pos *pos, int lost);
	void *arg;
};

struct scan {
	struct buf cur;         /* the record so far, across chunks */
	size_t max;             /* bytes of one record */
	int state;
	int depth, in_str, esc;
	int array;              /* inside a top-level array */
	int bom;                /* bytes of a BOM matched so far */
	int stopped;
	int nl;                 /* the last byte was a newline */
	uint64_t offset;        /* bytes seen */
	long line;
	struct scan_pos pos;    /* of the record being read */
};

/* Starts a scan whose records are at most max bytes. */
void scan_init(struct scan *s, size_t max) __attribute__((nonnull));
void scan_cleanup(struct scan *s) __attribute__((nonnull));

/*
 * Feeds the next len bytes.  0: go on; 1: the scan stopped (lost sync,
 * reported through cb->error); -1: a callback said stop, or memory ran
 * out (cb->error is told "out of memory", lost).
 */
int scan_feed(struct scan *s, const char *data, size_t len,
    const struct scan_cb *cb) __attribute__((nonnull));

/* The end of the stream: 0, or 1 when it ended inside an object or an
 * array (reported as lost). */
int scan_finish(struct scan *s, const struct scan_cb *cb)
	__attribute__((nonnull));

#endif
