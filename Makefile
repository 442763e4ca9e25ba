# jianbao — see README.md.
GO       ?= go
BIN      := bin/jianbao
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
SAMPLE   := testdata/sample
FUZZTIME ?= 60s
# How long each new input is minimised: Go's default of a minute, for
# inputs that cost milliseconds (a PDF), left the fuzzers minimising more
# than fuzzing.
FUZZMINIMIZE ?= 5s

.PHONY: all build run test vet layers fuzz bench bench-ab bench-query bench-index bench-search bench-scale bench-kwic bench-export soak clean testdata-pdf testdata-scans scans

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/jianbao

## run: the main job on the bundled sample archive: build, ingest the
## sample (the TXT bulletins and the real bulletin's PDF) into $(DATA), and
## serve it at http://127.0.0.1:8080/; the server keeps ingesting what is
## added to the sample directory. Ctrl-C stops it.
DATA ?= jianbao-data
run: build
	$(BIN) ingest --index $(DATA) $(SAMPLE) ingest/testdata/pdf/bulletin-2021-014.lo.pdf
	$(BIN) serve --index $(DATA) --watch $(SAMPLE)

## test: vet, the import-layer check and every test.
test: vet layers
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

## layers: imports point down only (see the style guide).
layers:
	$(GO) test -count=1 -run '^TestLayers$$|^TestImportRules$$' ./cmd/jianbao

# FUZZ_TARGETS are the module's fuzz targets, as package:Target.
FUZZ_TARGETS := \
	ingest:FuzzParse \
	ingest:FuzzDecode \
	ingest:FuzzParsePDF \
	ingest:FuzzOrganisations \
	ingest:FuzzOCRText \
	ingest:FuzzTaxonomy \
	ingest:FuzzFold \
	internal/synth:FuzzRoundTrip \
	segment:FuzzTokenize \
	index:FuzzStoredMatch \
	index:FuzzDecodeCitation \
	query:FuzzParse \
	query:FuzzParams \
	server:FuzzHandler \
	server:FuzzHost \
	server:FuzzKWIC

## fuzz: each fuzz target for FUZZTIME, each new input minimised for at
## most FUZZMINIMIZE; it stops at the first finding. A target that fails
## only with "context deadline exceeded" as its time ends, writing no
## input, met a race in Go's fuzzing (go.dev/issue/75804, fixed in Go
## 1.27), not a finding: that is said, and the next target runs.
fuzz:
	@out=$$(mktemp); trap 'rm -f "$$out"' EXIT; \
	for t in $(FUZZ_TARGETS); do \
		echo "$(GO) test ./$${t%%:*} -fuzz $${t##*:}"; \
		if $(GO) test ./$${t%%:*} -run '^$$' -fuzz "^$${t##*:}\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) >"$$out" 2>&1; then \
			tail -n 2 "$$out"; \
		elif grep -qx '    context deadline exceeded' "$$out" && ! grep -q 'Failing input written' "$$out"; then \
			tail -n 6 "$$out"; \
			echo "$$t: stopped by Go's fuzzing deadline race (go.dev/issue/75804), no input written: not a finding"; \
		else \
			cat "$$out"; exit 1; \
		fi; \
	done

## bench: the benchmarks, 5 runs each.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./...

## bench-query: HTTP search latency (term, phrase, filtered+faceted) on a
## 100k-article generated archive, beside ripgrep and a cold CLI search.
bench-query:
	JIANBAO_BENCH_ARTICLES=100000 $(GO) test ./server -run '^$$' -bench HTTPSearch -benchtime 5x -timeout 60m

## bench-ab: the queries of bench-query sent in turn to this version's
## server and to BASE's (a commit; by default a016264, the version before
## the pipeline's package layout), each over its own index of the same
## 100k-article archive, so that both meet the same load; prints each one's
## p50/p99 and the median per-query ratio this/base. Kept in AB_DIR.
BASE ?= a016264
AB_DIR ?= /tmp/jianbao-bench-ab
bench-ab:
	mkdir -p $(AB_DIR)/base/src
	git archive $(BASE) | tar -x -C $(AB_DIR)/base/src
	cd $(AB_DIR)/base/src && $(GO) build -o ../jianbao ./cmd/jianbao
	JIANBAO_BENCH_DIR=$(AB_DIR)/this JIANBAO_AB_BASE=$(AB_DIR)/base JIANBAO_BENCH_ARTICLES=100000 $(GO) test ./server -run '^$$' -bench HTTPPaired -benchtime 5x -timeout 90m

