/* fsx — whole-file reads, atomic writes, staged writes, mkdir -p; see fsx.h. */
#define _GNU_SOURCE          /* syncfs */
#include "fsx.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *fsx_strerror(int e)
{
    switch (e) {
    case ENOENT: return "файл или каталог не найден";
    case EACCES: case EPERM: return "нет доступа";
    case ENOSPC: return "нет места на диске";
    case EDQUOT: return "превышена дисковая квота";
    case EROFS: return "файловая система доступна только для чтения";
    case EISDIR: return "это каталог, а не файл";
    case ENOTDIR: return "часть пути не является каталогом";
    case ENOMEM: return "недостаточно памяти";
    case EFBIG: return "файл слишком велик";
    case ENAMETOOLONG: return "слишком длинное имя";
    case EIO: return "ошибка ввода-вывода";
    default: return strerror(e);
    }
}

int fsx_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fsx_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int fsx_read_all(const char *path, size_t max, char **out, size_t *len, char err[FSX_ERRLEN])
{
    int rc = -1;
    char *data = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;

    *out = NULL;
    *len = 0;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(errno));
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(EISDIR));
        goto done;
    }
    if ((size_t)st.st_size > max) {
        snprintf(err, FSX_ERRLEN, "%s: файл больше допустимого (%zu МБ)", path, max >> 20);
        goto done;
    }
    size_t size = (size_t)st.st_size, got = 0;
    data = malloc(size + 1);
    if (!data) {
        snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(ENOMEM));
        goto done;
    }
    while (got < size) {
        ssize_t n = read(fd, data + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(errno));
            goto done;
        }
        if (n == 0)
            break; /* the file shrank while we read it: take what is there */
        got += (size_t)n;
    }
    data[got] = '\0';
    *out = data;
    *len = got;
    data = NULL;
    rc = 0;
done:
    free(data);
    if (fd >= 0)
        close(fd);
    return rc;
}

int fsx_write_full(int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Writes data to a new temporary file next to path — its name starts with the final name, so
 * a crash leaves an obvious leftover in the same directory (rename is atomic only within one
 * file system) — and, with `sync`, fsyncs it. Returns the temporary name (malloc'd) or NULL
 * with err (nothing left behind). */
static char *write_temp(const char *path, const void *data, size_t len, int sync,
                        char err[FSX_ERRLEN])
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 96);
    if (!tmp) {
        snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(ENOMEM));
        return NULL;
    }
    snprintf(tmp, plen + 96, "%s.tmp.%s.%ld", path, fsx_host(), (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    int ok = fd >= 0 && fsx_write_full(fd, data, len) == 0 && (!sync || fsync(fd) == 0);
    int e = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {   /* a failed close can be the write's error */
        ok = 0;
        e = errno;
    }
    if (!ok) {
        if (fd >= 0)
            unlink(tmp);
        snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(e));
        free(tmp);
        return NULL;
    }
    return tmp;
}

int fsx_write_atomic(const char *path, const void *data, size_t len, char err[FSX_ERRLEN])
{
    char *tmp = write_temp(path, data, len, 1, err);
    if (!tmp)
        return -1;
    int rc = rename(tmp, path);
    if (rc != 0) {
        snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc == 0 ? 0 : -1;
}

/* ---- staged writes ---- */

void fsx_batch_init(fsx_batch *b)
{
    *b = (fsx_batch){0};
}

int fsx_stage(fsx_batch *b, const char *path, const void *data, size_t len,
              char err[FSX_ERRLEN])
{
    if (b->n == b->cap) {
        int cap = b->cap ? 2 * b->cap : 32;
        fsx_staged *more = realloc(b->files, (size_t)cap * sizeof *more);
        if (!more) {
            snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(ENOMEM));
            return -1;
        }
        b->files = more;
        b->cap = cap;
    }
    char *final = strdup(path), *tmp = final ? write_temp(path, data, len, 0, err) : NULL;
    if (!tmp) {
        if (!final)
            snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(ENOMEM));
        free(final);
        return -1;
    }
    b->files[b->n++] = (fsx_staged){tmp, final, 0};
    return 0;
}

