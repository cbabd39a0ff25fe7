/* SPDX-License-Identifier: MIT */
/* defects.c - the catalog of switchable defects (see defects.h). */
#include <stdio.h>
#include <string.h>

#include "defects.h"

static const struct defect_info catalog[DEFECT_COUNT] = {
#define DEFECT_ROW(id, n, sect, w) [DEFECT_##id] = {n, sect, w},
	DEFECT_LIST(DEFECT_ROW)
#undef DEFECT_ROW
};

const struct defect_info *defect_info(enum defect_id d)
{
	return (unsigned)d < DEFECT_COUNT ? &catalog[d] : NULL;
}

int defect_enable(struct defect_set *s, const char *name, char *err,
		  size_t errlen)
{
	for (unsigned d = 0; d < DEFECT_COUNT; d++) {
		if (strcmp(catalog[d].name, name) == 0) {
			s->bits[d / 64] |= UINT64_C(1) << (d % 64);
			return 0;
		}
	}
	snprintf(err, errlen, "unknown defect '%s' (see --list-defects)", name);
	return -1;
}

void defect_print_catalog(FILE *out)
{
	for (unsigned d = 0; d < DEFECT_COUNT; d++)
		fprintf(out, "%-28s RFC %-12s %s\n", catalog[d].name,
			catalog[d].section, catalog[d].what);
}
