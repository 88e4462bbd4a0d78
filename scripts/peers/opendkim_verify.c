/* OpenDKIM peer harness: verify messages offline with libopendkim (Debian
 * libopendkim-dev 2.11, the library behind opendkim and opendkim-testmsg).
 *
 * Build (scripts/peers.sh does it, into .peers/bin/):
 *   cc -O2 -Wall -o .peers/bin/opendkim_verify scripts/peers/opendkim_verify.c -lopendkim
 *
 * usage: opendkim_verify --keys keys.jsonl --now UNIX_SECONDS [--shard K/N] PATH...
 *
 * PATH: a Maildir (cur/ + new/ merged in file-name order, tmp/ and dot-files
 * ignored), any other directory (recursive, sorted, dot-files skipped), or one
 * message file.  With --shard K/N only the messages whose position in the whole
 * list is congruent to K modulo N are verified.
 *
 * Output: one JSON line per message, in input order:
 *   {"file": PATH, "index": POSITION, "pass": BOOL,
 *    "signatures": [{"d": ..., "s": ..., "result": ..., "detail": ...}], "error": ...}
 * libopendkim has no result words; per signature (top first):
 *   pass   DKIM_SIG_CHECK: header signature verified and body hash matches
 *   fail   processed and the body hash or the header signature did not verify
 *   error  not processed; "detail" is dkim_sig_geterrorstr() of the DKIM_SIGERROR_*
 *
 * Keys: libopendkim's file query method (DKIM_QUERY_FILE): a temporary file of
 * "name<SP>TXT" lines is written once from keys.jsonl (per name the latest
 * snapshot not later than --now, NOERROR records only, one line per TXT record;
 * the library takes the first matching line, as a resolver giving the first
 * record would).  NXDOMAIN, SERVFAIL, TIMEOUT and absent names are left out: the
 * file method cannot express a lookup failure, so all give "no key".
 * Time: libopendkim's verifier calls time() for x= / t=; this program defines
 * time() (the executable's definition interposes on libc's) to return --now.
 * Flags: library defaults plus DKIM_LIBFLAGS_BADSIGHANDLES (report malformed
 * signatures too).  Messages are stored with LF line ends: every bare LF is
 * turned into CRLF before the message is given to the library.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <opendkim/dkim.h>

static time_t pinned_now;
time_t time(time_t *t)
{
	if (t != NULL)
		*t = pinned_now;
	return pinned_now;
}

static void die(const char *what)
{
	fprintf(stderr, "opendkim_verify: %s\n", what);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (p == NULL)
		die("out of memory");
	return p;
}

/* ---------------------------------------------------------------- JSON -- */

static const char *ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

/* Decodes the JSON string at *pp (at '"') into a malloc'd C string; advances *pp. */
static char *json_string(const char **pp)
{
	const char *p = ws(*pp);
	if (*p != '"')
		return NULL;
	size_t cap = 64, n = 0;
	char *out = xrealloc(NULL, cap);
	for (p++; *p && *p != '"'; p++) {
		if (n + 8 > cap)
			out = xrealloc(out, cap *= 2);
		if (*p != '\\') {
			out[n++] = *p;
			continue;
		}
		p++;
		switch (*p) {
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case 'r': out[n++] = '\r'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'u': {
			unsigned v = 0;
			if (sscanf(p + 1, "%4x", &v) != 1)
				break;
			p += 4;
			if (v < 0x80) {
				out[n++] = (char)v;
			} else if (v < 0x800) {
				out[n++] = (char)(0xc0 | (v >> 6));
				out[n++] = (char)(0x80 | (v & 0x3f));
			} else {
				out[n++] = (char)(0xe0 | (v >> 12));
				out[n++] = (char)(0x80 | ((v >> 6) & 0x3f));
				out[n++] = (char)(0x80 | (v & 0x3f));
			}
			break;
		}
		case '\0': p--; break;
		default: out[n++] = *p;
		}
	}
	out[n] = '\0';
	*pp = *p ? p + 1 : p;
	return out;
}

static const char *skip_value(const char *p)
{
	p = ws(p);
	if (*p == '"') {
		free(json_string(&p));
		return p;
	}
	if (*p == '{' || *p == '[') {
		int depth = 0;
		for (; *p; p++) {
			if (*p == '"') {
				free(json_string(&p));
				p--;
				continue;
			}
			if (*p == '{' || *p == '[')
				depth++;
			else if ((*p == '}' || *p == ']') && --depth == 0)
				return p + 1;
		}
		return p;
	}
	while (*p && *p != ',' && *p != '}' && *p != ']')
		p++;
	return p;
}

