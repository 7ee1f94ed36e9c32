# Excel "Текст в Юникоде": UTF-16LE with BOM, tab-delimited, CRLF (names hold no commas)
{ printf '\377\376'; tr ',' '\t' < schools.csv | sed 's/$/\r/' | iconv -f UTF-8 -t UTF-16LE; } > x && mv x schools.csv
