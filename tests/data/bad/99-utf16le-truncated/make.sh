# a UTF-16LE export cut off in the middle of a character (odd length)
{ printf '\377\376'; tr ',' '\t' < schools.csv | iconv -f UTF-8 -t UTF-16LE; } > x
head -c $(($(wc -c < x) - 1)) x > schools.csv && rm x
