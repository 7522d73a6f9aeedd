/* The databases of a policy, the geo database and the operator overlay,
 * compiled side by side. */
#ifndef JURIS_POLICY_DATA_H
#define JURIS_POLICY_DATA_H

#include <stddef.h>
#include "policy/database.h"
#include "cli/options.h"
#include "policy/overlay.h"

/* database_load() and overlay_load() of o, each on its own core. On error
 * (the database's first) both are freed and err says why; either way the
 * caller may free both again. With verify, the signature of a libloc
 * database is checked against key (NULL: the location package's) beside
 * them, into db->info.sig; a bad signature is an error. */
int policy_data_load(const struct juris_opts *o, bool verify, const char *key,
		     struct loaded_db *db, struct overlay *ov, char *err, size_t errlen);

#endif
