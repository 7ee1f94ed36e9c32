# a NUL byte inside the director's name of school 102 (line 3): «Коз\0лов»
{ head -n 2 schools.csv
  sed -n 3p schools.csv | sed 's/злов.*//' | tr -d '\n'
  printf '\000'
  sed -n 3p schools.csv | sed 's/.*Ко\(злов\)/\1/'
  tail -n +4 schools.csv; } > x && mv x schools.csv