/* syncfs once for each file system the staged files are on. Returns 0 or errno. */
static int sync_file_systems(const fsx_batch *b)
{
    dev_t done[8];
    int ndone = 0;
    for (int i = 0; i < b->n; i++) {
        struct stat st;
        if (stat(b->files[i].tmp, &st) != 0)
            return errno;
        int seen = 0;
        for (int d = 0; d < ndone && !seen; d++)
            seen = done[d] == st.st_dev;
        if (seen)
            continue;
        int fd = open(b->files[i].tmp, O_RDONLY | O_CLOEXEC), rc = fd >= 0 ? syncfs(fd) : -1;
        int e = errno;
        if (fd >= 0)
            close(fd);
        if (rc != 0)
            return e;
        if (ndone < (int)(sizeof done / sizeof *done))
            done[ndone++] = st.st_dev;
    }
    return 0;
}

int fsx_commit(fsx_batch *b, char err[FSX_ERRLEN])
{
    int e = sync_file_systems(b), failed = e != 0;
    if (e != 0)
        snprintf(err, FSX_ERRLEN, "файлы не сохранены на диск: %s", fsx_strerror(e));
    for (int i = 0; i < b->n; i++) {
        fsx_staged *f = &b->files[i];
        f->failed = e != 0 || rename(f->tmp, f->path) != 0;   /* not synced: not put in place */
        if (!f->failed)
            continue;
        if (!failed)
            snprintf(err, FSX_ERRLEN, "%s: %s", f->path, fsx_strerror(errno));
        failed = 1;
        unlink(f->tmp);
    }
    return failed ? -1 : 0;
}

void fsx_batch_clear(fsx_batch *b)
{
    for (int i = 0; i < b->n; i++) {
        free(b->files[i].tmp);
        free(b->files[i].path);
    }
    b->n = 0;
}

void fsx_batch_discard(fsx_batch *b)
{
    for (int i = 0; i < b->n; i++)
        unlink(b->files[i].tmp);
    fsx_batch_clear(b);
    free(b->files);
    *b = (fsx_batch){0};
}

int fsx_append(const char *path, const void *data, size_t len, long long *at, char err[FSX_ERRLEN])
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    off_t end = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
    int ok = end >= 0 && fsx_write_full(fd, data, len) == 0;
    int e = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = 0;
        e = errno;
    }
    if (!ok) {
        /* a short write leaves bytes nobody points at; the next append starts after them */
        snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(e));
        return -1;
    }
    *at = (long long)end;
    return 0;
}

int fsx_read_at(const char *path, long long at, void *dst, size_t len, char err[FSX_ERRLEN])
{
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC), e = fd < 0 ? errno : 0;
    while (fd >= 0 && got < len) {
        ssize_t n = pread(fd, (char *)dst + got, len - got, (off_t)(at + (long long)got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            e = n < 0 ? errno : 0;
            break;
        }
        got += (size_t)n;
    }
    if (fd >= 0)
        close(fd);
    if (fd >= 0 && got == len)
        return 0;
    if (e)
        snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(e));
    else
        snprintf(err, FSX_ERRLEN, "%s: файл короче ожидаемого (нужны байты %lld–%lld)", path, at,
                 at + (long long)len);
    return -1;
}

const char *fsx_host(void)
{
    static char host[65];
    if (!host[0]) {
        char raw[256] = "";
        if (gethostname(raw, sizeof raw - 1) != 0 || !raw[0])
            strcpy(raw, "host");
        size_t i = 0;
        for (; raw[i] && i < sizeof host - 1; i++)
            host[i] = isalnum((unsigned char)raw[i]) || raw[i] == '-' ? raw[i] : '_';
        host[i] = '\0';
    }
    return host;
}

void fsx_spill_path(char *out, size_t cap, const char *dir, long pid)
{
    snprintf(out, cap, "%s/" FSX_SPILL_PREFIX "%s.%ld", dir, fsx_host(), pid);
}

/* The process id that file `name` is named after — the digits ending it right after `marker`
 * (at its start when `at_start`) — or 0. */
static long named_pid(const char *name, const char *marker, int at_start)
{
    size_t lm = strlen(marker);
    for (const char *m = strstr(name, marker); m; m = strstr(m + 1, marker)) {
        if (at_start && m != name)
            return 0;
        const char *d = m + lm;
        char *end;
        errno = 0;
        long pid = strtol(d, &end, 10);
        if (*d >= '0' && *d <= '9' && !*end && !errno && pid > 0 && pid == (long)(pid_t)pid)
            return pid;
    }
    return 0;
}

