#!/bin/sh
# Runs the checks of tests/e2e/test_report_order.lua (the order and its appendices) on the sample.
cd "$(dirname "$0")/../.." || exit 1
exec lua5.4 tests/e2e/test_report_order.lua "${OTCHET:-./otchet}" samples/kedrovsky
