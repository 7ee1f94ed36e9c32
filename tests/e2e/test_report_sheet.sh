#!/bin/sh
# Runs the checks of tests/e2e/test_report_sheet.lua (per-school sheets, the combined file,
# --jobs, --shard, a failing school) on the sample and on tests/data/sheets/bad_glyph.
cd "$(dirname "$0")/../.." || exit 1
exec lua5.4 tests/e2e/test_report_sheet.lua "${OTCHET:-./otchet}" samples/kedrovsky tests/data/sheets/bad_glyph
