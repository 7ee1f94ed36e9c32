#!/bin/sh
# Runs the document checks of tests/e2e/test_reports.lua on the sample dataset.
cd "$(dirname "$0")/../.." || exit 1
exec lua5.4 tests/e2e/test_reports.lua "${OTCHET:-./otchet}" samples/kedrovsky
