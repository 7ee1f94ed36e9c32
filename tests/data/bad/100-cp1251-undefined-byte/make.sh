# schools.csv in Windows-1251 with byte 0x98 (undefined in Windows-1251) at line 3, column 148
sed '3s/,Козлов/,@@Козлов/' schools.csv | iconv -f UTF-8 -t CP1251 | LC_ALL=C sed "s/@@/$(printf '\230')/" > x && mv x schools.csv
