# a roadmap measure of 2000 characters with commas, quotes and a line break (valid)
t=$(awk 'BEGIN { s = ""; while (length(s) < 1990) s = s "Мероприятие «тест», этап; "; print substr(s, 1, 1990) }')
{ cat roadmap.csv; printf 'Фактор,Цель,Задача,Результат,"%s ""x""\nконец",сроки,показатель,ответственные\n' "$t"; } > x && mv x roadmap.csv
