# otchet — build, run, test, install.
#
#   make run      build, then write every report for the sample dataset into out/
#   make test     build and run every test (unit, Lua, end-to-end)
#   make DEBUG=1  debug flavour (-O0 -g3), objects in build/debug, binary build/debug/otchet
#   make SAN=1    ASan + UBSan flavour, objects in build/san, binary build/san/otchet
#   make install PREFIX=/usr/local DESTDIR=
#
# Both `run` and `test` first install the Debian packages that are missing (.ci/deps).

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
SAMPLE  ?= samples/kedrovsky
VERSION := 0.1.0

ifeq ($(SAN),1)
  FLAVOR := san
  OPT    := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDOPT  := -fsanitize=address,undefined
else ifeq ($(DEBUG),1)
  FLAVOR := debug
  OPT    := -O0 -g3
else
  FLAVOR := release
  OPT    := -O2 -g
endif

BUILD := build/$(FLAVOR)
# make V=1 shows the full commands
Q := $(if $(V),,@)
ifeq ($(FLAVOR),release)
  BIN := otchet
else
  BIN := $(BUILD)/otchet
endif

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wwrite-strings -Werror
CFLAGS   := -std=c11 $(OPT) $(WARN) -MMD -MP
CPPFLAGS := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -I/usr/include/lua5.4 \
            -DOTCHET_VERSION='"$(VERSION)"' -DOTCHET_DATADIR='"$(PREFIX)/share/otchet"'
LDLIBS   := -lhpdf -lcsv -llua5.4 -lhyphen -lz -lm

# Engine core: no Lua here, each module testable with cmocka alone.
CORE_SRC   := src/buf.c src/text.c src/diag.c src/fsx.c src/csvfile.c src/table.c src/load.c src/proc.c src/sha256.c src/pool.c src/phase.c src/stop.c
# Layout and PDF engine: no Lua here either.
LAYOUT_SRC := src/ttf.c src/font.c src/pdfops.c src/pdf.c src/pdfpart.c src/hyph.c src/para.c src/grid.c src/chart.c src/layout.c
# Lua host and bindings.
LUA_SRC    := src/lrt.c src/bytes_lua.c src/table_lua.c src/engine_lua.c src/layout_lua.c
MAIN_SRC   := src/main.c

ENGINE_OBJ := $(patsubst src/%.c,$(BUILD)/%.o,$(CORE_SRC) $(LAYOUT_SRC) $(LUA_SRC))
MAIN_OBJ   := $(patsubst src/%.c,$(BUILD)/%.o,$(MAIN_SRC))

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(sort $(wildcard tests/unit/test_*.c)))

.PHONY: all deps deps-test run test unit install clean test-memory
all: $(BIN)

deps:
	@sh .ci/deps build
deps-test:
	@sh .ci/deps test

# Linked under a temporary name, then renamed: a running ./otchet is never overwritten in place.
$(BIN): $(ENGINE_OBJ) $(MAIN_OBJ) | deps
	@echo "LD  $@"
	$(Q)$(CC) $(LDOPT) -o $@.tmp $^ $(LDLIBS)
	$(Q)mv -f $@.tmp $@

$(BUILD)/%.o: src/%.c Makefile | deps
	@mkdir -p $(dir $@)
	@echo "CC  $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(ENGINE_OBJ) Makefile | deps-test
	@mkdir -p $(dir $@)
	@echo "CC  $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDOPT) -o $@ $< $(ENGINE_OBJ) $(LDLIBS) -lcmocka

run: $(BIN) fonts
	./$(BIN) all --data $(SAMPLE) --out out

unit: $(UNIT_TESTS)

test: deps-test $(BIN) fonts $(UNIT_TESTS) $(if $(filter release,$(FLAVOR)),fuzz-build)
	@OTCHET=./$(BIN) UNIT_TESTS="$(UNIT_TESTS)" FUZZ=$(if $(filter release,$(FLAVOR)),1) sh tests/run.sh

# The unit and end-to-end suites again under ASan + UBSan, and valgrind over `check` and over
# every report on the sample: memory errors and leaks fail CI (.ci/run runs this after `make test`).
test-memory: deps-test
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp $(MAKE) SAN=1 test
	valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
	  ./$(BIN) check --data $(SAMPLE) >/dev/null
	valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
	  --suppressions=tests/valgrind.supp ./$(BIN) all --data $(SAMPLE) --out build/valgrind-out >/dev/null

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/otchet
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/otchet
	cp -R lua reports fonts $(DESTDIR)$(PREFIX)/share/otchet/

clean:
	rm -rf build otchet

-include $(ENGINE_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)

# ---- fonts (layout engine) ---------------------------------------------------------------------
# Generated, git-ignored subsets of Debian's Liberation 2.1.5 under the renamed families
# OtchetSerif / OtchetSans (OFL Reserved Font Name). See fonts/README.md.
LIBERATION    := /usr/share/fonts/truetype/liberation2
FONT_RANGES   := U+0020-007E,U+00A0-017F,U+0300-036F,U+0400-052F,U+2000-206F,U+20A0-20BF
FONT_SYMBOLS  := U+2116,U+2122,U+2190-2195,U+2212,U+2248,U+2260,U+2264-2265
FONT_UNICODES := $(FONT_RANGES),$(FONT_SYMBOLS)
FONTS := $(foreach s,Regular Bold Italic BoldItalic,fonts/OtchetSerif-$(s).ttf) \
         $(foreach s,Regular Bold,fonts/OtchetSans-$(s).ttf)

