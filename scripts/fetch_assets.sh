#!/usr/bin/env bash
# Placeholder replaced by the offline-assets work (issue 4): create the folder so targets resolve.
set -euo pipefail
mkdir -p "$1"
