# a valid roadmap line of 8 cells × 200 KiB = 1.6 MiB (no cell over the limit)
cell() { head -c 204800 /dev/zero | tr '\0' 'y'; }
{ cat roadmap.csv; for i in 1 2 3 4 5 6 7; do cell; printf ','; done; cell; printf '\n'; } > x && mv x roadmap.csv
