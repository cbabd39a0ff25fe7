/* SPDX-License-Identifier: MIT */
/*
 * config.h - the reference target's configuration: IET's ietd.conf syntax,
 * IET-style initiators.allow / initiators.deny ACLs, and a quick mode built
 * from command-line options.
 *
 * Typical use (main.c):
 *
 *   struct tgt_config c;
 *   config_init(&c);
 *   while ((opt = getopt_long(...)) != -1)
 *       if (opt >= CONFIG_OPT_FIRST && opt <= CONFIG_OPT_LAST)
 *           if (config_add_cli(&c, opt, optarg, err, sizeof(err)) < 0) ...
 *   if (conf_path && config_load(&c, conf_path, err, sizeof(err)) < 0) ...
 *   if (config_load_acl(&c, allow, deny, err, sizeof(err)) < 0) ...
 *   if (config_finish(&c, err, sizeof(err)) < 0) ...      // exit 2
 *   ...
 *   config_free(&c);
 *
 * Every error leaves "FILE:LINE: reason" (or "--option ARG: reason") in err.
 *
 * ietd.conf as read here (see ietd.conf(5)):
 *   - one directive per line; a line ending in '\' continues on the next;
 *     a line whose first non-blank character is '#' is a comment ('#'
 *     elsewhere is data, e.g. inside a secret); blank lines are ignored;
 *   - directive names match case-insensitively; values are case-sensitive
 *     ("Yes"/"No", "CRC32C"/"None", as RFC 7143 §6.1 requires);
 *   - before the first "Target": IncomingUser / OutgoingUser for discovery
 *     sessions, and iSCSI keys as defaults for every target;
 *   - "Target NAME" opens a block holding: Lun, IncomingUser (repeatable),
 *     OutgoingUser (once), Alias, MaxConnections, MaxSessions, NOPInterval,
 *     NOPTimeout, RedirectTarget and iSCSI keys;
 *   - "Lun N Path=P[,Type=fileio|blockio][,IOMode=wb|wt|ro][,ScsiId=S]
 *     [,ScsiSN=S][,BlockSize=512|1024|2048|4096][,Size=SIZE]"; Type
 *     defaults to fileio, IOMode to wb.  Size is an extension (the quick
 *     mode's SIZE): the file is created or extended to it by the LU layer.
 *   - iSCSI operational keys under their RFC 7143 §13 names: HeaderDigest,
 *     DataDigest, MaxConnections, InitialR2T, ImmediateData,
 *     MaxRecvDataSegmentLength, MaxBurstLength, FirstBurstLength,
 *     DefaultTime2Wait, DefaultTime2Retain, MaxOutstandingR2T,
 *     DataPDUInOrder, DataSequenceInOrder, ErrorRecoveryLevel, TaskReporting,
 *     iSCSIProtocolLevel; plus IET's MaxXmitDataSegmentLength (the largest
 *     data segment the target sends, also bounded by the initiator's
 *     declared MaxRecvDataSegmentLength).
 *   - IET-specific: MaxSessions N (0 = unlimited), NOPInterval S and
 *     NOPTimeout S (seconds, 0 = off, at most 3600).
 *   - Extension: "RedirectTarget ADDR[:PORT] [Temporary|Permanent]": every
 *     login to the target is answered with a redirection (status class 1,
 *     RFC 7143 §11.13.5) carrying TargetAddress=ADDR:PORT (§13.8); port
 *     defaults to 3260, the default is Temporary.  A redirecting target
 *     needs no LUN.
 */
#ifndef ISCSI_CTS_CONFIG_H
#define ISCSI_CTS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define TGT_NAME_LEN 224	/* iSCSI name: 223 bytes + NUL (§4.2.7.1) */
#define TGT_VALUE_LEN 256	/* text value: 255 bytes + NUL (§6.1) */
#define TGT_KEY_LEN 64		/* key name: 63 bytes + NUL (§6.1) */
#define TGT_PATH_LEN 4096
#define TGT_SCSI_ID_LEN 64
#define TGT_PORTAL_TEXT_LEN 64	/* "[v6-address]:port" */
#define TGT_DEFAULT_PORT 3260	/* IANA port for iSCSI (§13.8) */

/* Bounds that keep memory use independent of the input's size. */
#define TGT_MAX_TARGETS 1024u
#define TGT_MAX_LUNS 256u	/* per target */
#define TGT_LUN_MAX 16383u	/* flat space addressing (SAM-5) */
#define TGT_MAX_USERS 64u	/* IncomingUser lines per target / discovery */
#define TGT_MAX_KEYS 32u	/* distinct iSCSI keys per scope */
#define TGT_MAX_PORTALS 16u
#define TGT_MAX_ACL 256u	/* ACL entries per target and list */
#define TGT_LINE_MAX 8192u	/* a configuration line, continuations joined */

