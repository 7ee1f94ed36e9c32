/* gen_dataset — writes a deterministic, valid dataset of N schools × 3 years in the data
 * contract, for benchmarks: schools, ВПР results, ОГЭ/ЕГЭ participants and the results that
 * aggregate them exactly (so validation finds nothing), and the optional files every report
 * reads (risks, roadmap, targets, measures). Same arguments → same bytes.
 * Usage: gen_dataset N_SCHOOLS OUT_DIR [OGE_PER_SCHOOL]   (default 25 ninth-graders). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long long rng = 88172645463325252ull;

static unsigned rnd(unsigned n) /* xorshift64: deterministic across platforms */
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* A second stream for the optional files, so adding them left the older files' bytes alone. */
static unsigned long long rng2 = 2463534242ull * 2654435761ull;

static unsigned rnd2(unsigned n)
{
    rng2 ^= rng2 << 13;
    rng2 ^= rng2 >> 7;
    rng2 ^= rng2 << 17;
    return (unsigned)(rng2 % n);
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    if (!fp) {
        fprintf(stderr, "gen_dataset: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    return fp;
}

/* Splits n participants into marks 2..5 with a school-specific weakness. */
static void split_marks(int n, int weak, int m[4])
{
    m[0] = m[1] = m[2] = m[3] = 0;
    for (int i = 0; i < n; i++) {
        unsigned r = rnd(100);
        int k = r < (unsigned)(5 + weak) ? 0 : r < 50 ? 1 : r < 85 ? 2 : 3;
        m[k]++;
    }
}

static const char *electives[] = {"Обществознание", "Биология", "География", "Информатика"};

static int mark_of(int score, int max) /* ОГЭ primary score → mark */
{
    int pct = score * 100 / max;
    return pct < 30 ? 2 : pct < 55 ? 3 : pct < 80 ? 4 : 5;
}

/* One exam of one school and year: a row per participant (codes P<year>-<school>-<k>, the
 * same child keeps its code across exams), then the results row that aggregates them. */
static void exam(FILE *res, FILE *par, int year, const char *proc, const char *subj, int grade,
                 int school, int first, int n, int weak)
{
    int ege = strcmp(proc, "ЕГЭ") == 0;
    int marks = !ege || strcmp(subj, "Математика (базовая)") == 0;
    int scored = !(ege && marks), minimum = strcmp(subj, "Русский язык") == 0 ? 24 : 27;
    int m[4] = {0, 0, 0, 0}, below = 0, high = 0;
    double sum = 0;
    for (int k = first; k < first + n; k++) {
        int score = ege ? 20 + (int)rnd(79) - weak / 2 : (int)rnd(33);
        if (score < 0)
            score = 0;
        int mark = !marks ? 0 : ege ? 2 + (int)rnd(4) : mark_of(score, 32);
        if (mark)
            m[mark - 2]++;
        below += ege && scored && score < minimum;
        high += ege && scored && score > 80;
        sum += score;
        fprintf(par, "%d,%s,%s,%d,P%d-%d-%d,", year, proc, subj, school, year, school, k);
        if (scored)
            fprintf(par, "%d", score);
        fprintf(par, mark ? ",%d\n" : ",\n", mark);
    }
    fprintf(res, "%d,%s,%s,%d,%d,%d,", year, proc, subj, grade, school, n);
    if (marks)
        fprintf(res, "%d,%d,%d,%d,", m[0], m[1], m[2], m[3]);
    else
        fprintf(res, ",,,,");
    if (scored && n)
        fprintf(res, "%.1f", sum / n);
    if (ege && scored)
        fprintf(res, ",%d,%d,,,\n", below, high);
    else
        fprintf(res, ",,,,,\n");
}

/* The default risk-profile catalogue (DESIGN.md). */
static const char *factors[] = {
    "низкий уровень оснащения школы", "дефицит педагогических кадров",
    "недостаточная предметная и методическая компетентность педагогических работников",
    "риски низкой адаптивности учебного процесса",
    "несформированность внутришкольной системы повышения квалификации",
    "низкое качество преодоления языковых и культурных барьеров",
    "несформированность внутришкольной системы оценки качества образования",
    "высокая доля обучающихся с рисками учебной неуспешности",
    "низкий уровень вовлечённости родителей",
    "пониженный уровень качества школьной образовательной и воспитательной среды",
    "высокая доля обучающихся с ОВЗ", "низкая учебная мотивация обучающихся"};
#define NFACTORS 12

/* risks.csv: one to four distinct factors per school and year. */
static void risks(const char *dir, int n)
{
    static const char *levels[] = {"высокий", "средний", "низкий"};
    FILE *r = open_out(dir, "risks.csv");
    fprintf(r, "year,school_id,factor,level\n");
    for (int year = 2022; year <= 2024; year++)
        for (int i = 0; i < n; i++) {
            int k = 1 + (int)rnd2(4), first = (int)rnd2(NFACTORS);
            for (int j = 0; j < k; j++)
                fprintf(r, "%d,%d,%s,%s\n", year, 100000 + i, factors[(first + j * 5) % NFACTORS],
                        levels[rnd2(3)]);
        }
    fclose(r);
}

/* roadmap.csv: per factor a goal, two tasks and two measures per task (48 rows). */
static void roadmap(const char *dir)
{
    static const char *when[] = {"январь 2023 г.", "март 2023 г., далее ежегодно",
                                 "сентябрь 2023 г., сентябрь 2024 г.", "в течение 2023–2025 гг."};
    FILE *r = open_out(dir, "roadmap.csv");
    fprintf(r, "factor,goal,task,result,measure,deadline,indicator,responsible\n");
    for (int f = 0; f < NFACTORS; f++)
        for (int t = 1; t <= 2; t++)
            for (int m = 1; m <= 2; m++)
                fprintf(r, "%s,\"Снижение влияния фактора риска: %s, в школах с низкими результатами\","
                           "%d. Организовать методическое сопровождение школ по направлению %d.%d,"
                           "\"Во всех ШНОР разработаны и реализуются меры, доля охваченных педагогов не менее 90 %%\","
                           "\"%d. Семинар-практикум для управленческих команд ШНОР, консультации кураторов, анализ результатов\","
                           "\"%s\",\"Доля ШНОР, принявших участие: 100 %%\",\"Иванова И.И., руководители ОО\"\n",
                        factors[f], factors[f], t, f + 1, t, m, when[(f + t + m) % 4]);
    fclose(r);
}

/* targets.csv (measured and computed indicators) and measures.csv (district and school rows). */
static void targets(const char *dir, int n)
{
    FILE *t = open_out(dir, "targets.csv");
    fprintf(t, "code,section,name,unit,source,target_2023,target_2024,target_2025\n"
               "1.1,1. Управление,Наличие муниципальной программы повышения качества образования,да-нет,measure,да,да,да\n"
               "3.3,3. Программы,\"Доля ШНОР, в которых утверждена школьная программа повышения качества образования\",%%,measure,100,100,100\n"
               "6.7,6. Сетевое взаимодействие,Число сетевых пар «школа-лидер — ШНОР»,шт.,measure,4,6,8\n"
               "8.1,8. Результаты,\"Доля ШНОР с положительной динамикой по ОГЭ, математика\",%%,\"positive_dynamics_share(\"\"ОГЭ\"\", \"\"Математика\"\")\",30,50,70\n"
               "8.3,8. Результаты,\"Доля ШНОР с положительной динамикой по ВПР, математика, 5 класс\",%%,\"positive_dynamics_share(\"\"ВПР\"\", \"\"Математика\"\", 5)\",30,50,70\n"
               "9.1,9. Результаты,\"Доля участников ОГЭ с суммой отметок не менее 12\",%%,oge_marks_sum_share(12),80,82,84\n"
               "9.2,9. Результаты,\"Доля участников ЕГЭ, преодолевших минимальный порог по всем предметам\",%%,ege_all_above_min_share(),82,84,86\n");
    fclose(t);
    FILE *m = open_out(dir, "measures.csv");
    fprintf(m, "year,school_id,indicator,numerator,denominator,value\n");
    for (int year = 2023; year <= 2024; year++) {
        fprintf(m, "%d,,1.1,,,1\n%d,,6.7,,,%d\n", year, year, 3 + (int)rnd2(5));
        for (int i = 0; i < n; i += 7)
            fprintf(m, "%d,%d,3.3,%d,1,\n", year, 100000 + i, rnd2(10) ? 1 : 0);
    }
    fclose(m);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: gen_dataset N_SCHOOLS OUT_DIR [OGE_PER_SCHOOL]\n");
        return 2;
    }
    int n = atoi(argv[1]), oge = argc > 3 ? atoi(argv[3]) : 25;
    const char *dir = argv[2];
    mkdir(dir, 0777);
    FILE *d = open_out(dir, "district.csv");
    fprintf(d, "key,value\norg_name,Министерство образования (тестовый регион)\norg_short,Минобр\n"
               "region,Тестовый край\nmunicipality,Тестовый регион\nplace,г. Тестовск\n"
               "head_position,Министр образования\nhead_name,И.И. Иванов\n"
               "program_name,Программа повышения качества образования\nprogram_years,2023-2025\n"
               "report_year,2024\n"
               "org_requisites,\"ул. Ленина, д. 1, г. Тестовск, 660000; тел. (391) 200-00-00\"\n"
               "executor_name,Петрова Анна Сергеевна\nexecutor_phone,8 (391) 200-00-01\n"
               "order_date,02.09.2024\norder_number,214\n");
    fclose(d);
    FILE *s = open_out(dir, "schools.csv");
    fprintf(s, "school_id,name,short_name,kind,locality,director,students,teachers,students_ovz,partner_id,status\n");
    for (int i = 0; i < n; i++) {
        int id = 100000 + i;
        char partner[16] = "";
        if (i % 7 == 0 && i + 1 < n)
            snprintf(partner, sizeof partner, "%d", id + 1);
        fprintf(s, "%d,Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № %d»,"
                   "МБОУ «СШ № %d»,СОШ,%s,Иванов И.И.,%d,%d,%d,%s,%s\n",
                id, i + 1, i + 1, i % 3 ? "село" : "город", 80 + (int)rnd(900), 10 + (int)rnd(60),
                (int)rnd(30), partner, i % 7 == 0 ? "ШНОР" : "");
    }
    fclose(s);
    FILE *res = open_out(dir, "results.csv"), *par = open_out(dir, "participants.csv");
    fprintf(res, "year,procedure,subject,grade,school_id,participants,m2,m3,m4,m5,mean_score,below_min,high_score,lowered,confirmed,raised\n");
    fprintf(par, "year,procedure,subject,school_id,participant,score,mark\n");
    for (int year = 2022; year <= 2024; year++) {
        for (int i = 0; i < n; i++) {
            int id = 100000 + i, weak = (int)rnd(30);
            for (int g = 4; g <= 8; g++) {
                for (int subj = 0; subj < 2; subj++) {
                    int p = 10 + (int)rnd(50), m[4];
                    split_marks(p, weak, m);
                    int low = (int)rnd((unsigned)p / 4 + 1), raised = (int)rnd((unsigned)(p - low) / 8 + 1);
                    fprintf(res, "%d,ВПР,%s,%d,%d,%d,%d,%d,%d,%d,,,,%d,%d,%d\n", year,
                            subj ? "Русский язык" : "Математика", g, id, p, m[0], m[1], m[2], m[3],
                            low, p - low - raised, raised);
                }
            }
            int n9 = oge / 2 + (int)rnd((unsigned)oge), n11 = n9 / 2;
            int e1 = (int)rnd(4), e2 = (e1 + 1 + (int)rnd(3)) % 4;
            exam(res, par, year, "ОГЭ", "Математика", 9, id, 0, n9, weak);
            exam(res, par, year, "ОГЭ", "Русский язык", 9, id, 0, n9, weak);
            exam(res, par, year, "ОГЭ", electives[e1], 9, id, 0, n9, weak);
            exam(res, par, year, "ОГЭ", electives[e2], 9, id, 0, n9, weak);
            exam(res, par, year, "ЕГЭ", "Русский язык", 11, id, 1000, n11, weak);
            exam(res, par, year, "ЕГЭ", "Математика (профильная)", 11, id, 1000, n11 / 2, weak);
            exam(res, par, year, "ЕГЭ", "Математика (базовая)", 11, id, 1000 + n11 / 2, n11 - n11 / 2, weak);
        }
    }
    fclose(res);
    fclose(par);
    risks(dir, n);
    roadmap(dir);
    targets(dir, n);
    return 0;
}
