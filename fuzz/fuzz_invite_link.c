/* SPDX-License-Identifier: ISC */
/* libFuzzer: the invitation token out of a link, token or mail
 * (src/cli/invite_link.c, `custos enrol`). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cli/invite_link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char tok[INVITE_TOKEN_LEN + 1];

	if (invite_link_token(tok, sizeof(tok), (const char *)data, size) ==
	    0 && strlen(tok) != INVITE_TOKEN_LEN)
		__builtin_trap();
	return 0;
}
