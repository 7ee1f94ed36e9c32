/* phase — where a process's time goes: wall and CPU seconds per phase of a run (loading the
 * CSV files, checking them, the reports' indicators, layout and PDF, files), written when the
 * process ends to the file $OTCHET_TIMINGS names. For `make bench` and for anyone asking why a
 * run is slow; outputs do not depend on it. Off unless phase_init got a path: a switch is then
 * one test. Uses only libc. Process-wide state: one clock per process (a forked worker starts
 * its own with phase_forked). */
#ifndef OTCHET_PHASE_H
#define OTCHET_PHASE_H

typedef enum {
    PHASE_OTHER,    /* start-up, fonts, the runner's own work, exit */
    PHASE_LOAD,     /* reading and parsing CSV files (C) */
    PHASE_CHECK,    /* checking the dataset against the data contract */
    PHASE_PREPARE,  /* a report's indicators over the whole dataset (prepare) */
    PHASE_BUILD,    /* a report's indicators and texts for one document (build, combine) */
    PHASE_LAYOUT,   /* line breaking, pagination, drawing, the PDF writer (C) */
    PHASE_FILES,    /* staging, hashing, committing and writing output files */
    PHASE_WAIT,     /* waiting for worker processes */
    PHASE_COUNT
} phase_id;

/* Starts counting when path is a non-empty string: from now on time goes to PHASE_OTHER. */
void phase_init(const char *path);

/* Whether phase_init started counting. */
int phase_on(void);

/* Time from now on goes to p; returns the phase it went to until now. */
phase_id phase_enter(phase_id p);

/* In a process just forked from a counting one: forget the parent's figures and count this
 * process's time from now on, as `role` (a short word, e.g. "worker"). */
void phase_forked(const char *role);

/* Appends this process's figures to the file: one line per phase with time in it,
 * "role<TAB>pid<TAB>phase<TAB>wall seconds<TAB>CPU seconds", in one write (lines of several
 * processes do not interleave). Best effort: a failure is not reported. */
void phase_write(void);

/* The phase's name as phase_write prints it ("load", "check", …); phase_by_name is its inverse
 * (PHASE_COUNT for an unknown name). */
const char *phase_name(phase_id p);
phase_id phase_by_name(const char *name);

#endif
