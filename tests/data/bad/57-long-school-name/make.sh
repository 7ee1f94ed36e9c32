# school 104 gets a 2900-character full name and a 580-character short name (valid)
long=$(awk 'BEGIN { for (i = 0; i < 100; i++) printf "Сосновская школа %02d ", i }')
short=$(awk 'BEGIN { for (i = 0; i < 20; i++) printf "Сосновская школа %02d ", i }')
awk -v n="$long" -v s="$short" -F, 'BEGIN { OFS = "," } NR == 5 { $2 = n; $3 = s } { print }' schools.csv > x && mv x schools.csv
