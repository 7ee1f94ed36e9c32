#!/bin/sh
# Runs the school rating checks of tests/e2e/test_report_rating.lua on the sample dataset and
# on a small dataset of tests/data/targets/.
cd "$(dirname "$0")/../.." || exit 1
exec lua5.4 tests/e2e/test_report_rating.lua "${OTCHET:-./otchet}" samples/kedrovsky tests/data/targets
