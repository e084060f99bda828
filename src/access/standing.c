/* SPDX-License-Identifier: ISC */
#include "access/standing.h"

int
standing_refuses(struct store_conn *c, const struct store_ops *ops,
    const struct rec_engineer *en, const char *device_id, const char **why,
    struct err *e)
{
	struct rec_vendor v;
	struct rec_device d;
	int found;

	*why = NULL;
	if (en->status != STATUS_ACTIVE) {
		*why = "engineer_inactive";
		return 1;
	}
	found = ops->vendor_get(c, en->vendor_id, &v, e);
	if (found == -1)
		return -1;
	if (found == 1 || v.status != STATUS_ACTIVE) {
		*why = "vendor_inactive";
		return 1;
	}
	if (device_id == NULL || device_id[0] == '\0')
		return 0;
	found = ops->device_get(c, device_id, &d, e);
	if (found == -1)
		return -1;
	if (found == 1 || d.revoked != 0) {
		*why = "device_revoked";
		return 1;
	}
	return 0;
}
