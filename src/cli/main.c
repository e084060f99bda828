/* SPDX-License-Identifier: ISC */
/*
 * main.c: the `custos` command.  Global options may stand anywhere before
 * "--" (before or after the command); they are taken out of argv first,
 * and what is left is the command and its own arguments.  Then the server
 * and token are settled (flags, then environment, then the saved session)
 * and the command runs.  Exit codes: enum cli_exit in cli.h.
 */
/* checksrc: memcmp ok */ /* public bytes only: option names, prefixes */
#include <curl/curl.h>
#include <sodium.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/action.h"
#include "audit/event.h"
#include "cli/cli.h"
#include "cli/http.h"
#include "cli/session.h"
#include "common/clock.h"
#include "common/jsonx.h"
#include "common/str.h"

#ifndef CUSTOS_VERSION
#define CUSTOS_VERSION "0"
#endif

#define TOKEN_FILE_MAX 4096

/* The options of the directory's lists (cmd_directory.c). */
#define LIST_HELP \
	"  --search Q       a part of the id, name, username or email\n" \
	"  --status S       active, suspended or offboarded\n" \
	"  --vendor V       only those of vendor V\n" \
	"  --limit N        at most N a page (default 100, at most 1000)\n" \
	"  --after ID       the page after ID (the page before's next)\n" \
	"  --all            every page, following next\n"

