# schools.csv as Excel writes it with a delimiter hint: a first line "sep=;" then ';' fields
{ printf 'sep=;\r\n'; awk -F, 'BEGIN { OFS = ";" } { $1 = $1; printf "%s\r\n", $0 }' schools.csv; } > x && mv x schools.csv
