/* libFuzzer target: the CSV loader — encoding detection, delimiter sniffing, strict parsing
 * with line counting, typed cells. The input is written to a file because the loader reads
 * files; the first byte picks the column types. Nothing may crash, hang or leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "csvfile.h"
#include "load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/otchet-fuzz-csv.%ld", (long)getpid());
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    cf_file f;
    char **fields = NULL;
    int n = 0;
    if (cf_open(&f, path, 1 << 20) == 0 && load_header(&f, &fields, &n) == 0) {
        static const char *names[] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};
        load_colspec spec[8];
        int k = n < 8 ? n : 8;
        unsigned pick = size ? data[0] : 0;
        for (int i = 0; i < k; i++) {
            spec[i] = (load_colspec){i, names[i], names[i], (tbl_type)((pick >> i) % 4),
                                     (int)((pick >> (i + 2)) & 1), 1, 1, 0, 1000};
        }
        tbl *t = NULL;
        diag_list d = {0};
        if (load_table(&f, spec, k, n, &t, &d) == 0) {
            int keys[2] = {0, k > 1 ? 1 : 0};
            size_t *dup, *orig;
            long nd = k ? tbl_duplicates(t, keys, k > 1 ? 2 : 1, &dup, &orig) : 0;
            if (nd >= 0 && k) {
                free(dup);
                free(orig);
            }
        }
        tbl_free(t);
        diag_free(&d);
    }
    load_free_header(fields, n);
    cf_close(&f);
    unlink(path);
    return 0;
}