## bench-index: ingest rate, index size and search latency on a 20k-article
## generated archive, beside SQLite FTS5 trigram (sqlite3) and ripgrep.
bench-index:
	JIANBAO_BENCH_ARTICLES=20000 $(GO) test ./index -run '^$$' -bench Archive -benchtime 1x -timeout 30m

## bench-search: CPU time of Search alone (relevance, snippets, date sort,
## filtered+facets) on a 20k-article index kept between runs.
bench-search:
	JIANBAO_BENCH_ARTICLES=20000 JIANBAO_BENCH_DIR=/tmp/jianbao-bench-20k $(GO) test ./index -run '^$$' -bench Search -benchtime 3x -count 5 -cpu 1

## bench-scale: jianbao beside Groonga on one generated archive of
## SCALE_ARTICLES articles (100k by default; 1000000 for the documented 1M
## run): ingest time and CPU, query p50/p99, server memory, export; installs Debian's
## groonga-bin when missing. SCALE_DIR=DIR keeps the archive, the index and
## Groonga's database in DIR, and a later run with the same DIR reuses them
## (measuring serving again without the ingest).
SCALE_ARTICLES ?= 100000
SCALE_DIR ?=
bench-scale:
	@command -v groonga >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends groonga-bin >/dev/null; }
	JIANBAO_SCALE_DIR=$(SCALE_DIR) JIANBAO_SCALE_ARTICLES=$(SCALE_ARTICLES) $(GO) test ./cmd/jianbao -run '^$$' -bench Scale -benchtime 1x -timeout 180m

## bench-export: export (index.EachArticle and the whole jianbao export
## command) and retag of every article of a generated archive of
## EXPORT_ARTICLES articles (100k by default), built on first use into
## /tmp/jianbao-bench-export-N and reused; the paged export and retag of
## earlier versions run beside them. Prints articles/s, peak heap and RSS.
EXPORT_ARTICLES ?= 100000
EXPORT_DIR ?= /tmp/jianbao-bench-export-$(EXPORT_ARTICLES)
bench-export:
	JIANBAO_BENCH_ARTICLES=$(EXPORT_ARTICLES) JIANBAO_BENCH_DIR=$(EXPORT_DIR) $(GO) test ./index -run '^$$' -bench 'Export|Retag' -benchtime 1x -timeout 120m
	JIANBAO_BENCH_DIR=$(EXPORT_DIR) $(GO) test ./cmd/jianbao -run '^$$' -bench ExportCommand -benchtime 1x -timeout 30m

## bench-kwic: whole concordances (every occurrence, sorted by the left
## context) of frequent to rare words on a 20k-article generated archive,
## beside ripgrep counting the same occurrences.
bench-kwic:
	JIANBAO_BENCH_ARTICLES=20000 $(GO) test ./server -run '^$$' -bench Concordance -benchtime 5x -timeout 30m

## soak: kill -9 jianbao ingest many times on a larger archive, then check it;
## the hostile batch with the default worker limits; then 64 clients search
## the server for 60 s while bulletins are handed to it.
soak:
	JIANBAO_SOAK=1 $(GO) test ./cmd/jianbao -run '^TestIngestCrashSafety$$' -count 1 -timeout 30m -v
	JIANBAO_SOAK=1 $(GO) test ./cmd/jianbao -run '^TestIngestNastyBatch$$' -count 1 -timeout 30m -v
	JIANBAO_SOAK=1 $(GO) test ./server -run '^TestLoad$$' -count 1 -timeout 10m -v

## testdata-pdf: regenerate the PDF fixtures of ingest's tests (needs
## libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-gbsn00lp poppler-utils qpdf).
testdata-pdf:
	bash ingest/testdata/pdf/make.sh

## testdata-scans: regenerate the degraded scans of the OCR tests and their
## OCR cache (needs poppler-utils imagemagick libtiff-tools qpdf, and
## tesseract-ocr tesseract-ocr-chi-sim for the cache).
testdata-scans:
	bash ingest/testdata/scans/make.sh

## scans: OCR every degraded scan with tesseract, uncached then cached, and
## score the records field by field (minutes; make test scores them from
## the committed OCR cache).
scans:
	JIANBAO_SCANS=1 $(GO) test ./ingest -run '^TestScans(Live|WithoutCorrection)$$' -count 1 -timeout 60m -v

clean:
	rm -rf bin
