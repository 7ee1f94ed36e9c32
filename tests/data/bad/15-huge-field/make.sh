# one roadmap cell of 1.5 MiB (quoted), over the 1 MiB limit
{ cat roadmap.csv; printf 'Фактор,Цель,Задача,Результат,"'; head -c 1572864 /dev/zero | tr '\0' 'a'; printf '",сроки,показатель,ответственные\n'; } > x && mv x roadmap.csv