/* Value of member `key` of the object at obj, or NULL. */
static const char *member(const char *obj, const char *key)
{
	const char *p = ws(obj);
	if (*p != '{')
		return NULL;
	p = ws(p + 1);
	while (*p == '"') {
		char *k = json_string(&p);
		p = ws(p);
		if (*p == ':')
			p = ws(p + 1);
		int hit = k && strcmp(k, key) == 0;
		free(k);
		if (hit)
			return p;
		p = ws(skip_value(p));
		if (*p == ',')
			p = ws(p + 1);
	}
	return NULL;
}

static void put_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);   /* bytes as Latin-1: always valid JSON */
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* ---------------------------------------------------------------- files -- */

struct buf { char *p; size_t n, cap; };

static int read_file(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return errno;
	b->n = 0;
	for (;;) {
		if (b->cap - b->n < 65536)
			b->p = xrealloc(b->p, b->cap = b->cap * 2 + 65536);
		size_t r = fread(b->p + b->n, 1, b->cap - b->n - 1, f);
		b->n += r;
		if (r == 0)
			break;
	}
	int err = ferror(f) ? EIO : 0;
	fclose(f);
	b->p[b->n] = '\0';
	return err;
}

/* out = in with every bare LF turned into CRLF */
static void to_crlf(const struct buf *in, struct buf *out)
{
	if (out->cap < in->n * 2 + 1)
		out->p = xrealloc(out->p, out->cap = in->n * 2 + 1);
	size_t n = 0;
	for (size_t i = 0; i < in->n; i++) {
		if (in->p[i] == '\n' && (i == 0 || in->p[i - 1] != '\r'))
			out->p[n++] = '\r';
		out->p[n++] = in->p[i];
	}
	out->n = n;
}

/* ---------------------------------------------------------------- listing -- */

struct list { char **v; size_t n; };

static void push(struct list *l, char *s)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = s;
}

