/* SPDX-License-Identifier: ISC */
/*
 * invite_link: finds the invitation token in a link, a bare token or the
 * invitation mail custosd sent (cmd_enrol.c's only parser of outside
 * bytes; fuzz/fuzz_invite_link.c).
 */
#ifndef CUSTOS_CLI_INVITE_LINK_H
#define CUSTOS_CLI_INVITE_LINK_H

#include <stddef.h>

#define INVITE_TOKEN_LEN (4 + 52)               /* civ_ + base32 */
#define INVITE_LINK_TEXT_MAX ((size_t)1 << 20)  /* a mail, at most */

/*
 * Writes to out[size] (at least INVITE_TOKEN_LEN + 1) the token of
 * text[0..len): the whole text is a token, or it holds exactly one
 * distinct ".../#/invite/<token>" link.  0, or -1 when there is none, two
 * different ones, or one not of the server's shape.
 */
int invite_link_token(char *out, size_t size, const char *text, size_t len)
	__attribute__((warn_unused_result, nonnull));

#endif
