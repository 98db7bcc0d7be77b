#!/usr/bin/env bash
# Runs the fuzz targets with cargo-fuzz on the stable toolchain (RUSTC_BOOTSTRAP lets
# cargo-fuzz use the sanitizer flags). Usage:
#   fuzz/run.sh SECONDS [TARGET ...]    e.g. fuzz/run.sh 600 strippers
# Without targets it runs all of them one after the other. The seed is fixed so a CI
# run is repeatable; crashes are written to fuzz/artifacts/TARGET/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    targets=(pickup_code report_form multipart api_bodies recipients strippers)
fi
export RUSTC_BOOTSTRAP=1
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t"
    echo "== fuzzing $t for ${secs}s"
    cargo fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$secs" -seed=1 -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1
done