struct tgt_user {
	char name[TGT_VALUE_LEN];   /* CHAP_N */
	char secret[TGT_VALUE_LEN];
};

/* An iSCSI key default, stored under its RFC spelling. */
struct tgt_kv {
	char name[TGT_KEY_LEN];
	char value[TGT_VALUE_LEN];
	unsigned line; /* 0 = command line */
};

struct tgt_portal {
	struct sockaddr_storage addr; /* port 0 = any free port */
	socklen_t addrlen;
	char text[TGT_PORTAL_TEXT_LEN]; /* as given */
};

enum tgt_acl_kind {
	TGT_ACL_ALL,	/* "ALL" */
	TGT_ACL_NAME,	/* an initiator name */
	TGT_ACL_NET,	/* an address or address/prefix */
};

struct tgt_acl_entry {
	enum tgt_acl_kind kind;
	char name[TGT_NAME_LEN];	/* TGT_ACL_NAME */
	int family;			/* TGT_ACL_NET: AF_INET or AF_INET6 */
	uint8_t addr[16];		/* network byte order, host bits zero */
	unsigned prefix;		/* 0..32 or 0..128 */
};

struct tgt_acl {
	struct tgt_acl_entry *entries;
	size_t n;
};

enum tgt_iomode {
	TGT_IOMODE_WB,	/* write-back (IET default) */
	TGT_IOMODE_WT,	/* write-through */
	TGT_IOMODE_RO,	/* read-only */
};

struct tgt_lun {
	unsigned lun;
	char path[TGT_PATH_LEN];
	bool blockio;		/* Type=blockio (else fileio) */
	enum tgt_iomode iomode;
	uint64_t size_bytes;	/* 0 = the file's size; else create/extend */
	unsigned block_size;	/* 512 unless BlockSize= */
	char scsi_id[TGT_SCSI_ID_LEN];
	char scsi_sn[TGT_SCSI_ID_LEN];
	unsigned line;		/* 0 = command line */
};

struct tgt_target {
	char name[TGT_NAME_LEN];
	char alias[TGT_VALUE_LEN];	/* TargetAlias (§13.6); "" = none */
	struct tgt_lun *luns;
	size_t nluns;
	struct tgt_user *in_users;	/* initiators that may log in */
	size_t n_in_users;
	struct tgt_user out_user;	/* mutual CHAP: the target's name */
	bool has_out_user;
	/* Effective MaxConnections (set by config_finish from the keys). */
	unsigned max_connections;
	unsigned max_sessions;		/* 0 = unlimited */
	unsigned nop_interval, nop_timeout; /* seconds, 0 = off */
	char redirect[TGT_PORTAL_TEXT_LEN]; /* TargetAddress; "" = none */
	bool redirect_permanent;
	struct tgt_kv *keys;		/* this target's key values */
	size_t nkeys;
	struct tgt_acl allow, deny;
	unsigned line;			/* 0 = command line */
};

struct tgt_config {
	struct tgt_portal *portals;
	size_t nportals;
	struct tgt_user *disc_in;	/* discovery IncomingUser */
	size_t n_disc_in;
	struct tgt_user disc_out;	/* discovery OutgoingUser */
	bool has_disc_out;
	struct tgt_kv *keys;		/* global key defaults */
	size_t nkeys;
	struct tgt_target *targets;
	size_t ntargets;
	char source[TGT_PATH_LEN];	/* last file loaded, for messages */
	/* quick mode: index+1 of the target --lun/--chap apply to (0 none) */
	size_t cli_target;
};

void config_init(struct tgt_config *c);
void config_free(struct tgt_config *c);

/*
 * Read an ietd.conf-style file into c (appending to what is there).
 * 0, or -1 with "FILE:LINE: reason" in err; on error c holds whatever was
 * read before the bad line (config_free still frees it).
 */
int config_load(struct tgt_config *c, const char *path, char *err,
		size_t errlen);

/*
 * Read IET-style access rules: each line "TARGET ENTRY[, ENTRY...]" where
 * TARGET is a target name or ALL and an ENTRY is ALL, an initiator name, an
 * IPv4/IPv6 address (IPv6 optionally in brackets) or ADDR/PREFIX (IPv4 also
 * ADDR/NETMASK).  Either path may be NULL.  Call after the targets exist;
 * naming an unknown target is an error.
 */
int config_load_acl(struct tgt_config *c, const char *allow_path,
		    const char *deny_path, char *err, size_t errlen);

