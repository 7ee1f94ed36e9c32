# 600 ВПР rows of school 102, each with grade "5 кл." (one bad cell each, distinct subjects)
awk 'BEGIN { for (i = 1; i <= 600; i++) printf "2022,ВПР,Предмет %d,5 кл.,102,10,1,3,4,2,,,,,,\n", i }' >> results.csv
