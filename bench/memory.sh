#!/usr/bin/env bash
# Memory: the demo webhook (a), with and without -Xmx64m (m), against the bare server (c),
# under the same load as bench/webhook.sh; reports req/s, the ratios and (m)'s peak RSS,
# and fails on an OutOfMemoryError. Same environment variables as webhook.sh.
MEMORY=1 exec "$(dirname "$0")/webhook.sh" "$@"
