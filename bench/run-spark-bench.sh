#!/usr/bin/env bash
# The Spark engine benchmark (bench/spark, see bench/README.md "Spark engine"): Lakeplan merge vs. a
# hand-written MERGE INTO, convert ADD_FILES vs. REWRITE, and FULL reconcile cost, on >= 1M generated
# rows in one local[2] Spark JVM. Prints a table and writes bench/results/spark-bench.json.
#
#   bench/run-spark-bench.sh [--rows N] [--reps N] [--out FILE] [--work DIR]
#   bench/run-spark-bench.sh --class io.lakeplan.bench.spark.ConvertScaling [--rows N,N,..] [--reps N]
#   bench/run-spark-bench.sh --class io.lakeplan.bench.spark.IngestBench [--records N] [--reps N]
#
# Builds sdk-api, sdk-spark and bench/spark OFFLINE (-o: every dependency must already be in the local
# Maven repository, as after a normal build of the project), without tests, without installing anything,
# then runs the harness. Override the heap with BENCH_HEAP (default 6g). Takes about 5-10 minutes on
# 2 cores. Do not run it next to another build: the timings would measure the contention.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

./mvnw -q -B -o -Pbench-spark -pl bench/spark -am -DskipTests -Dlakeplan.skipJobJar=true \
    -Dspotless.check.skip=true package >&2

# the parent pom's spark.jvm.opens: the JDK 17 --add-opens list Spark needs
OPENS=$(sed -n 's:.*<spark.jvm.opens>\(.*\)</spark.jvm.opens>.*:\1:p' pom.xml)
[[ -n "$OPENS" ]] || { echo "spark.jvm.opens not found in pom.xml" >&2; exit 1; }
CP="bench/spark/target/classes:$(cat bench/spark/target/classpath.txt)"

# Keep Spark's driver on loopback (the host name may resolve elsewhere).
export SPARK_LOCAL_IP=127.0.0.1
# IngestBench's JDBC password secret (env:); the embedded PostgreSQL trusts local connections.
export LAKEPLAN_BENCH_PG_PASSWORD="${LAKEPLAN_BENCH_PG_PASSWORD:-embedded}"
# shellcheck disable=SC2086  # OPENS is a list of flags
MAIN=io.lakeplan.bench.spark.SparkBench
if [[ "${1:-}" == "--class" ]]; then
  MAIN=$2
  shift 2
fi
exec java -Xms2g -Xmx"${BENCH_HEAP:-6g}" -XX:+UseParallelGC $OPENS -cp "$CP" "$MAIN" "$@"
