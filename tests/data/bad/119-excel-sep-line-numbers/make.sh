# "sep=," first, then a bad number of students on the third school: its physical line is 5
{ printf 'sep=,\n'; awk -F, 'BEGIN { OFS = "," } NR == 4 { $8 = "много" } { print }' schools.csv; } > x && mv x schools.csv
