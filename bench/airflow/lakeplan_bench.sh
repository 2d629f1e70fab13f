#!/usr/bin/env bash
# DagBag parse time of N rendered Lakeplan DAGs vs. N dag-factory DAGs, measured in the same run.
#
#   bench/airflow/lakeplan_bench.sh [N] [AIRFLOW_VERSION]   (N defaults to 200, the version to 3.3.1)
#
# The version's venv (.venv-airflow-VERSION, `bin/setup-airflow VERSION`) must carry dag-factory:
# 3.3.1, 2.11.2 and 2.10.3 (the newest and oldest lines MWAA offers) do.
#
# 1. builds sdk-aws (offline) and renders N generated use cases (sdk-aws test class BenchmarkDags)
#    twice: as Lakeplan DAG files, and as the same DAGs in dag-factory YAML (same operators, same
#    arguments, same dependencies; one YAML plus its loader .py per DAG),
# 2. runs bench/airflow/dagfactory_bench.py on both folders, interleaved, REPEAT (default 5)
#    measured DagBag parses each after one warm-up, and prints a JSON summary on stdout (wall and
#    CPU times; at 1,000 DAGs on a busy 2-core machine one round takes minutes: REPEAT=3).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
N=${1:-200}
VERSION=${2:-3.3.1}
VENV="$ROOT/.venv-airflow-$VERSION"
[[ -x "$VENV/bin/python" ]] || { echo "$VENV is missing: run bin/setup-airflow $VERSION" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cd "$ROOT"
./mvnw -q -B -o -pl sdk-aws -am -Denforcer.skip -Dspotless.check.skip=true -DskipTests \
    test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >&2
CP="sdk-aws/target/test-classes:sdk-aws/target/classes:sdk-api/target/classes:$(cat "$WORK/cp.txt")"
java -cp "$CP" io.lakeplan.aws.airflow.BenchmarkDags "$WORK/use-cases" "$WORK/dags" "$N" \
    "$WORK/dagfactory" 2>&1 | grep -v ' INFO ' >&2
"$VENV/bin/python" bench/airflow/dagfactory_bench.py -n "$N" -k "${REPEAT:-5}" \
    --dagfactory-dir "$WORK/dagfactory" --compare "$WORK/dags"
