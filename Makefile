# prismac — build, test, bench, fuzz, demo, install.
# Generated sources (re2c, Lemon) go to $(BUILD); nothing generated is committed.

CC       ?= cc
RE2C     ?= re2c
LEMON    ?= lemon
LEMPAR   ?= /usr/share/lemon/lempar.c
PREFIX   ?= /usr/local

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD    ?= build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT      ?= -O1 -g
else
BUILD    ?= build
SANFLAGS :=
OPT      ?= -O2 -g
endif

PG_CFLAGS := -I$(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
CFLAGS   ?= $(OPT)
CFLAGS   += -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -D_DEFAULT_SOURCE \
            -Iinclude -Isrc -I$(BUILD)/gen $(SANFLAGS)
LDFLAGS  += $(SANFLAGS)
LIBS     := -ljansson -lsqlite3 -lpq -lcrypto -lpthread
# prismac itself loads libpq, libsqlite3 and libcrypto when a command first needs them
# (src/pqlib.h, sqlitelib.h, cryptolib.h): not linked, they cost nothing to the commands that
# never do.
BIN_LIBS := $(filter-out -lpq -lsqlite3 -lcrypto,$(LIBS)) -ldl

LIB_SRCS := $(wildcard src/*.c)
CLI_SRCS := $(wildcard src/cli/*.c)
GEN_SRCS := $(BUILD)/gen/lexer.c $(BUILD)/gen/parser.c
LIB_OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS)) $(BUILD)/obj/lexer.o $(BUILD)/obj/parser.o
CLI_OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(CLI_SRCS))
LIB      := $(BUILD)/libprismac.a
BIN      := $(BUILD)/prismac

TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))

.PHONY: all test check-deps deps bench fuzz demo install clean
.SECONDARY:

all: $(BIN)

$(BUILD)/gen/lexer.c: grammar/lexer.re include/prismac/lexer.h
	@mkdir -p $(dir $@)
	$(RE2C) -8 -W --no-generation-date -I /usr/share/re2c/stdlib -o $@ $<

# Lemon writes parser.c, parser.h and parser.out (the automaton, for debugging) side by side.
$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h &: grammar/parser.y
	@mkdir -p $(BUILD)/gen
	cp grammar/parser.y $(BUILD)/gen/parser.y
	@# Lemon's exit status counts errors and conflicts: the grammar must have none. -c keeps
	@# the action tables uncompressed, so errors are caught before default reductions and the
	@# "expected ..." part of a syntax error lists what the line could really take.
	$(LEMON) -c -T$(LEMPAR) -d$(BUILD)/gen $(BUILD)/gen/parser.y
	@touch $(BUILD)/gen/parser.c $(BUILD)/gen/parser.h   # Lemon keeps an unchanged header's old time

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/gen/parser.h $(BUILD)/gen/lexer.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) $(PG_CFLAGS) -MMD -MP -c $< -o $@

# Generated code is not ours to lint: keep the warnings, drop the ones Lemon's template trips.
$(BUILD)/obj/lexer.o: $(BUILD)/gen/lexer.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/parser.o: $(BUILD)/gen/parser.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -DNDEBUG -Wno-unused-parameter -Wno-missing-prototypes -Wno-unused-variable -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(BIN_LIBS)

# ---- tests ------------------------------------------------------------------------------------

$(BUILD)/tests/%: tests/%.c tests/testutil.h $(wildcard tests/*.h) $(LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) $(PG_CFLAGS) $(LDFLAGS) -Itests -o $@ $< $(LIB) $(LIBS) -lcmocka

test: check-deps $(BIN) $(TEST_BINS)
	@PRISMAC=$(abspath $(BIN)) BUILD=$(abspath $(BUILD)) bash tests/run.sh $(TEST_BINS)

check-deps:
	@bash scripts/check-deps.sh

deps:
	@bash scripts/check-deps.sh --install

# ---- bench, fuzz, demo ------------------------------------------------------------------------

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) $(PG_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

bench: $(BIN) $(BUILD)/bench/genschema $(BUILD)/bench/bench_parse $(BUILD)/bench/bench_sql $(BUILD)/bench/bench_validate \
       $(BUILD)/bench/bench_introspect $(BUILD)/bench/bench_check $(BUILD)/bench/bench_migrations
	@BUILD=$(abspath $(BUILD)) bash bench/run.sh

FUZZ_SECONDS ?= 60
# make fuzz: the parser target (fuzz/fuzz_parser.c); make fuzz FUZZ_TARGET=schema: every stage
# after it (fuzz/fuzz_schema.c: resolve, validate, lower, diff, render, variant, format).
FUZZ_TARGET ?= parser
FUZZ_CORPUS_parser = fixtures/syntax/*.prisma fixtures/seeds/*.prisma
FUZZ_CORPUS_schema = fixtures/seeds/*.prisma fixtures/validate/*.prisma fixtures/sql/*.prisma
fuzz:
	@mkdir -p build/fuzz build/fuzz/corpus-$(FUZZ_TARGET)
	$(RE2C) -8 -W --no-generation-date -I /usr/share/re2c/stdlib -o build/fuzz/lexer.c grammar/lexer.re
	cp grammar/parser.y build/fuzz/parser.y
	$(LEMON) -c -T$(LEMPAR) -dbuild/fuzz build/fuzz/parser.y
	clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_DEFAULT_SOURCE -Iinclude -Isrc -Ibuild/fuzz $(PG_CFLAGS) \
	    -o build/fuzz/fuzz_$(FUZZ_TARGET) fuzz/fuzz_$(FUZZ_TARGET).c src/*.c build/fuzz/lexer.c build/fuzz/parser.c $(LIBS)
	cp $(FUZZ_CORPUS_$(FUZZ_TARGET)) build/fuzz/corpus-$(FUZZ_TARGET)/ 2>/dev/null || true
	build/fuzz/fuzz_$(FUZZ_TARGET) -max_total_time=$(FUZZ_SECONDS) -timeout=5 -rss_limit_mb=2048 -dict=fuzz/prisma.dict \
	    build/fuzz/corpus-$(FUZZ_TARGET)

demo: $(BIN)
	@bash examples/demo.sh $(abspath $(BIN))

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/prismac

clean:
	rm -rf build

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/cli/*.d)