static const struct cli_command commands[] = {
	{ "help", NULL, "help [--all | --commands | COMMAND]",
	  "list the commands, or show how to use one",
	  "  --all        every command, whoever you are (without it, only\n"
	  "               those of your role, when custos knows it: an\n"
	  "               engineer's or tenant admin's saved session, an\n"
	  "               operator token)\n"
	  "  --commands   the names of every command, one a line (for shell\n"
	  "               completion)\n", 0 },
	{ "wait", cmd_wait, "wait [--timeout S]",
	  "wait until custosd is ready (GET /v1/health answers 200)",
	  "  --timeout S   give up after S seconds (default 30): exit 4\n"
	  "\n"
	  "Asks every 0.2 s; each try takes at most 2 s.  For scripts that\n"
	  "start custosd: custosd --data DIR & custos wait.  A public read:\n"
	  "no token is sent.\n", 1 },
	{ "enrol", cmd_enrol,
	  "enrol (LINK | --mail FILE) [--device-name NAME] "
	  "[--password-file FILE] [--totp-secret-file FILE] [--totp CODE]",
	  "enrol from an invitation: device key, password, authenticator",
	  "  LINK                     the invitation link (or its token)\n"
	  "  --mail FILE              ... or the invitation mail itself\n"
	  "  --device-name NAME       an engineer's device name (default:\n"
	  "                           this host's name)\n"
	  "  --password-file FILE     the new password: FILE's first line\n"
	  "                           (else $CUSTOS_PASSWORD, else asked)\n"
	  "  --totp-secret-file FILE  write the new authenticator secret\n"
	  "                           (base32) to FILE, mode 0600, instead\n"
	  "                           of showing it on the terminal\n"
	  "  --totp CODE              finish: a code from the authenticator\n"
	  "\n"
	  "An engineer's invitation first registers this machine's device\n"
	  "key (made in DIR/device.key when there is none; its id is kept\n"
	  "in DIR/device.id, login's default --device).  Then the password\n"
	  "is set and a new authenticator secret is shown on the terminal\n"
	  "(never on stdout) and a code asked for.  Without a terminal, give\n"
	  "--totp-secret-file, then run again with the link and --totp\n"
	  "CODE.  A tenant user is signed in at the end; an engineer logs\n"
	  "in with 'custos login'.  Operator invitations enrol a passkey:\n"
	  "open those in a browser.\n", 1 },
	{ "keygen", cmd_keygen, "keygen [--force]",
	  "make this device's Ed25519 key; print its public key",
	  "  --force   replace an existing device key (the device registered\n"
	  "            with the old key can no longer log in)\n"
	  "\n"
	  "Writes DIR/device.key (mode 0600) and prints the public key in\n"
	  "base64: the operator registers it with\n"
	  "POST /v1/engineers/{id}/devices.  Refuses (exit 1) to replace a\n"
	  "key without --force.\n", 0 },
	{ "pubkey", cmd_pubkey, "pubkey",
	  "print this device's public key (base64)",
	  "Prints the public half of DIR/device.key.\n", 0 },
	{ "login", cmd_login,
	  "login USERNAME|--username USER --device DEVICE_ID "
	  "[--password-file FILE | --password-stdin] [--totp CODE]",
	  "log in as an engineer; the session is saved",
	  "  USERNAME, --username USER  the engineer's username\n"
	  "  --device DEVICE_ID    the id the operator gave this device\n"
	  "  --password-file FILE  read the password from FILE's first line\n"
	  "  --password-stdin      read the password from stdin's first line\n"
	  "                        (neither: $CUSTOS_PASSWORD, else asked on\n"
	  "                        the terminal without echo; no terminal is a\n"
	  "                        usage error)\n"
	  "  --totp CODE           the authenticator code (else asked)\n"
	  "\n"
	  "Signs the server's login challenge with DIR/device.key and saves\n"
	  "the session token in DIR/session.json (mode 0600).\n", 1 },
	{ "logout", cmd_logout, "logout",
	  "end the session and forget it",
	  "Ends the session on the server and deletes DIR/session.json.\n"
	  "A session that had already ended counts as logged out.\n", 1 },
	{ "tenant-login", cmd_tenant_login,
	  "tenant-login TENANT USERNAME|--username USER "
	  "[--password-file FILE | --password-stdin] [--totp CODE]",
	  "log in as a tenant admin; the session is saved",
	  "  USERNAME, --username USER  your username in TENANT\n"
	  "  --password-file FILE  read the password from FILE's first line\n"
	  "  --password-stdin      read the password from stdin's first line\n"
	  "                        (neither: $CUSTOS_PASSWORD, else asked on\n"
	  "                        the terminal without echo; no terminal is a\n"
	  "                        usage error)\n"
	  "  --totp CODE           the authenticator code (else asked on the\n"
	  "                        terminal; an empty answer sends none)\n"
	  "\n"
	  "Saves the session token in DIR/session.json (mode 0600), in place\n"
	  "of any session saved before: one saved session per config dir.\n"
	  "After an MFA reset the server sends a new authenticator secret\n"
	  "instead: its otpauth:// URI is shown on the terminal only\n"
	  "(/dev/tty, never stdout), nothing is saved, and the exit code is\n"
	  "1; add it to your authenticator and log in again with a code.\n",
	  1 },
	{ "tickets", cmd_tickets, "tickets TENANT [TICKET] [--approval ID]",
	  "list a tenant's tickets, or show one",
	  "  --approval ID   a granted second approval, where the tenant\n"
	  "                  marks reading tickets sensitive\n"
	  "\n"
	  "Needs an approved access request for TENANT (or its auto_approve\n"
	  "policy).\n", 1 },
	{ "users", cmd_users, "users TENANT [--approval ID]",
	  "list a tenant's users",
	  "  --approval ID   a granted second approval, where the tenant\n"
	  "                  marks listing users sensitive\n"
	  "\n"
	  "Prints id, username, email, role, status and whether MFA is\n"
	  "enrolled.  Needs access to TENANT.\n", 1 },
	{ "reset-password", cmd_reset_password,
	  "reset-password TENANT USER [--approval ID]",
	  "mail a password reset link to a tenant user",
	  "  --approval ID   a granted second approval for this reset\n"
	  "\n"
	  "The link goes to the user's own address, never to you.  Resetting\n"
	  "an admin needs a second approval.\n", 1 },
	{ "reset-mfa", cmd_reset_mfa, "reset-mfa TENANT USER [--approval ID]",
	  "reset a tenant user's MFA; they enrol again",
	  "  --approval ID   a granted second approval for this reset\n", 1 },
	{ "request-access", cmd_request_access,
	  "request-access TENANT --ticket TICKET --reason TEXT --minutes N",
	  "ask a tenant's admins for access for one ticket (engineer)",
	  "  --ticket TICKET   a ticket of TENANT that the work is for\n"
	  "  --reason TEXT     why (at least 10 characters); the admins read\n"
	  "                    it\n"
	  "  --minutes N       how long; counted from the approval, capped by\n"
	  "                    the tenant's max_minutes\n"
	  "\n"
	  "Prints the request's id and state: pending (answered by a tenant\n"
	  "admin, else it expires), or approved at once where the tenant's\n"
	  "policy is auto_approve.  Refused (exit 1) where it is deny.\n", 1 },
	{ "request", cmd_request, "request ID",
	  "show one access request",
	  "Engineers see their own requests, tenant admins their tenant's,\n"
	  "the operator all; anything else is 'not found'.\n", 1 },
	{ "requests", cmd_requests, "requests TENANT",
	  "list a tenant's access requests (tenant admin)",
	  "One line per request: id, state (break-glass marked), engineer,\n"
	  "ticket, minutes asked, until (answer due by, when pending; else\n"
	  "when access ends or ended) and who decided.\n", 1 },
	{ "approve", cmd_approve, "approve TENANT ID",
	  "approve a pending access request (tenant admin)",
	  "Access starts now and lasts the minutes asked (capped by the\n"
	  "tenant's max_minutes).  Exit 1 when the request is not pending.\n",
	  1 },
	{ "deny", cmd_deny, "deny TENANT ID",
	  "deny a pending access request (tenant admin)", "", 1 },
	{ "revoke", cmd_revoke, "revoke TENANT ID",
	  "end an approved access request now (tenant admin)",
	  "The engineer's next call into TENANT is refused.  Break-glass\n"
	  "access can be revoked the same way.\n", 1 },
	{ "ask-approval", cmd_ask_approval,
	  "ask-approval TENANT --action ACTION [--target ID] --reason TEXT",
	  "ask a second person to allow one sensitive action (engineer)",
	  "  --action ACTION  user.password_reset, user.mfa_reset, user.list,\n"
	  "                   ticket.list or ticket.view\n"
	  "  --target ID      the user (resets) or ticket (ticket.view)\n"
	  "  --reason TEXT    why (at least 10 characters)\n"
	  "\n"
	  "Prints the approval's id.  A tenant admin (or, where the tenant\n"
	  "allows it, an engineer of another vendor) answers it with\n"
	  "approve-second; then repeat the action with --approval ID.  It\n"
	  "works once, for you, for that action and target, and expires.\n",
	  1 },
	{ "approval", cmd_approval, "approval ID",
	  "show one second approval", "", 1 },
	{ "approve-second", cmd_approve_second, "approve-second ID",
	  "approve someone's second-approval request",
	  "For a tenant admin of the approval's tenant, or an engineer of\n"
	  "another vendor where the tenant's second_approver is\n"
	  "tenant_admin_or_other_vendor.  Nobody approves their own request\n"
	  "(exit 1).  Check what it allows first: custos approval ID.\n", 1 },
	{ "deny-second", cmd_deny_second, "deny-second ID",
	  "deny someone's second-approval request",
	  "Who may: as for approve-second.\n", 1 },
	{ "policy", cmd_policy,
	  "policy TENANT [--set-policy P] [--max-minutes N] "
	  "[--second-approver W] [--sensitive A,B,...]",
	  "show or change a tenant's support policy (tenant admin)",
	  "  --set-policy P        approval_required, auto_approve or deny\n"
	  "  --max-minutes N       cap on an access request's duration\n"
	  "  --second-approver W   tenant_admin, or\n"
	  "                        tenant_admin_or_other_vendor\n"
	  "  --sensitive A,B,...   actions that need a second approval:\n"
	  "                        user.password_reset, user.mfa_reset,\n"
	  "                        user.list, ticket.list, ticket.view\n"
	  "                        (\"\" for none; resets of a tenant admin\n"
	  "                        always need one)\n"
	  "\n"
	  "Without options, shows the policy (GET); with any, changes those\n"
	  "parts and keeps the rest (PUT).  Every change is logged.\n", 1 },
	{ "break-glass", cmd_break_glass,
	  "break-glass TENANT --engineer ENGINEER_ID --reason TEXT "
	  "[--minutes N]",
	  "open emergency access without the tenant's admin (operator)",
	  "  --engineer ID   the engineer who gets access\n"
	  "  --reason TEXT   why (mandatory, at least 10 characters)\n"
	  "  --minutes N     how long (default 30, at most 60)\n"
	  "\n"
	  "Works whatever the tenant's policy, deny included.  Every admin of\n"
	  "the tenant is mailed at once, an alert entry is logged, and every\n"
	  "entry the access lets through is marked break_glass.  The tenant's\n"
	  "admins can revoke it.  Needs the operator token.\n", 1 },
	{ "log", cmd_log,
	  "log [--limit N] [--oldest-first] [--tenant T] [--actor A] "
	  "[--action NAME] [--outcome allowed|denied] [--since WHEN] "
	  "[--until WHEN] [--follow [--interval S]] | log --start N "
	  "[--end M]",
	  "print entries of the transparency log, newest first (operator)",
	  "  --limit N         how many (default 20, at most 10000)\n"
	  "  --oldest-first    the first N that match, oldest first\n"
	  "  --tenant T        only entries about tenant T\n"
	  "  --actor A         only entries by actor A (an engineer, user,\n"
	  "                    operator token ...)\n"
	  "  --action NAME     only that action (user.password_reset, ...)\n"
	  "  --outcome O       allowed or denied\n"
	  "  --since WHEN      from WHEN on; --until WHEN: before WHEN.  WHEN\n"
	  "                    is RFC 3339, a date (2022-01-21), now, today,\n"
	  "                    yesterday, or -30m, -3h, -5d, -2w\n"
	  "  --follow          then print new matching entries as they come,\n"
	  "                    until Ctrl-C (SIGINT) or SIGTERM; the first N\n"
	  "                    are shown oldest first, as tail -f does\n"
	  "  --interval S      seconds between polls with --follow (default\n"
	  "                    2, at most 60)\n"
	  "  --start N, --end M  the range [N, M) by index, oldest first (as\n"
	  "                    it came, with --json); no filters\n"
	  "\n"
	  "The filtering is the server's.  Needs the operator token (or an\n"
	  "auditor's or responder's operator token).\n", 1 },
	{ "log-key", cmd_log_key, "log-key",
	  "print the log's verifier key",
	  "Prints GET /v1/log/key: the C2SP signed-note verifier key\n"
	  "name+hash+base64 that custos verify --key takes.  Get it once,\n"
	  "over a channel you trust, and keep it.  A public read.\n", 1 },
	{ "checkpoint", cmd_checkpoint, "checkpoint",
	  "print the log's latest signed checkpoint",
	  "Prints GET /v1/log/checkpoint byte for byte (a C2SP signed note;\n"
	  "save it with '> checkpoint.txt').  --json: {checkpoint, origin,\n"
	  "size, root} as the server claims them; only custos verify checks\n"
	  "the signature.  A public read.\n", 1 },
	{ "entry", cmd_entry, "entry N",
	  "print one log entry as JSON, for verify --entry",
	  "Prints {index, leaf, event} of entry N (from\n"
	  "GET /v1/log/entries); leaf is the base64 of the exact bytes the\n"
	  "log hashed.  Exit 1 when the log has no entry N.  A public read.\n",
	  1 },
	{ "proof", cmd_proof, "proof N [--size M]",
	  "print the inclusion proof of entry N, for verify --proof",
	  "  --size M   the tree size to prove against (default: the size of\n"
	  "             the latest checkpoint, which 'custos checkpoint'\n"
	  "             prints)\n"
	  "\n"
	  "Prints GET /v1/log/proof/inclusion?index=N&size=M as it came.\n"
	  "Fetch the checkpoint first and give its size: the proof must be\n"
	  "for the same tree.  A public read.\n", 1 },
	{ "consistency", cmd_consistency, "consistency --old A [--new B]",
	  "print the consistency proof between two tree sizes",
	  "  --old A   the older checkpoint's size\n"
	  "  --new B   the newer checkpoint's size (default: the latest\n"
	  "            checkpoint's)\n"
	  "\n"
	  "Prints GET /v1/log/proof/consistency?old=A&new=B as it came, for\n"
	  "custos verify --consistency.  A public read.\n", 1 },
	{ "access-log", cmd_access_log, "access-log TENANT [--start N]",
	  "print a tenant's log entries with proofs (tenant admin)",
	  "  --start N   the first index of the page (the 'next' of the page\n"
	  "              before)\n"
	  "\n"
	  "Prints GET /v1/tenants/TENANT/access-log as it came: the tenant's\n"
	  "entries, each with an inclusion proof against the signed\n"
	  "checkpoint in the answer.  Save it and check it with custos verify\n"
	  "--tenant-log.  Needs a tenant admin's token (--token-file).\n", 1 },
	{ "verify", cmd_verify,
	  "verify --key KEY (--checkpoint FILE [--entry FILE --proof FILE] "
	  "[--old-checkpoint FILE --consistency FILE] [--witness KEYS "
	  "[--min N]] | --tenant-log FILE [--tenant T] | --tenant T "
	  "--log-key FILE [--state FILE] [--access-log FILE] [--tiles DIR])",
	  "check the log's checkpoints and proofs; a tenant's entries",
	  "  --key KEY              the verifier key, or a file holding it\n"
	  "  --checkpoint FILE      a signed checkpoint (custos checkpoint)\n"
	  "  --entry FILE           an entry (custos entry N)\n"
	  "  --proof FILE           its inclusion proof (custos proof N)\n"
	  "  --old-checkpoint FILE  an earlier signed checkpoint\n"
	  "  --consistency FILE     the consistency proof between the two\n"
	  "                         (custos consistency --old A --new B)\n"
	  "  --tenant-log FILE      a saved access-log answer or scope report\n"
	  "                         (sealed leaves: with --log-key)\n"
	  "  --tenant T             the tenant the log must be about\n"
	  "  --witness KEYS         witnesses' verifier keys (custos witness\n"
	  "                         --print-key), separated by spaces, or a\n"
	  "                         file of them: the checkpoint must carry\n"
	  "                         their C2SP cosignatures\n"
	  "  --min N                how many must have cosigned (default 1)\n"
	  "The tenant's check (sealed leaves; docs/verify.md):\n"
	  "  --log-key FILE         the tenant's log key (custos\n"
	  "                         tenant-log-key T > FILE)\n"
	  "  --state FILE           the last check, kept here: only newer\n"
	  "                         entries are fetched next time\n"
	  "  --access-log FILE      a saved access-log answer instead of\n"
	  "                         asking the server (tenant admin token)\n"
	  "  --tiles DIR            entry bundles from DIR/tile/entries/...\n"
	  "                         instead of the server's public ones\n"
	  "\n"
	  "The checkpoint must carry a valid signature by KEY and its origin\n"
	  "must be KEY's name; the entry must be in the checkpoint's tree;\n"
	  "the old checkpoint's tree must be a prefix of the new one's.  With\n"
	  "--tenant-log every entry must be about the tenant and included in\n"
	  "the answer's checkpoint.  With --log-key: the tree rebuilt from\n"
	  "the entry bundles must have the checkpoint's root and extend the\n"
	  "tree of the last check; the access log must list exactly the\n"
	  "entries carrying the tenant's tag, each opening under its key to\n"
	  "the event shown.  One line per check; a failure names the file,\n"
	  "entry and check.  Exit 0 when all hold, 1 when one fails\n"
	  "(malformed files too), 2 usage, 3 a file or the server cannot be\n"
	  "read.\n", 1 },
	{ "tenant-log-key", cmd_tenant_log_key, "tenant-log-key TENANT",
	  "print the tenant's log key for verify --tenant (tenant admin)",
	  "Prints GET /v1/tenants/TENANT/log-key as it came: {tenant,\n"
	  "log_key, format}.  Save it (mode 0600: it opens every entry about\n"
	  "the tenant) and give it to custos verify --tenant TENANT\n"
	  "--log-key FILE.  The server records that it was fetched.\n", 1 },
	{ "seed", cmd_seed, "seed FILE [--from-line N]",
	  "import a world from a JSON-lines file (operator)",
	  "  --from-line N   skip the file's lines before line N (to resume)\n"
	  "\n"
	  "FILE (or - for stdin) holds one object per line with \"kind\":\n"
	  "vendor, engineer, device, tenant, user or ticket; blank lines and\n"
	  "lines starting with # are skipped.  Sent to POST /v1/import in\n"
	  "chunks of at most 4 MiB or 20000 lines, each all or nothing.\n"
	  "See docs/cli.md.\n", 1 },
	{ "import", cmd_import,
	  "import FILE [--format entries|okta] [--tenant T] [--from-line N]",
	  "import custos entries or Okta System Log events (operator)",
	  "  --format F      entries (default): custos log entries, one JSON\n"
	  "                  object per line; okta: Okta System Log events,\n"
	  "                  one per line or one JSON array (as the Okta API\n"
	  "                  returns them)\n"
	  "  --tenant T      (okta) the tenant of the export, for events\n"
	  "                  that name none\n"
	  "  --from-line N   skip the file's records before line N (to\n"
	  "                  resume)\n"
	  "\n"
	  "FILE (or - for stdin) is sent to POST /v1/import?format=F in\n"
	  "chunks of at most 8 MiB or 50000 records, each all or nothing.\n"
	  "Every record of a regular file is checked first: a malformed one\n"
	  "is named FILE:LINE and nothing is imported (exit 2).  Imported\n"
	  "events go into the log marked with their source.\n", 1 },
	{ "scope", cmd_scope,
	  "scope [--engineer ID]... [--device ID]... [--session ID]... "
	  "[--vendor ID]... [--ip ADDR]... --from T [--to T] [--proofs] "
	  "[--report DIR [--force]] | scope --tenant T --from T [--to T] | "
	  "scope --answer FILE [--report DIR [--force]]",
	  "which tenants principals reached in a window, with proof "
	  "(operator)",
	  "  --engineer ID    an engineer (repeat any of these; any mix)\n"
	  "  --device ID      an engineer's device\n"
	  "  --session ID     a session\n"
	  "  --vendor ID      every engineer of a vendor\n"
	  "  --ip ADDR        a source address\n"
	  "  --from T, --to T the window [T, T): RFC 3339, a date, now,\n"
	  "                   today, yesterday, -5d, -3h ...\n"
	  "                   (2022-01-21T14:00:00Z); --to defaults to\n"
	  "                   now, this second included\n"
	  "  --proofs         ask for each cited entry's inclusion proof\n"
	  "  --report DIR     write one report per tenant (DIR/TENANT.json,\n"
	  "                   DIR/TENANT.md) and DIR/summary.json,\n"
	  "                   DIR/summary.md; DIR is made mode 0700 and must\n"
	  "                   be new or empty\n"
	  "  --force          write into a non-empty DIR, replacing files\n"
	  "  --tenant T       the inverse: every principal that reached T\n"
	  "  --answer FILE    use a saved answer (custos scope --json\n"
	  "                   --proofs > FILE) instead of asking again\n"
	  "\n"
	  "Prints the summary and a table: TENANT, EXPOSURE (acted_upon,\n"
	  "viewed, exposed, or attempted: refused attempts only), FIRST,\n"
	  "LAST, ACTIONS, USERS (affected), DENIED.  --tenant prints KIND,\n"
	  "ID, FIRST, LAST, ACTIONS, DENIED, ENTRIES.\n"
	  "With --report every cited entry's leaf and proof is fetched and\n"
	  "checked against the answer's signed checkpoint before anything\n"
	  "is written; each TENANT.json verifies offline with custos verify\n"
	  "--key KEY --tenant-log DIR/TENANT.json --tenant TENANT.  Needs the\n"
	  "operator token.\n", 1 },
	{ "alerts", cmd_alerts,
	  "alerts [--rule R] [--severity S] [--subject ID] [--from|--since T] "
	  "[--to T] [--limit N] | alerts --id ID | alerts --scope ID "
	  "[--proofs] [--report DIR [--force]]",
	  "list the alerts the detection rules raised (operator)",
	  "  --rule R        only alerts of rule R (forbidden_probe,\n"
	  "                  unregistered_device, off_hours, ...)\n"
	  "  --severity S    at least S: low, medium, high or critical\n"
	  "  --subject ID    only alerts about ID (an engineer, session,\n"
	  "                  account, ...)\n"
	  "  --from T, --to T  raised in [T, T): RFC 3339, a date, now,\n"
	  "                  today, yesterday, -5d, -3h ... (--since: --from)\n"
	  "  --limit N       at most N alerts (default 100), newest first\n"
	  "  --id ID         show one alert in full: its fields, the log\n"
	  "                  entries it cites, its containment and the scope\n"
	  "                  question it suggests\n"
	  "  --scope ID      ask that question: custos scope with the\n"
	  "                  alert's principals, --from its start, --to now;\n"
	  "                  any other scope option (--proofs, --report DIR,\n"
	  "                  --force) is passed on, and the output, --json\n"
	  "                  and exit code are custos scope's\n"
	  "\n"
	  "Prints TIME, SEVERITY, RULE, SUBJECT, ID, CONTAINMENT (the\n"
	  "containment the alert set off, if any) and MESSAGE.  Needs the\n"
	  "operator token.\n", 1 },
	{ "contain", cmd_contain,
	  "contain (--engineer ID | --device ID | --session ID | --vendor ID) "
	  "[--level sessions|logins|access] --reason TEXT | contain --lift "
	  "(ID | --engineer ID | --device ID | --session ID | --vendor ID) "
	  "--reason TEXT",
	  "cut off an engineer, device, session or vendor now (operator)",
	  "  --engineer ID   the engineer: all their sessions and logins\n"
	  "  --device ID     one device: its sessions, logins with it\n"
	  "  --session ID    one session (level sessions only)\n"
	  "  --vendor ID     every engineer of the vendor\n"
	  "  --level LEVEL   how far (default access; sessions for --session):\n"
	  "                  sessions  the sessions end; logins still allowed,\n"
	  "                            customers' approvals kept\n"
	  "                  logins    and logins are refused until lifted;\n"
	  "                            approvals kept\n"
	  "                  access    and every open access request (pending\n"
	  "                            or approved) is revoked: customers must\n"
	  "                            approve again\n"
	  "  --reason TEXT   why (at least 3 characters); logged\n"
	  "  --lift          lift instead: the containment with id ID, or\n"
	  "                  every one in force on the target named\n"
	  "\n"
	  "Prints what was contained, whether logins are refused, the level\n"
	  "and what it enforces, how many sessions ended and the access\n"
	  "requests revoked (id, tenant).  A lift lets logins in again;\n"
	  "ended sessions and revoked requests stay ended.  Only what\n"
	  "refuses logins is in force and can be lifted.  Lifting by target\n"
	  "with --json prints {\"containments\": [...]}.  Needs the operator\n"
	  "token.\n", 1 },
	{ "containments", cmd_containments, "containments [--all]",
	  "list the containments in force (operator)",
	  "  --all   every containment: lifted ones, and those that only\n"
	  "          ended sessions, too\n"
	  "\n"
	  "Prints ID, KIND, TARGET, STATE (in_force: refusing logins now;\n"
	  "done: it ended sessions and holds nothing more; lifted), LEVEL\n"
	  "(sessions, logins, access), ENFORCED (in words, e.g. \"sessions\n"
	  "ended; logins still allowed; approvals kept\"), CREATED, CREATED\n"
	  "BY, LIFTED, ALERT (the alert that set it off, if any) and\n"
	  "REASON.\n", 1 },
	{ "incident", cmd_incident,
	  "incident publish ID [--unaffected] [--message TEXT]",
	  "tell the tenants of an incident, by mail to their admins (operator)",
	  "  --unaffected     tell every other tenant too that it was not\n"
	  "                   affected, with its proof (its entries up to a\n"
	  "                   signed checkpoint)\n"
	  "  --message TEXT   the operator's words, at the head of each notice\n"
	  "\n"
	  "Each affected tenant's admins (active, with an address) get the\n"
	  "incident's title and window, what was done in their tenant and to\n"
	  "which users, what to do, and their own report attached, which\n"
	  "`custos verify --tenant-log` checks offline.  A tenant is told\n"
	  "once: publishing again tells only those not told yet (refused when\n"
	  "none is left).  Prints each tenant told and how many admins were\n"
	  "mailed, and each that could not be told (NOT TOLD: no admin\n"
	  "address).  Needs the operator token or a responder token.\n", 1 },
	{ "witness", cmd_witness,
	  "witness --dir DIR --name NAME --log KEY|FILE "
	  "[--listen ADDR:PORT] [--print-key]",
	  "run a C2SP tlog witness that cosigns a custos log's checkpoints",
	  "  --dir DIR           the witness's own directory: witness.key\n"
	  "                      (Ed25519, mode 0600, made on first start),\n"
	  "                      witness.vkey (its verifier key) and\n"
	  "                      witness.state (per log, the size and root it\n"
	  "                      last cosigned)\n"
	  "  --name NAME         the witness's key name, e.g.\n"
	  "                      witness.example.com/w1\n"
	  "  --log KEY|FILE      the log's verifier key (custos log-key), or a\n"
	  "                      file of such keys, one a line\n"
	  "  --listen ADDR:PORT  where to serve (default "
	  "127.0.0.1:7380)\n"
	  "  --print-key         print the witness's verifier key and exit\n"
	  "\n"
	  "Serves POST /add-checkpoint of C2SP tlog-witness: the body is\n"
	  "'old N', a consistency proof from N, a blank line and the signed\n"
	  "checkpoint.  The witness checks the log's signature, that N is\n"
	  "the size it last cosigned (409 and that size otherwise) and the\n"
	  "proof (422 when the checkpoint does not extend what it cosigned:\n"
	  "a split view), stores the new size and root, then answers one\n"
	  "Ed25519 cosignature line (C2SP tlog-cosignature, type 0x04).\n"
	  "Give custosd --witness http://ADDR:PORT=VKEY with VKEY from\n"
	  "--print-key; check cosignatures with custos verify --witness.\n"
	  "Runs until SIGINT or SIGTERM.  Needs no server.\n", 0 },
	{ "working-hours", cmd_working_hours, "working-hours ENGINEER SPEC",
	  "declare an engineer's working hours (operator)",
	  "SPEC is DAYS HH:MM-HH:MM [OFFSET]: DAYS daily, a range mon-fri or\n"
	  "a list mon,wed,sat; the shift in that local time (an end before\n"
	  "the start is a night shift); OFFSET +01:00, -05:30 or Z (the\n"
	  "default).  Example: \"mon-fri 08:00-18:00 +01:00\".  \"\" clears\n"
	  "them.  The off_hours rule raises an alert on activity outside\n"
	  "them; an engineer without declared hours never sets it off.\n", 1 },
	/* helper optok (issue 14). */
	{ "operator-token", cmd_operator_token,
	  "operator-token create NAME --scope S [--expires WHEN] [--out FILE] "
	  "| operator-token list | operator-token revoke NAME|ID | "
	  "operator-token rotate-root [--out FILE]",
	  "make, list and revoke named operator tokens; rotate the root "
	  "token (operator)",
	  "  create NAME        a new token named NAME (A-Z a-z 0-9 _ . -)\n"
	  "    --scope S        directory (the directory's changes and\n"
	  "                     reads), responder (alerts, containment,\n"
	  "                     scope, incidents; reads) or auditor (reads\n"
	  "                     and the scope question only)\n"
	  "    --expires WHEN   refused from WHEN on (RFC 3339)\n"
	  "    --out FILE       write the token to FILE (mode 0600; FILE must\n"
	  "                     not exist) instead of stdout\n"
	  "  list               every token: NAME, ID, SCOPE, STATE (live,\n"
	  "                     revoked, expired), CREATED, CREATED BY, LAST\n"
	  "                     USED, EXPIRES, REVOKED; never a secret\n"
	  "  revoke NAME|ID     the token is refused from its next use\n"
	  "  rotate-root        a new root token: custosd writes it to\n"
	  "                     DIR/operator.token and the old one (with the\n"
	  "                     console sessions it opened) is refused\n"
	  "    --out FILE       also write it to FILE (0600, must be new)\n"
	  "\n"
	  "A token is shown once: with --out only in FILE, else as the only\n"
	  "line on stdout (what it is goes to stderr).  Every use of a named\n"
	  "token is logged with its name and scope.  Needs the root operator\n"
	  "token or an operator person; a named token is refused (exit 1).\n",
	  1 },
	/* issue 14, helper dir: the directory, noun then verb
	 * (cmd_directory.c). */
	{ "vendor", cmd_vendor,
	  "vendor list [LIST OPTIONS but --vendor] | show ID | create NAME "
	  "[--id ID] | "
	  "suspend|resume|offboard ID --reason TEXT",
	  "list, show, create, suspend, resume, offboard vendors (operator)",
	  LIST_HELP
	  "  --id ID          (create) the vendor's id (else one is made)\n"
	  "  --reason TEXT    (suspend, resume, offboard) why; recorded\n"
	  "\n"
	  "suspend: every engineer of the vendor is signed out and refused\n"
	  "until resume.  offboard (final): every engineer of it is\n"
	  "offboarded (see custos engineer).\n", 1 },
	{ "engineer", cmd_engineer,
	  "engineer list [LIST OPTIONS] | show ID | create USERNAME --vendor V "
	  "[--email E] [--id ID] [--invite | --password-file F "
	  "[--totp-secret-file F]] | "
	  "suspend|resume|offboard ID --reason TEXT | re-enrol ID --reason "
	  "TEXT [--email E] [--keep-devices [--device D]] | invite ID --email E "
	  "[--device D]",
	  "manage support engineers: create, lifecycle, re-enrol (operator)",
	  LIST_HELP
	  "  --vendor V       (create) the engineer's vendor\n"
	  "  --email E        the address invitations go to\n"
	  "  --invite         (create) set no password; mail an invitation\n"
	  "                   to --email: the engineer registers a device and\n"
	  "                   chooses a password and TOTP (or a passkey)\n"
	  "  --password-file F (create) the password, first line of F; the\n"
	  "                   answer then shows the TOTP URI (the engineer's\n"
	  "                   secret: hand it over safely)\n"
	  "  --reason TEXT    why; recorded\n"
	  "  --keep-devices   (re-enrol) keep devices and passkeys\n"
	  "  --device D       the device an invitation is for\n"
	  "\n"
	  "suspend ends the sessions and refuses the engineer until resume;\n"
	  "offboard (final) also revokes devices, passkeys, open access\n"
	  "requests and invitations; history stays.  re-enrol clears the\n"
	  "password and TOTP and mails an invitation: you never see it.\n",
	  1 },
	{ "device", cmd_device,
	  "device list [LIST OPTIONS] [--engineer E] | add ENGINEER NAME "
	  "--public-key-file F [--id ID] | revoke ENGINEER DEVICE "
	  "[--reason TEXT]",
	  "list, add, revoke engineers' devices (operator)",
	  LIST_HELP
	  "  --engineer E     (list) one engineer's devices\n"
	  "  --public-key-file F  (add) what custos keygen printed (base64)\n"
	  "\n"
	  "A revoked device is kept for history; its sessions end and it\n"
	  "logs in no more.\n", 1 },
	{ "tenant", cmd_tenant,
	  "tenant list [--search Q] [--limit N] [--after ID] [--all] | show ID "
	  "| create NAME [--id ID] [--policy P]",
	  "list, show, create tenants (operator)",
	  "  --policy P       approval_required (default), auto_approve, "
	  "deny\n", 1 },
	{ "user", cmd_user,
	  "user list TENANT [--search Q] [--status S] [--limit N] [--after ID] "
	  "[--all] | show TENANT USER | create TENANT USERNAME "
	  "--email E [--role admin|user] [--id ID] [--invite | "
	  "--password-file F] | invite TENANT USER",
	  "list, show, create, invite a tenant's users (operator, tenant "
	  "admin)",
	  "  --invite         (create) set no password; mail the user an\n"
	  "                   invitation to their own address\n"
	  "  --password-file F (create) the password, first line of F\n"
	  "\n"
	  "Reads are recorded in the tenant's log.\n", 1 },
	{ "ticket", cmd_ticket,
	  "ticket create TENANT --subject S --body B --requester U [--id ID]",
	  "open a ticket in a tenant (operator, tenant admin)",
	  "Prints the ticket's id.  (custos tickets TENANT reads them.)\n",
	  1 },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/*
 * Who runs which command, by name; a command not named here is anyone's
 * (offline commands, public reads, logins).  Where a command is one
 * action, its roles are that action's `who` in the action table
 * (audit/action.c, which `custosd --actions` prints), so the two cannot
 * drift apart; otherwise (a family of subcommands, or an action this
 * build's table lacks) they are given here as enum cli_role bits.  Kept
 * apart from the command table so that a new row there needs nothing
 * here to build.
 */
static const struct {
	const char *name;
	const char *action;     /* the action it is, or NULL */
	unsigned roles;         /* when action is NULL or unknown */
} command_roles[] = {
	{ "tickets", "ticket.list", 0 },
	{ "users", "user.list", 0 },
	{ "reset-password", "user.password_reset", 0 },
	{ "reset-mfa", "user.mfa_reset", 0 },
	{ "request-access", "access_request.create", CLI_ROLE_ENGINEER },
	{ "ask-approval", "approval.create", CLI_ROLE_ENGINEER },
	{ "approve-second", "approval.approve", 0 },
	{ "deny-second", "approval.deny", 0 },
	{ "requests", "access_request.list", CLI_ROLE_TENANT },
	{ "approve", "access_request.approve", CLI_ROLE_TENANT },
	{ "deny", "access_request.deny", CLI_ROLE_TENANT },
	{ "revoke", "access_request.revoke", CLI_ROLE_TENANT },
	{ "policy", "tenant.support_policy_view", CLI_ROLE_TENANT },
	{ "access-log", "tenant.access_log", 0 },
	{ "tenant-log-key", "tenant.log_key", 0 },
	{ "break-glass", "access_request.break_glass", CLI_ROLE_OPERATOR },
	{ "log", "log.entries", CLI_ROLE_OPERATOR },
	{ "entry", "log.entries", CLI_ROLE_OPERATOR },
	{ "seed", "import", CLI_ROLE_OPERATOR },
	{ "import", "import", CLI_ROLE_OPERATOR },
	{ "scope", "scope", CLI_ROLE_OPERATOR },
	{ "alerts", "alert.list", CLI_ROLE_OPERATOR },
	{ "contain", "containment", CLI_ROLE_OPERATOR },
	{ "containments", "containment.list", CLI_ROLE_OPERATOR },
	{ "working-hours", "engineer.working_hours", CLI_ROLE_OPERATOR },
	/* Families of subcommands (helpers optok and dir, issue 14). */
	{ "operator-token", NULL, CLI_ROLE_OPERATOR },
	{ "vendor", NULL, CLI_ROLE_OPERATOR },
	{ "engineer", NULL, CLI_ROLE_OPERATOR },
	{ "device", NULL, CLI_ROLE_OPERATOR },
	{ "tenant", NULL, CLI_ROLE_OPERATOR },
	{ "ticket", NULL, CLI_ROLE_OPERATOR | CLI_ROLE_TENANT },
	{ "user", NULL, CLI_ROLE_OPERATOR | CLI_ROLE_TENANT },
};

/* The action table's who as roles; 0 when anonymous callers may. */
static unsigned
roles_of_who(unsigned who)
{
	unsigned r = 0;

	if (who & WHO(ACTOR_ANONYMOUS))
		return 0;
	if (who & WHO(ACTOR_OPERATOR))
		r |= CLI_ROLE_OPERATOR;
	if (who & WHO(ACTOR_ENGINEER))
		r |= CLI_ROLE_ENGINEER;
	if (who & (WHO(ACTOR_TENANT_ADMIN) | WHO(ACTOR_TENANT_USER)))
		r |= CLI_ROLE_TENANT;
	return r;
}

/* The roles that may run c (enum cli_role bits); 0: anyone. */
static unsigned
command_roles_of(const struct cli_command *c)
{
	size_t i;
	int a;

	for (i = 0; i < sizeof(command_roles) / sizeof(command_roles[0]);
	    i++) {
		if (strcmp(command_roles[i].name, c->name) != 0)
			continue;
		a = command_roles[i].action != NULL ?
		    action_by_name(command_roles[i].action) : -1;
		return a >= 0 ? roles_of_who(action_get(a)->who) :
		    command_roles[i].roles;
	}
	return 0;
}

static const char globals_help[] =
	"global options (before or after the command):\n"
	"  --server URL       custosd's address (default: $CUSTOS_SERVER,\n"
	"                     else the saved session's, else\n"
	"                     " CLI_DEFAULT_SERVER ")\n"
	"  --token TOKEN      bearer token (default: $CUSTOS_TOKEN, else the\n"
	"                     saved session's when the server matches)\n"
	"  --token-file FILE  read the bearer token from FILE\n"
	"                     (e.g. DATA/operator.token)\n"
	"  --json             print JSON instead of tables and sentences\n"
	"  --config-dir DIR   where device.key and session.json live\n"
	"                     (default: $CUSTOS_CONFIG_DIR, else\n"
	"                     $XDG_CONFIG_HOME/custos, else ~/.config/custos)\n"
	"  --cacert FILE      CA certificates to trust for an https server\n"
	"  --help, -h         help; --version: the version\n"
	"\n"
	"exit codes: 0 ok, 1 the answer is no (HTTP 4xx, refused), 2 usage\n"
	"error (or a command of another role, refused before sending), 3\n"
	"server or I/O error, 4 try again later (HTTP 429 or 503)\n";

struct globals {
	const char *server;
	const char *token;
	const char *token_file;
	const char *config_dir;
	const char *cacert;
	int json;
	int help;
	int version;
};

static const struct cli_command *
command_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* 1 when role (0: not known) may run c. */
static int
role_may(unsigned role, const struct cli_command *c)
{
	unsigned roles = command_roles_of(c);

	return role == 0 || roles == 0 || (roles & role) != 0;
}

static const char *
role_name(unsigned role)
{
	switch (role) {
	case CLI_ROLE_ENGINEER: return "an engineer";
	case CLI_ROLE_TENANT: return "a tenant admin";
	case CLI_ROLE_OPERATOR: return "the operator";
	default: return "someone else";
	}
}

/* Who may run c, in words: "the operator", "an engineer or a tenant
 * admin". */
static void
roles_say(FILE *f, unsigned roles)
{
	static const unsigned all[] = { CLI_ROLE_ENGINEER, CLI_ROLE_TENANT,
	    CLI_ROLE_OPERATOR };
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (roles & all[i])
			fprintf(f, "%s%s", n++ > 0 ? " or " : "",
			    role_name(all[i]));
}

/* The list of commands: the role's only, unless everything (or the role
 * is not known). */
static void
usage_all(FILE *f, unsigned role, int everything)
{
	size_t i, hidden = 0;

	fputs("usage: custos [global options] COMMAND [options] "
	    "[arguments]\n\ncommands", f);
	if (role != 0 && !everything)
		fprintf(f, " for %s", role_name(role));
	fputs(":\n", f);
	for (i = 0; i < NCOMMANDS; i++) {
		if (!everything && !role_may(role, &commands[i])) {
			hidden++;
			continue;
		}
		fprintf(f, "  %-16s %s\n", commands[i].name,
		    commands[i].summary);
	}
	if (hidden > 0)
		fprintf(f, "\n%zu commands of other roles are not shown: "
		    "'custos help --all' lists them.\n", hidden);
	fputs("\n'custos COMMAND --help' tells more about one.\n\n", f);
	fputs(globals_help, f);
}

/* help --commands: every name, one a line, nothing else. */
static void
names_all(void)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		printf("%s\n", commands[i].name);
}

