/* SPDX-License-Identifier: MIT */
/*
 * config_cli.c - quick mode: a configuration from command-line options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

const char config_cli_help[] =
	"  --portal ADDR:PORT         listen there (repeatable; IPv6 as\n"
	"                             [::1]:3260; port 0 = any free port)\n"
	"  --target IQN               add a target (repeatable); the\n"
	"                             --lun/--chap/--mutual-chap after it\n"
	"                             apply to it\n"
	"  --lun N:FILE[:SIZE]        LUN N backed by FILE; with SIZE (bytes,\n"
	"                             or K/M/G/T) the file is created or\n"
	"                             extended to that size\n"
	"  --chap USER:SECRET         an initiator allowed to log in (CHAP)\n"
	"  --mutual-chap USER:SECRET  the target's own CHAP name and secret\n"
	"  --discovery-chap USER:SECRET         CHAP for discovery sessions\n"
	"  --discovery-mutual-chap USER:SECRET  mutual CHAP for discovery\n"
	"  --key NAME=VALUE           default of an iSCSI key (RFC 7143 §13)\n";

/* Indexed by opt - CONFIG_OPT_FIRST. */
static const char *const opt_names[] = {
	"--portal",	    "--target",		"--lun",
	"--chap",	    "--mutual-chap",	"--discovery-chap",
	"--discovery-mutual-chap", "--key",
};
_Static_assert(sizeof(opt_names) / sizeof(opt_names[0]) ==
		       CONFIG_OPT_LAST - CONFIG_OPT_FIRST + 1,
	       "one name per quick-mode option");

static const char *opt_name(int opt)
{
	if (opt < CONFIG_OPT_FIRST || opt > CONFIG_OPT_LAST)
		return "option";
	return opt_names[opt - CONFIG_OPT_FIRST];
}

static struct tgt_target *cli_target(struct tgt_config *c)
{
	return c->cli_target ? &c->targets[c->cli_target - 1] : NULL;
}

/* "USER:SECRET" split at the first ':' into a user record. */
static int parse_user(const char *arg, struct tgt_user *u, char *why,
		      size_t whylen)
{
	const char *colon = strchr(arg, ':');
	char name[TGT_VALUE_LEN];
	size_t n;

	if (!colon) {
		snprintf(why, whylen, "want USER:SECRET");
		return -1;
	}
	n = (size_t)(colon - arg);
	if (n >= sizeof(name)) {
		snprintf(why, whylen, "user name too long");
		return -1;
	}
	memcpy(name, arg, n);
	name[n] = '\0';
	return config_user_set(u, name, colon + 1, why, whylen);
}

/* "N:FILE[:SIZE]": a last ":SIZE" is taken as a size when it parses as one. */
static int parse_lun(const char *arg, struct tgt_lun *l, char *why,
		     size_t whylen)
{
	const char *colon = strchr(arg, ':'), *last;
	char num[16], path[TGT_PATH_LEN];
	uint64_t v;
	size_t n;

	memset(l, 0, sizeof(*l));
	l->block_size = 512;
	if (!colon || (size_t)(colon - arg) >= sizeof(num)) {
		snprintf(why, whylen, "want N:FILE[:SIZE]");
		return -1;
	}
	memcpy(num, arg, (size_t)(colon - arg));
	num[colon - arg] = '\0';
	if (config_parse_uint(num, TGT_LUN_MAX, &v) < 0) {
		snprintf(why, whylen, "bad LUN number '%s' (0..%u)", num,
			 TGT_LUN_MAX);
		return -1;
	}
	l->lun = (unsigned)v;
	if (config_copy(path, sizeof(path), colon + 1, "path", why,
			whylen) < 0)
		return -1;
	last = strrchr(path, ':');
	if (last && config_parse_size(last + 1, &l->size_bytes) == 0)
		path[last - path] = '\0';
	n = strlen(path);
	if (n == 0) {
		snprintf(why, whylen, "missing FILE");
		return -1;
	}
	memcpy(l->path, path, n + 1);
	return 0;
}

static int cli_key(struct tgt_config *c, const char *arg, char *why,
		   size_t whylen)
{
	const char *eq = strchr(arg, '=');
	char name[TGT_KEY_LEN], canon[TGT_KEY_LEN];

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name)) {
		snprintf(why, whylen, "want NAME=VALUE");
		return -1;
	}
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	if (config_key_check(name, eq + 1, canon, why, whylen) < 0)
		return -1;
	/* A later --key overrides an earlier one. */
	return config_kv_set(&c->keys, &c->nkeys, canon, eq + 1, 0, true, why,
			     whylen);
}

static int cli_apply(struct tgt_config *c, int opt, const char *arg,
		     char *why, size_t whylen)
{
	struct tgt_target *t = cli_target(c);
	struct tgt_lun l;
	struct tgt_user u;

	switch (opt) {
	case CONFIG_OPT_PORTAL:
		return config_portal_add(c, arg, why, whylen);
	case CONFIG_OPT_TARGET:
		if (!config_target_new(c, arg, 0, why, whylen))
			return -1;
		c->cli_target = c->ntargets;
		return 0;
	case CONFIG_OPT_KEY:
		return cli_key(c, arg, why, whylen);
	case CONFIG_OPT_DISCOVERY_CHAP:
		if (parse_user(arg, &u, why, whylen) < 0)
			return -1;
		return config_user_add(&c->disc_in, &c->n_disc_in, u.name,
				       u.secret, why, whylen);
	case CONFIG_OPT_DISCOVERY_MUTUAL_CHAP:
		if (c->has_disc_out) {
			snprintf(why, whylen, "given twice (one allowed)");
			return -1;
		}
		if (parse_user(arg, &c->disc_out, why, whylen) < 0)
			return -1;
		c->has_disc_out = true;
		return 0;
	case CONFIG_OPT_LUN:
	case CONFIG_OPT_CHAP:
	case CONFIG_OPT_MUTUAL_CHAP:
		break;
	default:
		snprintf(why, whylen, "not a configuration option");
		return -1;
	}
	if (!t) {
		snprintf(why, whylen, "needs a --target before it");
		return -1;
	}
	if (opt == CONFIG_OPT_LUN) {
		if (parse_lun(arg, &l, why, whylen) < 0)
			return -1;
		return config_lun_add(t, &l, why, whylen);
	}
	if (opt == CONFIG_OPT_CHAP) {
		if (parse_user(arg, &u, why, whylen) < 0)
			return -1;
		return config_user_add(&t->in_users, &t->n_in_users, u.name,
				       u.secret, why, whylen);
	}
	if (t->has_out_user) {
		snprintf(why, whylen, "given twice for %s (one allowed)",
			 t->name);
		return -1;
	}
	if (parse_user(arg, &t->out_user, why, whylen) < 0)
		return -1;
	t->has_out_user = true;
	return 0;
}

int config_add_cli(struct tgt_config *c, int opt, const char *arg, char *err,
		   size_t errlen)
{
	char why[CONFIG_WHY_LEN], where[160];
	bool secret = opt == CONFIG_OPT_CHAP || opt == CONFIG_OPT_MUTUAL_CHAP ||
		      opt == CONFIG_OPT_DISCOVERY_CHAP ||
		      opt == CONFIG_OPT_DISCOVERY_MUTUAL_CHAP;

	if (!arg)
		arg = "";
	if (cli_apply(c, opt, arg, why, sizeof(why)) == 0)
		return 0;
	/* Never echo a secret into a message. */
	snprintf(where, sizeof(where), "%s %.120s", opt_name(opt),
		 secret ? "USER:SECRET" : arg);
	return config_err(err, errlen, where, 0, "%s", why);
}
