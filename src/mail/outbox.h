/* SPDX-License-Identifier: ISC */
/*
 * outbox: mail to people (reset links, notices) as RFC 5322 messages in a
 * Maildir (DIR/outbox/{tmp,new,cur}).  A message is written to tmp/ first
 * and moved to new/ only when the change it announces is committed
 * (outbox_deliver), so a failed request never leaves mail behind.
 */
#ifndef CUSTOS_MAIL_OUTBOX_H
#define CUSTOS_MAIL_OUTBOX_H

#include <stddef.h>

#define OUTBOX_NAME_MAX 128

struct outbox_msg {
	char name[OUTBOX_NAME_MAX];     /* file name under tmp/ and new/ */
	int staged;
};

/* Creates DIR/{tmp,new,cur} (mode 0700) when missing. */
int outbox_init(const char *dir);

/* Writes a message into tmp/ (mode 0600, fsynced).  body may carry secrets
 * meant for the recipient; it is never logged. */
int outbox_stage(struct outbox_msg *m, const char *dir, const char *from,
    const char *to, const char *subject, const char *body)
	__attribute__((warn_unused_result));

/* Issue 16, disclose: as outbox_stage, with one attachment of att_len
 * bytes (at most OUTBOX_ATTACH_MAX) named att_name (no quotes, no line
 * breaks) of MIME type att_type, sent in base64 after the text. */
#define OUTBOX_ATTACH_MAX ((size_t)48 << 20)
int outbox_stage_attach(struct outbox_msg *m, const char *dir,
    const char *from, const char *to, const char *subject, const char *body,
    const char *att_name, const char *att_type, const void *att,
    size_t att_len) __attribute__((warn_unused_result));

/* Moves a staged message into new/ (and fsyncs the directory). */
int outbox_deliver(struct outbox_msg *m, const char *dir)
	__attribute__((warn_unused_result));

/* Removes a staged message that will not be sent. */
void outbox_discard(struct outbox_msg *m, const char *dir);

#endif
