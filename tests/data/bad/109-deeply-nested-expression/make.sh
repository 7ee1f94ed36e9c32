# targets.csv line 5: a source expression nested 1000 brackets deep
deep=$(awk 'BEGIN { for (i = 0; i < 1000; i++) printf "("; printf "1"; for (i = 0; i < 1000; i++) printf ")" }')
sed "5s/,\"positive_dynamics_share(\"\"ОГЭ\"\", \"\"Математика\"\")\",/,$deep,/" targets.csv > x && mv x targets.csv