/*
 * May this initiator reach target t?  IET's order:
 *   1. an entry of t's allow list matches  -> permitted;
 *   2. else an entry of t's deny list matches -> refused;
 *   3. else permitted (a target with no rules is open, and allow rules
 *      alone restrict nothing: they only exempt from deny rules).
 * An entry matches when it is ALL, an initiator name equal to
 * initiator_name (case-insensitively: names are case-folded, §4.2.7.2), or
 * a network containing peer (an IPv4-mapped IPv6 peer matches IPv4 rules).
 * initiator_name and peer may be NULL (unknown): those entries then do not
 * match.  Also used to filter SendTargets answers.
 */
bool config_acl_permits(const struct tgt_target *t, const char *initiator_name,
			const struct sockaddr *peer);

/* ---- quick mode (command line) ---------------------------------------- */

/* getopt_long values for the quick-mode options. */
enum config_cli_opt {
	CONFIG_OPT_FIRST = 0x1000,
	CONFIG_OPT_PORTAL = CONFIG_OPT_FIRST, /* --portal ADDR:PORT */
	CONFIG_OPT_TARGET,		/* --target IQN */
	CONFIG_OPT_LUN,			/* --lun N:FILE[:SIZE] */
	CONFIG_OPT_CHAP,		/* --chap USER:SECRET */
	CONFIG_OPT_MUTUAL_CHAP,		/* --mutual-chap USER:SECRET */
	CONFIG_OPT_DISCOVERY_CHAP,	/* --discovery-chap USER:SECRET */
	CONFIG_OPT_DISCOVERY_MUTUAL_CHAP, /* --discovery-mutual-chap U:S */
	CONFIG_OPT_KEY,			/* --key Name=Value */
	CONFIG_OPT_LAST = CONFIG_OPT_KEY,
};

/* Entries for main's struct option array (needs <getopt.h>). */
#define CONFIG_CLI_LONG_OPTIONS                                                \
	{"portal", required_argument, NULL, CONFIG_OPT_PORTAL},               \
	{"target", required_argument, NULL, CONFIG_OPT_TARGET},               \
	{"lun", required_argument, NULL, CONFIG_OPT_LUN},                     \
	{"chap", required_argument, NULL, CONFIG_OPT_CHAP},                   \
	{"mutual-chap", required_argument, NULL, CONFIG_OPT_MUTUAL_CHAP},     \
	{"discovery-chap", required_argument, NULL,                           \
	 CONFIG_OPT_DISCOVERY_CHAP},                                          \
	{"discovery-mutual-chap", required_argument, NULL,                    \
	 CONFIG_OPT_DISCOVERY_MUTUAL_CHAP},                                   \
	{"key", required_argument, NULL, CONFIG_OPT_KEY}

/* Help text for the options above, one "  --opt ARG  what" per line. */
extern const char config_cli_help[];

/*
 * Apply one quick-mode option.  --portal (repeatable; IPv6 as [::1]:PORT;
 * port 0 = any free port; no port = 3260), --target (repeatable; later
 * --lun/--chap/--mutual-chap apply to the last one), --lun N:FILE[:SIZE]
 * (SIZE: bytes or K/M/G/T binary suffix; the file is created or extended
 * to it), --chap (repeatable), --mutual-chap (once per target),
 * --discovery-chap, --discovery-mutual-chap, --key Name=Value (a global
 * iSCSI key default; it overrides an earlier --key and the same global key
 * in a file, whichever is read first).  0, or -1 with "--option ARG:
 * reason" in err.
 */
int config_add_cli(struct tgt_config *c, int opt, const char *arg, char *err,
		   size_t errlen);

/*
 * Cross-checks once everything is read: every target named with a valid
 * iSCSI name (§4.2.7) and unique; LUN numbers unique per target; a target
 * has a LUN unless it redirects; each LUN without a size names an existing
 * path; OutgoingUser only beside IncomingUser (mutual CHAP follows an
 * initiator's CHAP, §12.1.3); FirstBurstLength <= MaxBurstLength (§13.14);
 * sets max_connections; adds the portal 0.0.0.0:3260 when none was given.
 */
int config_finish(struct tgt_config *c, char *err, size_t errlen);

/* ---- lookups ----------------------------------------------------------- */

/* The target named name (case-insensitive), or NULL. */
struct tgt_target *config_target_find(const struct tgt_config *c,
				      const char *name);
/*
 * The configured value of iSCSI key name for target t (NULL: the global
 * defaults only): t's own value, else the global default, else NULL (the
 * RFC default applies).
 */
const char *config_key(const struct tgt_config *c, const struct tgt_target *t,
		       const char *name);

/*
 * Check an iSCSI key as a configuration value: name is matched
 * case-insensitively and its RFC spelling stored in canon (TGT_KEY_LEN
 * bytes); value must be legal for the key (RFC 7143 §13).  0; -1 with
 * "Name Value: reason" in err for a bad value; -2 with "unknown key 'X'"
 * when name is no configurable key.
 */
int config_key_check(const char *name, const char *value, char *canon,
		     char *err, size_t errlen);

#endif
