# results.csv with ';' and decimal commas
awk -F, 'BEGIN { OFS = ";" } { $1 = $1; print }' results.csv | sed 's/;\([0-9][0-9]*\)\.\([0-9]\);/;\1,\2;/' > x && mv x results.csv
