# results.csv is a directory (a botched unzip)
rm results.csv && mkdir results.csv