static char *join(const char *d, const char *n)
{
	size_t ld = strlen(d);
	char *s = xrealloc(NULL, ld + strlen(n) + 2);
	sprintf(s, (ld && d[ld - 1] == '/') ? "%s%s" : "%s/%s", d, n);
	return s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct list entries(const char *d)
{
	struct list l = {0};
	DIR *dh = opendir(d);
	if (dh == NULL) {
		fprintf(stderr, "opendkim_verify: %s: %s\n", d, strerror(errno));
		return l;
	}
	struct dirent *de;
	while ((de = readdir(dh)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			push(&l, strdup(de->d_name));
	closedir(dh);
	qsort(l.v, l.n, sizeof *l.v, cmp_str);
	return l;
}

static void free_list(struct list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int real_dir(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_maildir(const char *d)
{
	char *c = join(d, "cur"), *n = join(d, "new");
	int r = real_dir(c) || real_dir(n);
	free(c);
	free(n);
	return r;
}

struct named { char *name, *path; };

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->path, y->path);
}

static void list_maildir(const char *d, struct list *out)
{
	struct named *files = NULL;
	size_t nf = 0;
	static const char *subs[] = {"cur", "new"};
	for (int i = 0; i < 2; i++) {
		char *sd = join(d, subs[i]);
		if (real_dir(sd)) {
			struct list e = entries(sd);
			for (size_t j = 0; j < e.n; j++) {
				if (e.v[j][0] == '.')
					continue;
				char *p = join(sd, e.v[j]);
				if (!is_file(p)) {
					free(p);
					continue;
				}
				files = xrealloc(files, (nf + 1) * sizeof *files);
				files[nf].name = strdup(e.v[j]);
				files[nf++].path = p;
			}
			free_list(&e);
		}
		free(sd);
	}
	qsort(files, nf, sizeof *files, cmp_named);
	for (size_t i = 0; i < nf; i++) {
		push(out, files[i].path);
		free(files[i].name);
	}
	free(files);
	struct list e = entries(d);   /* Maildir++ sub-folders (.Name/) */
	for (size_t j = 0; j < e.n; j++) {
		if (e.v[j][0] != '.')
			continue;
		char *p = join(d, e.v[j]);
		if (real_dir(p) && is_maildir(p))
			list_maildir(p, out);
		free(p);
	}
	free_list(&e);
}

static void list_tree(const char *d, struct list *out)
{
	struct list e = entries(d);
	for (size_t j = 0; j < e.n; j++) {
		if (e.v[j][0] == '.')
			continue;
		char *p = join(d, e.v[j]);
		if (real_dir(p)) {
			if (is_maildir(p))
				list_maildir(p, out);
			else
				list_tree(p, out);
			free(p);
		} else if (is_file(p)) {
			push(out, p);
		} else {
			free(p);
		}
	}
	free_list(&e);
}

/* ---------------------------------------------------------------- keys -- */

struct snap { char *name, *rcode; time_t at; char **txt; int ntxt; };

static time_t iso(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (s == NULL || strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return (time_t)-1;
	return timegm(&tm);
}

/* Writes the zone file for `now` from keys.jsonl. */
static void write_zone(const char *keys_path, const char *zone_path, time_t now)
{
	struct buf b = {0};
	if (read_file(keys_path, &b) != 0) {
		perror(keys_path);
		exit(1);
	}
	struct snap *s = NULL;
	int ns = 0;
	char *save = NULL;
	for (char *line = strtok_r(b.p, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (*ws(line) != '{')
			continue;
		struct snap k = {0};
		const char *v;
		if ((v = member(line, "name")) != NULL)
			k.name = json_string(&v);
		if ((v = member(line, "rcode")) != NULL)
			k.rcode = json_string(&v);
		if ((v = member(line, "fetched_at")) != NULL) {
			char *fa = json_string(&v);
			k.at = iso(fa);
			free(fa);
		}
		if (k.name == NULL || k.rcode == NULL)
			die("keys.jsonl: a line without name or rcode");
		size_t ln = strlen(k.name);
		if (ln && k.name[ln - 1] == '.')
			k.name[ln - 1] = '\0';
		if ((v = member(line, "txt")) != NULL && *v == '[') {
			v = ws(v + 1);
			while (*v == '"') {
				k.txt = xrealloc(k.txt, (k.ntxt + 1) * sizeof *k.txt);
				k.txt[k.ntxt++] = json_string(&v);
				v = ws(v);
				if (*v == ',')
					v = ws(v + 1);
			}
		}
		if (k.at > now)
			continue;
		int i;
		for (i = 0; i < ns; i++)
			if (strcasecmp(s[i].name, k.name) == 0)
				break;
		if (i == ns) {
			s = xrealloc(s, (ns + 1) * sizeof *s);
			s[ns++] = k;
		} else if (k.at >= s[i].at) {
			s[i] = k;   /* (the replaced snapshot leaks: run-once) */
		}
	}
	FILE *f = fopen(zone_path, "w");
	if (f == NULL) {
		perror(zone_path);
		exit(1);
	}
	for (int i = 0; i < ns; i++) {
		if (strcmp(s[i].rcode, "NOERROR") != 0)
			continue;
		for (int t = 0; t < s[i].ntxt; t++)
			fprintf(f, "%s %s\n", s[i].name, s[i].txt[t]);
	}
	if (fclose(f) != 0) {
		perror(zone_path);
		exit(1);
	}
	free(b.p);
}

/* ---------------------------------------------------------------- main -- */

static void usage(void)
{
	fprintf(stderr, "usage: opendkim_verify --keys keys.jsonl --now UNIX_SECONDS [--shard K/N] PATH...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *keys_path = NULL, *now_arg = NULL, *shard = "0/1";
	struct list paths = {0};
	static const char *names[] = {"--keys", "--now", "--shard"};
	const char **vals[] = {&keys_path, &now_arg, &shard};
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0) {
			push(&paths, argv[i]);
			continue;
		}
		int o;
		size_t ln = 0;
		for (o = 0; o < 3; o++) {
			ln = strlen(names[o]);
			if (strncmp(argv[i], names[o], ln) == 0 && (argv[i][ln] == '\0' || argv[i][ln] == '='))
				break;
		}
		if (o == 3)
			usage();
		if (argv[i][ln] == '=')
			*vals[o] = argv[i] + ln + 1;   /* --opt=value */
		else if (++i < argc)
			*vals[o] = argv[i];            /* --opt value */
		else
			usage();
	}
	if (keys_path == NULL || now_arg == NULL || paths.n == 0)
		usage();
	unsigned long sk, sn;
	char extra;
	if (sscanf(shard, "%lu/%lu%c", &sk, &sn, &extra) != 2 || sn < 1 || sk >= sn)
		usage();
	char *end;
	long long nowll = strtoll(now_arg, &end, 10);
	if (*end != '\0') {
		time_t t = iso(now_arg);
		if (t == (time_t)-1)
			usage();
		nowll = t;
	}
	pinned_now = (time_t)nowll;

	const char *tmpdir = getenv("TMPDIR");
	char zone[4096];
	snprintf(zone, sizeof zone, "%s/opendkim-verify-zone-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	int zfd = mkstemp(zone);
	if (zfd < 0) {
		perror("mkstemp");
		return 1;
	}
	close(zfd);
	write_zone(keys_path, zone, pinned_now);

	DKIM_LIB *lib = dkim_init(NULL, NULL);
	if (lib == NULL)
		die("dkim_init failed");
	dkim_query_t qm = DKIM_QUERY_FILE;
	unsigned int flags = DKIM_LIBFLAGS_BADSIGHANDLES;
	uint64_t fixed = (uint64_t)pinned_now;
	if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYMETHOD, &qm, sizeof qm) != DKIM_STAT_OK ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYINFO, zone, strlen(zone) + 1) != DKIM_STAT_OK ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof flags) != DKIM_STAT_OK ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FIXEDTIME, &fixed, sizeof fixed) != DKIM_STAT_OK)
		die("dkim_options failed");

	struct list files = {0};
	for (size_t i = 0; i < paths.n; i++) {
		struct stat st;
		if (stat(paths.v[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (is_maildir(paths.v[i]))
				list_maildir(paths.v[i], &files);
			else
				list_tree(paths.v[i], &files);
		} else {
			push(&files, strdup(paths.v[i]));
		}
	}

	struct buf raw = {0}, msg = {0};
	for (size_t pos = 0; pos < files.n; pos++) {
		if (pos % sn != sk)
			continue;
		const char *path = files.v[pos];
		printf("{\"file\":");
		put_json_string(stdout, path);
		printf(",\"index\":%zu", pos);
		int err = read_file(path, &raw);
		if (err != 0) {
			printf(",\"pass\":false,\"signatures\":[],\"error\":");
			char e[300];
			snprintf(e, sizeof e, "cannot read: %s", strerror(err));
			put_json_string(stdout, e);
			printf("}\n");
			continue;
		}
		to_crlf(&raw, &msg);
		DKIM_STAT st;
		char id[32];
		snprintf(id, sizeof id, "m%zu", pos);
		DKIM *d = dkim_verify(lib, (const unsigned char *)id, NULL, &st);
		DKIM_SIGINFO **sigs = NULL;
		int nsigs = 0;
		const char *error = NULL;
		if (d == NULL) {
			error = "dkim_verify() failed";
		} else {
			DKIM_STAT cst = dkim_chunk(d, (unsigned char *)msg.p, msg.n);
			if (cst == DKIM_STAT_OK)
				cst = dkim_chunk(d, NULL, 0);
			if (cst == DKIM_STAT_OK)
				(void)dkim_eom(d, NULL);   /* NOSIG, BADSIG...: the per-signature flags tell */
			else if (cst != DKIM_STAT_NOSIG)
				error = dkim_getresultstr(cst);
			if (dkim_getsiglist(d, &sigs, &nsigs) != DKIM_STAT_OK) {
				sigs = NULL;
				nsigs = 0;
			}
		}
		int any = 0;
		printf(",\"signatures\":[");
		for (int i = 0; i < nsigs; i++) {
			DKIM_SIGINFO *s = sigs[i];
			unsigned int fl = dkim_sig_getflags(s);
			int bh = dkim_sig_getbh(s), se = dkim_sig_geterror(s);
			const char *res, *detail;
			if ((fl & DKIM_SIGFLAG_PASSED) && bh == DKIM_SIGBH_MATCH) {
				res = "pass";
				detail = "";
				any = 1;
			} else if ((fl & DKIM_SIGFLAG_PROCESSED) && bh == DKIM_SIGBH_MISMATCH) {
				res = "fail";
				detail = "body hash mismatch";
			} else if (se == DKIM_SIGERROR_BADSIG || ((fl & DKIM_SIGFLAG_PROCESSED) && se == DKIM_SIGERROR_OK)) {
				res = "fail";
				detail = dkim_sig_geterrorstr(DKIM_SIGERROR_BADSIG);
			} else {
				res = "error";
				detail = dkim_sig_geterrorstr(se);
			}
			printf("%s{\"d\":", i ? "," : "");
			put_json_string(stdout, (const char *)dkim_sig_getdomain(s));
			printf(",\"s\":");
			put_json_string(stdout, (const char *)dkim_sig_getselector(s));
			printf(",\"result\":\"%s\",\"detail\":", res);
			put_json_string(stdout, detail ? detail : "");
			printf("}");
		}
		printf("],\"pass\":%s", any ? "true" : "false");
		if (error != NULL) {
			printf(",\"error\":");
			put_json_string(stdout, error);
		}
		printf("}\n");
		if (d != NULL)
			dkim_free(d);
	}
	fflush(stdout);
	dkim_close(lib);
	unlink(zone);
	return ferror(stdout) ? 1 : 0;
}