static void
usage_command(const struct cli_command *c)
{
	printf("usage: custos %s\n\n%s.\n", c->synopsis, c->summary);
	if (command_roles_of(c) != 0) {
		fputs("For ", stdout);
		roles_say(stdout, command_roles_of(c));
		fputs(".\n", stdout);
	}
	if (c->help[0] != '\0')
		printf("\n%s", c->help);
	printf("\n%s", globals_help);
}

/* Takes the global options out of argv; the rest goes to rest[].  Returns
 * 0, or -1 after printing why. */
static int
globals_take(struct globals *g, int argc, char **argv, char **rest,
    int *nrest)
{
	struct {
		const char *name;
		const char **arg;
		int *flag;
	} table[] = {
		{ "server", &g->server, NULL },
		{ "token", &g->token, NULL },
		{ "token-file", &g->token_file, NULL },
		{ "config-dir", &g->config_dir, NULL },
		{ "cacert", &g->cacert, NULL },
		{ "json", NULL, &g->json },
		{ "help", NULL, &g->help },
		{ "version", NULL, &g->version },
	};
	size_t k, n;
	int i, r = 0, done = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq;

		if (done || strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (!done && strcmp(a, "--") == 0)
				done = 1;
			else if (!done && strcmp(a, "-h") == 0) {
				g->help = 1;
				continue;
			}
			rest[r++] = argv[i];
			continue;
		}
		eq = strchr(a + 2, '=');
		n = eq != NULL ? (size_t)(eq - a - 2) : strlen(a + 2);
		for (k = 0; k < sizeof(table) / sizeof(table[0]); k++)
			if (strlen(table[k].name) == n &&
			    memcmp(table[k].name, a + 2, n) == 0)
				break;
		if (k == sizeof(table) / sizeof(table[0])) {
			rest[r++] = argv[i];    /* the command's option */
			continue;
		}
		if (table[k].flag != NULL) {
			if (eq != NULL) {
				cli_warn("option --%s takes no value",
				    table[k].name);
				return -1;
			}
			*table[k].flag = 1;
			continue;
		}
		if (*table[k].arg != NULL) {
			cli_warn("option --%s given twice", table[k].name);
			return -1;
		}
		if (eq != NULL) {
			*table[k].arg = eq + 1;
		} else if (i + 1 < argc) {
			*table[k].arg = argv[++i];
		} else {
			cli_warn("option --%s needs a value", table[k].name);
			return -1;
		}
	}
	rest[r] = NULL;
	*nrest = r;
	return 0;
}