/* Whether process pid has ended but was not reaped: a zombie, as the workers of a killed run
 * stay in a container whose first process reaps nobody. Linux's /proc. */
static int zombie(long pid)
{
    char path[64], stat[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *state = strrchr(stat, ')');   /* "pid (name) S …": the name may hold anything */
    return state && state[1] == ' ' && (state[2] == 'Z' || state[2] == 'X');
}

/* Whether process pid of this machine is gone: kill answers ESRCH (EPERM is another user's
 * live process), or it is a zombie. */
static int gone(long pid)
{
    if (kill((pid_t)pid, 0) != 0)
        return errno == ESRCH;
    return zombie(pid);
}

/* Calls visit(path, name, ud) on every regular file in dir and, down to `depth` levels, its
 * subdirectories (symbolic links are not followed); returns the sum of what visit returned.
 * The type comes from the directory entry where the file system gives it: a directory of
 * 40,000 sheets is not stat'ed file by file. */
typedef int (*visit_fn)(const char *path, const char *name, void *ud);

static int sweep(const char *dir, int depth, visit_fn visit, void *ud)
{
    char path[4096];
    int sum = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
            continue;
        int reg = e->d_type == DT_REG, sub = e->d_type == DT_DIR;
        struct stat st;
        if (e->d_type == DT_UNKNOWN && lstat(path, &st) == 0) {
            reg = S_ISREG(st.st_mode);
            sub = S_ISDIR(st.st_mode);
        }
        if (reg)
            sum += visit(path, e->d_name, ud);
        else if (sub && depth > 0)
            sum += sweep(path, depth - 1, visit, ud);
    }
    closedir(d);
    return sum;
}

/* What the names of this machine's temporaries hold before the pid: ".tmp.<host>." */
static void temp_marker(char *out, size_t cap)
{
    snprintf(out, cap, ".tmp.%s.", fsx_host());
}

typedef struct temps_of {
    char marker[96];
    long pid;
} temps_of;

static int remove_temp_of(const char *path, const char *name, void *ud)
{
    const temps_of *t = ud;
    return named_pid(name, t->marker, 0) == t->pid && unlink(path) == 0;
}

int fsx_remove_temps(const char *dir, long pid, int depth)
{
    temps_of t = {.pid = pid};
    temp_marker(t.marker, sizeof t.marker);
    return sweep(dir, depth, remove_temp_of, &t);
}

typedef struct orphans {
    char temp[96], spill[96];
    long long bytes;
} orphans;

static int remove_orphan(const char *path, const char *name, void *ud)
{
    orphans *o = ud;
    long pid = named_pid(name, o->spill, 1);
    if (!pid)
        pid = named_pid(name, o->temp, 0);
    struct stat st;
    if (!pid || !gone(pid) || lstat(path, &st) != 0 || unlink(path) != 0)
        return 0;
    o->bytes += (long long)st.st_size;
    return 1;
}

int fsx_remove_orphans(const char *dir, int depth, long long *bytes)
{
    orphans o = {.bytes = 0};
    temp_marker(o.temp, sizeof o.temp);
    snprintf(o.spill, sizeof o.spill, FSX_SPILL_PREFIX "%s.", fsx_host());
    int n = sweep(dir, depth, remove_orphan, &o);
    *bytes += o.bytes;
    return n;
}

int fsx_mkdirs(const char *path, char err[FSX_ERRLEN])
{
    /* every output file asks for its directory: one stat when it is there, not a mkdir per
     * component (each a round trip to the server on a network share) */
    if (fsx_is_dir(path))
        return 0;
    char *p = strdup(path);
    int rc = 0;
    if (!p) {
        snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(ENOMEM));
        return -1;
    }
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                snprintf(err, FSX_ERRLEN, "%s: %s", p, fsx_strerror(errno));
                rc = -1;
                break;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    if (rc == 0 && !fsx_is_dir(path)) {
        snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(ENOTDIR));
        rc = -1;
    }
    free(p);
    return rc;
}