.PHONY: fonts
fonts: $(FONTS)
all: fonts
$(UNIT_TESTS): | fonts

fonts/OtchetSerif-%.ttf: $(LIBERATION)/LiberationSerif-%.ttf fonts/fontprep.py | deps
	pyftsubset $< --unicodes='$(FONT_UNICODES)' --layout-features='' --drop-tables+=GSUB,GPOS,GDEF --no-hinting \
	  --notdef-outline --name-IDs='*' --output-file=$@.tmp
	/usr/bin/python3 fonts/fontprep.py $@.tmp $@ OtchetSerif $*
	@rm -f $@.tmp
fonts/OtchetSans-%.ttf: $(LIBERATION)/LiberationSans-%.ttf fonts/fontprep.py | deps
	pyftsubset $< --unicodes='$(FONT_UNICODES)' --layout-features='' --drop-tables+=GSUB,GPOS,GDEF --no-hinting \
	  --notdef-outline --name-IDs='*' --output-file=$@.tmp
	/usr/bin/python3 fonts/fontprep.py $@.tmp $@ OtchetSans $*
	@rm -f $@.tmp
# ---- end fonts ---------------------------------------------------------------------------------

# ---- layout benchmark (see bench/layout_bench.c) -----------------------------------------------
.PHONY: bench-layout
bench-layout: $(BUILD)/bench/layout_bench | fonts
	./$(BUILD)/bench/layout_bench
$(BUILD)/bench/layout_bench: bench/layout_bench.c $(ENGINE_OBJ) Makefile | deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDOPT) -o $@ $< $(ENGINE_OBJ) $(LDLIBS)
# ---- end layout benchmark ----------------------------------------------------------------------

# ---- fuzzing (libFuzzer with clang; tests/fuzz) ------------------------------------------------
# make fuzz-build builds the targets; make fuzz runs each for FUZZ_SECONDS (default 600); make
# test runs a 5-second smoke of each (tests/run.sh, release flavour only).
FUZZ_TARGETS := csv text para table
FUZZ_OBJ     := $(patsubst src/%.c,build/fuzz/%.o,$(CORE_SRC) $(LAYOUT_SRC))
FUZZ_BIN     := $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_TARGETS))
FUZZ_CFLAGS  := -std=c11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BIN)
fuzz: fuzz-build fonts
	sh tests/fuzz/run.sh long
build/fuzz/%.o: src/%.c Makefile | deps-test
	@mkdir -p $(dir $@)
	@echo "CC  $< (fuzz)"
	$(Q)clang $(CPPFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ) Makefile | deps-test
	@echo "LD  $@"
	$(Q)clang $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LDLIBS)
# ---- end fuzzing -------------------------------------------------------------------------------

# ---- benchmark: make bench (see bench/run.sh; issue 6) -----------------------------------------
# Datasets at 50, 1,000 and 40,000 schools (cached in build/bench/data), every report, school
# sheets with 1 and 2 jobs, a ReportLab peer and a libharu floor; the table goes to stdout and
# build/bench/results.md. BENCH_SCALES="50 1000" limits the scales; BENCH_RUNS sets the repeats.
BENCH_BIN := $(BUILD)/bench
.PHONY: bench deps-bench
deps-bench:
	@sh .ci/deps bench
bench: deps-bench $(BIN) fonts $(BENCH_BIN)/gen_dataset $(BENCH_BIN)/ingest_bench $(BENCH_BIN)/floor \
		$(BENCH_BIN)/floor_haru
	BENCH_BIN=$(BENCH_BIN) sh bench/run.sh
$(BENCH_BIN)/gen_dataset: bench/gen_dataset.c Makefile | deps
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(OPT) $(WARN) -o $@ $<
$(BENCH_BIN)/ingest_bench: bench/ingest_bench.c $(ENGINE_OBJ) Makefile | deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDOPT) -o $@ $< $(ENGINE_OBJ) $(LDLIBS)
$(BENCH_BIN)/floorkit.o: bench/floorkit.c Makefile | deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
$(BENCH_BIN)/floor $(BENCH_BIN)/floor_haru: $(BENCH_BIN)/%: bench/%.c $(BENCH_BIN)/floorkit.o \
		$(ENGINE_OBJ) Makefile | deps fonts
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDOPT) -o $@ $< $(BENCH_BIN)/floorkit.o $(ENGINE_OBJ) $(LDLIBS)
-include $(BENCH_BIN)/ingest_bench.d $(BENCH_BIN)/floor.d $(BENCH_BIN)/floor_haru.d \
	$(BENCH_BIN)/floorkit.d
# ---- end benchmark -----------------------------------------------------------------------------