/* Checks a base URL and stores it without trailing slashes. */
static int
server_set(struct cli *ctx, const char *url, const char *from)
{
	size_t n = strlen(url), i;

	if ((strncmp(url, "http://", 7) != 0 &&
	    strncmp(url, "https://", 8) != 0) ||
	    n >= sizeof(ctx->conn.server)) {
		cli_warn("%s: the server must be an http:// or https:// URL",
		    from);
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f ||
		    url[i] == '?' || url[i] == '#') {
			cli_warn("%s: the server URL may not hold spaces, "
			    "control characters, '?' or '#'", from);
			return -1;
		}
	while (n > 0 && url[n - 1] == '/')
		n--;
	memcpy(ctx->conn.server, url, n);
	ctx->conn.server[n] = '\0';
	return 0;
}

static int
token_from_file(struct cli *ctx, const char *path)
{
	struct buf text;
	size_t n;
	int rc = -1;

	buf_init_secret(&text, TOKEN_FILE_MAX);
	if (cli_read_file(&text, path, 0) == -1)
		goto out;
	n = text.len;
	while (n > 0 && (text.data[n - 1] == '\n' || text.data[n - 1] == '\r' ||
	    text.data[n - 1] == ' ' || text.data[n - 1] == '\t'))
		n--;
	if (cli_token_set(ctx, text.data, n) == -1) {
		cli_warn("%s: not a token", path);
		goto out;
	}
	rc = 0;
out:
	buf_cleanup(&text);
	return rc;
}

