/* SPDX-License-Identifier: ISC */
/*
 * qr: a QR code (libqrencode) as a small SVG document, for the console to
 * show an enrolment URI as <img src="data:image/svg+xml;base64,...">
 * (the CSP allows img data:).  Error correction M, 8-bit mode, a quiet
 * zone of 4 modules, one <path> of the dark modules (runs of a row
 * merged), black on white, no script, no external reference.  The text
 * may be a secret (an otpauth:// URI): qr_svg wipes what it made of it
 * but the caller's out holds it again.
 */
#ifndef CUSTOS_AUTH_QR_H
#define CUSTOS_AUTH_QR_H

#include <stddef.h>

#define QR_TEXT_MAX 1024        /* longest text encoded */
#define QR_SVG_MAX 65536        /* enough for QR_TEXT_MAX at level M */

/*
 * Writes the SVG of text into out[cap] (NUL-ended).  0, or -1 (out then
 * "") when text is empty or longer than QR_TEXT_MAX, the code cannot be
 * made, or the SVG does not fit in cap.
 */
int qr_svg(char *out, size_t cap, const char *text)
	__attribute__((warn_unused_result));

#endif
