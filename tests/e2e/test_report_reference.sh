#!/bin/sh
# Runs the checks of tests/e2e/test_report_reference.lua: the аналитическая справка on the sample
# dataset and on the small datasets of tests/data/reference/.
cd "$(dirname "$0")/../.." || exit 1
exec lua5.4 tests/e2e/test_report_reference.lua "${OTCHET:-./otchet}" samples/kedrovsky tests/data/reference