/* 1 when the saved session's expiry has passed. */
static int
session_ended(const struct cli_session *s)
{
	int64_t t;

	if (s->expires_at[0] == '\0' || time_parse(&t, s->expires_at) == -1)
		return 0;
	return t <= (int64_t)time(NULL);
}

/*
 * Settles server and token.  The saved token is only ever sent to the
 * server it was issued by.  Returns an enum cli_exit.
 */
static int
resolve(struct cli *ctx, const struct globals *g)
{
	const char *env_server = getenv("CUSTOS_SERVER");
	const char *env_token = getenv("CUSTOS_TOKEN");
	struct cli_session s;
	int have, rc = CLI_USAGE;

	if (env_server != NULL && env_server[0] == '\0')
		env_server = NULL;
	if (env_token != NULL && env_token[0] == '\0')
		env_token = NULL;
	if (g->token != NULL && g->token_file != NULL) {
		cli_warn("give --token or --token-file, not both");
		return CLI_USAGE;
	}
	have = cli_session_load(ctx, &s);
	if (have == -1)
		cli_warn("ignoring the saved session");
	if (g->server != NULL) {
		if (server_set(ctx, g->server, "--server") == -1)
			goto out;
	} else if (env_server != NULL) {
		if (server_set(ctx, env_server, "CUSTOS_SERVER") == -1)
			goto out;
	} else if (have == 1) {
		if (server_set(ctx, s.server, "session.json") == -1)
			goto out;
	} else if (server_set(ctx, CLI_DEFAULT_SERVER, "default") == -1) {
		goto out;
	}
	ctx->role = 0;
	if (g->token != NULL) {
		if (cli_token_set(ctx, g->token, strlen(g->token)) == -1)
			goto out;
	} else if (g->token_file != NULL) {
		if (token_from_file(ctx, g->token_file) == -1) {
			rc = CLI_FAIL;
			goto out;
		}
	} else if (env_token != NULL) {
		if (cli_token_set(ctx, env_token, strlen(env_token)) == -1) {
			cli_warn("CUSTOS_TOKEN: not a token");
			goto out;
		}
	} else if (have == 1 && strcmp(s.server, ctx->conn.server) == 0 &&
	    !session_ended(&s)) {
		if (cli_token_set(ctx, s.token, strlen(s.token)) == -1) {
			cli_warn("ignoring the saved session's token");
		} else {
			ctx->conn.token_from_session = 1;
			if (strcmp(s.role, "engineer") == 0)
				ctx->role = CLI_ROLE_ENGINEER;
			else if (strcmp(s.role, "tenant") == 0)
				ctx->role = CLI_ROLE_TENANT;
		}
	}
	/* Operator tokens (the root one and named ones) say what they are;
	 * a session token given by hand does not, and is not guessed. */
	if (ctx->conn.token != NULL && !ctx->conn.token_from_session &&
	    strncmp(ctx->conn.token, "cop_", 4) == 0)
		ctx->role = CLI_ROLE_OPERATOR;
	rc = CLI_OK;
out:
	cli_session_cleanup(&s);
	return rc;
}

