/* fsx — whole-file reads, atomic writes, mkdir -p; see fsx.h. */
#include "fsx.h"

#include <errno.h>
#include <fcntl.h>
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

int fsx_write_atomic(const char *path, const void *data, size_t len, char err[FSX_ERRLEN])
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    int fd = -1, rc = -1;

    if (!tmp) {
        snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(ENOMEM));
        return -1;
    }
    /* The temporary name starts with the final name so a crash leaves an obvious leftover
     * in the same directory (rename is atomic only within one file system). */
    snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0 || fsx_write_full(fd, data, len) != 0 || fsync(fd) != 0) {
        snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(errno));
        goto done;
    }
    if (close(fd) != 0) {
        fd = -1;
        snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(errno));
        goto done;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        snprintf(err, FSX_ERRLEN, "%s: %s", path, fsx_strerror(errno));
        goto done;
    }
    rc = 0;
done:
    if (fd >= 0)
        close(fd);
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

int fsx_mkdirs(const char *path, char err[FSX_ERRLEN])
{
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
