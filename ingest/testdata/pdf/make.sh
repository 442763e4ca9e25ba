#!/usr/bin/env bash
# Regenerates the PDF fixtures of jianbao's ingest tests from some of the
# sample bulletins in testdata/sample (SAMPLES, the real bulletin first).
# Each sample is copied to src/NAME.txt beside its PDFs, and the tests
# compare the PDFs with that copy, so the fixtures stay consistent when the
# sample archive is regenerated. Run from the repository root:
# make testdata-pdf
#
# Needs (Debian): libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-gbsn00lp
# poppler-utils qpdf. The tests themselves need none of these.
#
# Good fixtures (each must give the record of its TXT):
#   NAME.lo.pdf      LibreOffice (Writer, Noto Serif CJK: 8-bit subset fonts)
#   NAME.cairo.pdf   the LibreOffice file re-rendered by pdftocairo
#   NAME.gopdf.pdf   written by gopdf with a GB2312 TrueType font
#   NAME.junk.pdf    (first sample only) the LibreOffice file with a BOM and junk before %PDF-,
#                    a %PDF-2.0 header and junk after %%EOF
# Broken fixtures (broken/):
#   merged.pdf       pages 1-2 from LibreOffice, then pages 3-4 from gopdf
#   no-tounicode.pdf page 1 as written, page 2 with its ToUnicode maps removed
#   scanned.pdf      page 1 as a 200 dpi image, no text layer
#   mixed.pdf        the LibreOffice file with page 2 replaced by its scan
#   truncated.pdf    the first 60% of the LibreOffice file
#   encrypted.pdf    AES-256 encrypted (user password "jianbao")
#   aes256-empty-password.pdf  the 2016-004 LibreOffice file, AES-256 with an
#                    empty user password: the library refuses it, pdftotext reads it
#   not-a-pdf.pdf    a TXT bulletin named .pdf with a bad %PDF- header
set -euo pipefail

root=$(git rev-parse --show-toplevel)
cd "$root"
out=ingest/testdata/pdf
font=${GB_FONT:-/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for tool in soffice pdftocairo pdftoppm qpdf; do
	command -v "$tool" >/dev/null || { echo "make.sh: $tool is not installed" >&2; exit 1; }
done
[ -f "$font" ] || { echo "make.sh: font $font not found (apt install fonts-arphic-gbsn00lp)" >&2; exit 1; }

gen() { go run ./ingest/testdata/pdf/gen "$@"; }
mkdir -p "$out/broken" "$out/src"

SAMPLES=${SAMPLES:-"bulletin-2021-014 bulletin-2022-zk01 bulletin-2016-004 bulletin-2020-zengk01"}
first=""
for name in $SAMPLES; do
	cp "testdata/sample/$name.txt" "$out/src/$name.txt"
	txt=$out/src/$name.txt
	[ -n "$first" ] || first=$name
	gen fodt "$txt" "$tmp/$name.fodt"
	soffice --headless --convert-to pdf --outdir "$tmp" "$tmp/$name.fodt" >/dev/null 2>&1
	cp "$tmp/$name.pdf" "$out/$name.lo.pdf"
	pdftocairo -pdf "$out/$name.lo.pdf" "$out/$name.cairo.pdf"
	gen gopdf "$txt" "$out/$name.gopdf.pdf" "$font"
	[ "$name" = "$first" ] || continue
	{
		printf '\xEF\xBB\xBF\r\n  Content-Type: application/pdf\r\n\r\n'
		sed '1s/^%PDF-1\.[0-9]/%PDF-2.0/' "$out/$name.lo.pdf"
		printf '\r\n-- end of attachment --\r\n'
	} >"$out/$name.junk.pdf"
done

lo=$out/$first.lo.pdf
gp=$out/$first.gopdf.pdf
qpdf --empty --pages "$lo" 1-2 "$gp" 3-4 -- "$out/broken/merged.pdf"

qpdf --qdf --object-streams=disable "$lo" "$tmp/qdf.pdf"
gen strip "$tmp/qdf.pdf" "$tmp/stripped.pdf"
qpdf --empty --pages "$lo" 1 "$tmp/stripped.pdf" 2 -- --compress-streams=y --recompress-flate "$out/broken/no-tounicode.pdf"

pdftoppm -f 1 -l 1 -r 200 -mono -png -singlefile "$lo" "$tmp/scan1"
pdftoppm -f 2 -l 2 -r 200 -mono -png -singlefile "$lo" "$tmp/scan2"
gen scan "$out/broken/scanned.pdf" "$tmp/scan1.png"
gen scan "$tmp/scan2.pdf" "$tmp/scan2.png"
qpdf --empty --pages "$lo" 1 "$tmp/scan2.pdf" 1 "$lo" 3-z -- "$out/broken/mixed.pdf"

size=$(stat -c %s "$lo")
head -c $((size * 6 / 10)) "$lo" >"$out/broken/truncated.pdf"

qpdf --encrypt jianbao owner 256 -- "$lo" "$out/broken/encrypted.pdf"
qpdf --encrypt "" owner 256 -- "$out/bulletin-2016-004.lo.pdf" "$out/broken/aes256-empty-password.pdf"

{ printf '%%PDF-\n'; cat "$out/src/$first.txt"; } >"$out/broken/not-a-pdf.pdf"

ls -l "$out" "$out/broken"
