#!/bin/sh
# Runs the target monitoring checks of tests/e2e/test_report_targets.lua on the sample dataset
# and on the small datasets of tests/data/targets/.
cd "$(dirname "$0")/../.." || exit 1
exec lua5.4 tests/e2e/test_report_targets.lua "${OTCHET:-./otchet}" samples/kedrovsky tests/data/targets
