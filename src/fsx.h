/* fsx — file system helpers: read a whole file, write a file atomically, make directories.
 * Errors come back as a code plus a Russian message in a caller's buffer. Uses POSIX only. */
#ifndef OTCHET_FSX_H
#define OTCHET_FSX_H
#include <stddef.h>

#define FSX_ERRLEN 512

/* Reads all of `path` into *out (malloc'd, NUL-terminated, caller frees) and its length.
 * Refuses files larger than `max` bytes. Returns 0, or -1 with `err` filled. */
int fsx_read_all(const char *path, size_t max, char **out, size_t *len, char err[FSX_ERRLEN]);

/* Writes `len` bytes to `path` through a temporary file in the same directory, fsync, then
 * rename: readers see the old file or the whole new one, never a part. Returns 0 or -1. */
int fsx_write_atomic(const char *path, const void *data, size_t len, char err[FSX_ERRLEN]);

/* Staged writes: many files made durable with one sync. fsx_stage writes a file's temporary
 * (no fsync); fsx_commit syncs the file systems they are on (syncfs, once each) and only then
 * renames every one onto its path — the same guarantee as fsx_write_atomic (a reader sees the
 * old file or the whole new one, on disk), for one flush per batch instead of one per file.
 * After fsx_commit, each file's `failed` says whether it reached its path (on a failed sync
 * none does, and their temporaries are removed); fsx_batch_clear then empties the batch.
 * fsx_batch_discard removes the temporaries of files never committed and frees the batch. */
typedef struct fsx_staged {
    char *tmp, *path;         /* owned */
    int failed;
} fsx_staged;

typedef struct fsx_batch {
    fsx_staged *files;        /* owned */
    int n, cap;
} fsx_batch;

void fsx_batch_init(fsx_batch *b);
/* Returns 0, or -1 with err (nothing staged, no temporary left). */
int fsx_stage(fsx_batch *b, const char *path, const void *data, size_t len, char err[FSX_ERRLEN]);
/* Returns 0, or -1 with err naming the first failure (files[i].failed tells which). */
int fsx_commit(fsx_batch *b, char err[FSX_ERRLEN]);
void fsx_batch_clear(fsx_batch *b);
void fsx_batch_discard(fsx_batch *b);

/* Writes all n bytes of p to fd, retrying short writes and EINTR. Returns 0 or -1 (errno). */
int fsx_write_full(int fd, const void *p, size_t n);

/* Spill files: bytes a process sets aside on disk while it works, to be read back by offset
 * (by it or by another process) and removed by whoever used them last. fsx_spill_path names
 * process pid's in dir: "<dir>/.otchet-parts.<host>.<pid>". fsx_append adds len bytes at the
 * end of `path` (made 0600 if absent) and sets *at to their offset; fsx_read_at reads len bytes
 * from offset `at` into dst. Both return 0, or -1 with err. */
#define FSX_SPILL_PREFIX ".otchet-parts."
void fsx_spill_path(char *out, size_t cap, const char *dir, long pid);
int fsx_append(const char *path, const void *data, size_t len, long long *at, char err[FSX_ERRLEN]);
int fsx_read_at(const char *path, long long at, void *dst, size_t len, char err[FSX_ERRLEN]);

/* Temporaries (fsx_stage, fsx_write_atomic) are named "<final name>.tmp.<host>.<pid>" and spill
 * files after their process too, with this machine's name: letters, digits, '-' and '_' of
 * its host name (at most 64; "host" when it has none). A directory shared by machines running
 * shards then never has two processes' names meet, and a process of this machine that is gone
 * is known for one. */
const char *fsx_host(void);

/* Removes the temporaries that process `pid` of this machine left in dir and its
 * subdirectories (down to `depth` levels; symbolic links are not followed), which a process
 * killed before it committed or discarded leaves behind. Best effort; returns the number
 * removed. */
int fsx_remove_temps(const char *dir, long pid, int depth);

/* Removes what processes of this machine that no longer run (gone, or zombies nobody reaped)
 * left in dir and its subdirectories down to `depth` levels: the spill files and temporaries
 * of a run killed outright (kill -9, the OOM killer), which no handler of theirs removed.
 * Adds the files' sizes to *bytes; returns the number removed. */
int fsx_remove_orphans(const char *dir, int depth, long long *bytes);

/* Creates `path` and its parents (mode 0777 & umask). Returns 0 or -1 with `err`. */
int fsx_mkdirs(const char *path, char err[FSX_ERRLEN]);

/* A short Russian description of errno value `e`. */
const char *fsx_strerror(int e);

/* 1 if `path` exists and is a directory / a regular file. */
int fsx_is_dir(const char *path);
int fsx_is_file(const char *path);

#endif
