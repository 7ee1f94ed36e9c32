# a data row of 100 000 fields in risks.csv (line 3)
{ head -n 2 risks.csv; awk 'BEGIN { printf "2024,104,дефицит педагогических кадров,средний"; for (i = 5; i <= 100000; i++) printf ",x"; printf "\n" }'; } > x && mv x risks.csv