int
main(int argc, char **argv)
{
	const struct cli_command *cmd;
	struct globals g;
	struct cli ctx;
	char **rest = NULL;
	int nrest = 0, rc = CLI_USAGE, curl_up = 0, i;

	memset(&g, 0, sizeof(g));
	memset(&ctx, 0, sizeof(ctx));
	if (sodium_init() < 0) {
		cli_warn("cannot start libsodium");
		return CLI_FAIL;
	}
	jx_wipe_on_free();
	if (argc < 1)
		return CLI_USAGE;
	rest = calloc((size_t)argc + 1, sizeof(*rest));
	if (rest == NULL) {
		cli_warn("out of memory");
		return CLI_FAIL;
	}
	/* --json is known before anything can fail, so every error of
	 * the run comes out as JSON. */
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0)
			cli_out_json(1);
	if (globals_take(&g, argc, argv, rest, &nrest) == -1) {
		if (!g.json)
			fputs("see 'custos help'\n", stderr);
		goto out;
	}
	if (g.version) {
		printf("custos %s\n", CUSTOS_VERSION);
		rc = CLI_OK;
		goto out;
	}
	if (nrest == 0) {
		if (g.help) {
			(void)resolve(&ctx, &g);
			usage_all(stdout, ctx.role, 0);
			rc = CLI_OK;
		} else if (g.json) {
			cli_error("usage", "no command; see 'custos help'");
		} else {
			usage_all(stderr, 0, 1);
		}
		goto out;
	}
	if (strcmp(rest[0], "help") == 0) {
		if (nrest == 2 && strcmp(rest[1], "--commands") == 0) {
			names_all();
			rc = CLI_OK;
		} else if (nrest == 2 && strcmp(rest[1], "--all") == 0) {
			usage_all(stdout, 0, 1);
			rc = CLI_OK;
		} else if (nrest == 1) {
			(void)resolve(&ctx, &g);
			usage_all(stdout, ctx.role, 0);
			rc = CLI_OK;
		} else if (nrest == 2 && (cmd = command_find(rest[1])) !=
		    NULL) {
			usage_command(cmd);
			rc = CLI_OK;
		} else {
			cli_error("usage", "no such command; see 'custos "
			    "help'");
		}
		goto out;
	}
	cmd = command_find(rest[0]);
	if (cmd == NULL) {
		cli_error("usage", "unknown command '%s'; see 'custos help'",
		    rest[0]);
		goto out;
	}
	if (g.help) {
		usage_command(cmd);
		rc = CLI_OK;
		goto out;
	}
	ctx.cmd = cmd;
	ctx.json = g.json;
	ctx.config_dir = g.config_dir;
	ctx.conn.cacert = g.cacert;
	if (ctx.config_dir != NULL && ctx.config_dir[0] == '\0') {
		rc = cli_usage(&ctx, "--config-dir must not be empty");
		goto out;
	}
	if (cmd->net) {
		rc = resolve(&ctx, &g);
		if (rc != CLI_OK)
			goto out;
		/* Another role's command is refused here, before anything is
		 * sent: a typo must not reach custosd as a forbidden attempt
		 * (and raise an alert on the one who made it). */
		if (!role_may(ctx.role, cmd)) {
			if (g.json) {
				cli_error("usage", "'%s' is not a command for "
				    "%s; see 'custos help'", cmd->name,
				    role_name(ctx.role));
			} else {
				fprintf(stderr, "custos: '%s' is a command for ",
				    cmd->name);
				roles_say(stderr, command_roles_of(cmd));
				fprintf(stderr, ", and you are %s (%s); nothing "
				    "was sent.\nSee 'custos help' for yours, or "
				    "give the right --token-file.\n",
				    role_name(ctx.role),
				    ctx.conn.token_from_session ? "the saved "
				    "session" : "the token given");
			}
			rc = CLI_USAGE;
			goto out;
		}
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			cli_warn("cannot start libcurl");
			rc = CLI_FAIL;
			goto out;
		}
		curl_up = 1;
	}
	rc = cmd->fn(&ctx, nrest, rest);
out:
	cli_http_free(ctx.conn.http);
	if (curl_up)
		curl_global_cleanup();
	cli_secret_free(ctx.conn.token);
	free(rest);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		cli_warn("cannot write the output");
		if (rc == CLI_OK)
			rc = CLI_FAIL;
	}
	return cli_out_finish(rc);
}
