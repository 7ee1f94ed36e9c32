# the name of school 102 spans three physical lines; school 104 (now on line 7) has a bad count
awk 'NR == 3 { sub(/Муниципальное бюджетное общеобразовательное учреждение /, "\"Муниципальное бюджетное\nобщеобразовательное\nучреждение ") ; sub(/№ 2»,/, "№ 2»\",") } NR == 5 { sub(/,188,/, ",сто,") } { print }' schools.csv > x && mv x schools.csv
