# roadmap.csv is a directory
rm roadmap.csv && mkdir roadmap.csv
