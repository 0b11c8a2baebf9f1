#!/usr/bin/env bash
# Seed corpora for the fuzz targets: the plan documents for `import`, and every content file of
# the bundled site and the test fixtures (prefixed with its kind byte) for `content`.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p tests/fuzz/corpus/import tests/fuzz/corpus/content
cp seeds/*.txt tests/fuzz/corpus/import/
n=0
while IFS= read -r f; do
  case "$f" in
    */site.toml) k='\x00' ;;
    */units/*.toml) k='\x01' ;;
    */tasks.toml) k='\x02' ;;
    */progress/*.md) k='\x03' ;;
    */progress/*.csv) k='\x04' ;;
    */disclosure/*.md) k='\x05' ;;
    *) continue ;;
  esac
  n=$((n + 1))
  { printf "$k"; head -c 65536 "$f"; } > "tests/fuzz/corpus/content/seed-$n"
done < <(find content tests/fixtures -type f | sort)
# The same documents as .docx, .html and .pdf for import_docx, import_html and import_pdf.
GONGKAI_FUZZ_CORPUS=1 cargo test -q --test import_formats fuzz_seed_corpus >/dev/null
echo "import: $(ls tests/fuzz/corpus/import | wc -l) seeds, content: $n seeds, docx/html/pdf: $(ls tests/fuzz/corpus/import_pdf | wc -l) seeds each"
# `forms`: the bundled site's progress forms, whole (kind byte 0) and their rows sheet (kind 1).
mkdir -p tests/fuzz/corpus/forms
forms=$(mktemp -d)
cargo run -q -- forms --root . --out "$forms" 2>/dev/null
n=0
for f in "$forms"/*.xlsx; do
  n=$((n + 1))
  { printf '\x00'; cat "$f"; } > "tests/fuzz/corpus/forms/form-$n"
  { printf '\x01'; unzip -p "$f" xl/worksheets/sheet2.xml; } > "tests/fuzz/corpus/forms/sheet-$n"
done
rm -rf "$forms"
echo "forms: $((n * 2)) seeds"
