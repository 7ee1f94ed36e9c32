# the first bytes of an .xlsx (a zip) saved under the .csv name
printf 'PK\003\004\024\000\006\000\010\000\000\000!\000[Content_Types].xml' > results.csv
head -c 2000 /dev/zero | tr '\0' 'x' >> results.csv
