#!/usr/bin/env bash
# The engines' differential test at scale (issue 23): EngineDifferentialIT over many seeds and more
# values per run than CI's 3 seeds x 80. Each case runs one scenario (Kafka JSON, JDBC, merge) on
# local Spark here and on the in-memory engine in a child JVM, and fails on any disagreement, naming
# its seed. Writes bench/results/differential.json.
#
#   bench/run-differential.sh [--seed N] [--seeds K] [--records R] [--out FILE]
#
# All three scenarios unless SCENARIOS=… is set (CI runs all three with 3 seeds x 80 values).
# Defaults: a seed from the clock, 30 seeds, 200 values per run (90 cases, about 20 minutes). Runs
# OFFLINE (-o); do not run it next to another build.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SEED=$(date +%s)
SEEDS=30
RECORDS=200
OUT=bench/results/differential.json
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seed) SEED=$2 ;;
    --seeds) SEEDS=$2 ;;
    --records) RECORDS=$2 ;;
    --out) OUT=$2 ;;
    *) echo "Unknown argument: $1 (expected --seed, --seeds, --records or --out)" >&2
       exit 2 ;;
  esac
  shift 2
done

START=$(date +%s)
set +e
./mvnw -B -o verify -pl sdk-api,sdk-testkit,sdk-aws,sdk-spark -Dit.test=EngineDifferentialIT \
    -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dlakeplan.skipJobJar=true -Denforcer.skip -Dspotless.check.skip=true \
    -Dlakeplan.differential.seed="$SEED" -Dlakeplan.differential.seeds="$SEEDS" \
    -Dlakeplan.differential.records="$RECORDS" \
    -Dlakeplan.differential.scenarios="${SCENARIOS:-KAFKA_JSON,JDBC,MERGE}" >&2
STATUS=$?
set -e
END=$(date +%s)

python3 - "$OUT" "$SEED" "$SEEDS" "$RECORDS" "$((END - START))" <<'PY'
import json, sys, xml.etree.ElementTree as ET
out, seed, seeds, records, seconds = sys.argv[1:]
report = ET.parse("sdk-spark/target/failsafe-reports/TEST-io.lakeplan.spark.internal.EngineDifferentialIT.xml").getroot()
failed = []
for case in report.iter("testcase"):
    failure = case.find("failure")
    if failure is None:
        failure = case.find("error")
    if failure is not None:
        failed.append({"case": case.get("name"), "message": (failure.get("message") or "")[:2000]})
result = {
    "benchmark": "engine-differential",
    "firstSeed": int(seed),
    "seeds": int(seeds),
    "valuesPerRun": int(records),
    "cases": int(report.get("tests")),
    "failedCases": len(failed),
    "wallSeconds": int(seconds),
    "failures": failed,
}
with open(out, "w") as f:
    json.dump(result, f, indent=2)
print(json.dumps({k: v for k, v in result.items() if k != "failures"}))
PY
exit $STATUS
