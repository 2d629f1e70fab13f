#!/usr/bin/env bash
# Testkit vs Spark pipeline test (see bench/README.md "Testkit vs Spark pipeline test"): the same
# pipeline test (migrate 10k rows, ingest 10k Kafka records, merge, maintain) on the in-memory engine
# (PipelineTestDriver) and on local Spark (SparkEngine + an in-process Kafka broker), in one
# invocation. Prints both medians and the ratio and writes bench/results/pipeline-bench.json.
#
#   bench/run-pipeline-bench.sh [--warmups N] [--runs N] [--spark-warmups N] [--spark-runs N]
#                               [--rounds N] [--out FILE]
#
# Defaults: in-memory 60 warm-ups + 30 timed runs, Spark 5 warm-ups + 5 timed runs: both sides at
# steady state (with 20 in-memory warm-ups and 1 Spark warm-up, both were still getting faster over
# their timed runs). 3 rounds, each a fresh in-memory JVM then a fresh Spark JVM: one JVM's median
# moves by about 10% from one JVM to the next on a shared machine, so the result is the ratio of the
# medians of the rounds' medians (each round's own ratio is printed too). About 5 minutes.
#
# The two engines run in two JVMs, one after the other: the testkit needs unshaded iceberg-core and
# Avro, while iceberg-spark-runtime holds the same org.apache.iceberg classes built against shaded
# Avro, so they cannot share one class path. Builds sdk-api, sdk-testkit, sdk-spark, bench and
# bench/spark OFFLINE (-o: every dependency must already be in the local Maven repository), without
# tests, without installing anything. Do not run it next to another build: the timings would measure
# the contention.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

WARMUPS=60
RUNS=30
SPARK_WARMUPS=5
SPARK_RUNS=5
ROUNDS=3
OUT=bench/results/pipeline-bench.json
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warmups) WARMUPS=$2 ;;
    --runs) RUNS=$2 ;;
    --spark-warmups) SPARK_WARMUPS=$2 ;;
    --spark-runs) SPARK_RUNS=$2 ;;
    --rounds) ROUNDS=$2 ;;
    --out) OUT=$2 ;;
    *) echo "Unknown argument: $1 (expected --warmups, --runs, --spark-warmups, --spark-runs, --rounds or --out)" >&2
       exit 2 ;;
  esac
  shift 2
done

./mvnw -q -B -o -Pbench-spark -pl bench,bench/spark -am -DskipTests -Dlakeplan.skipJobJar=true \
    -Dspotless.check.skip=true package >&2

SIDES=$(mktemp -d -t lakeplan-pipeline-bench-XXXXXX)
trap 'rm -rf "$SIDES"' EXIT

OPENS=$(sed -n 's:.*<spark.jvm.opens>\(.*\)</spark.jvm.opens>.*:\1:p' pom.xml)
[[ -n "$OPENS" ]] || { echo "spark.jvm.opens not found in pom.xml" >&2; exit 1; }
CP="bench/spark/target/classes:$(cat bench/spark/target/classpath.txt)"
REPORT_ARGS=("$OUT")
for ((round = 1; round <= ROUNDS; round++)); do
  # (1) in-memory: the JMH uber jar (sdk-testkit, iceberg-core, Avro); logs at WARN as Spark's are
  echo "== round $round/$ROUNDS (1) in-memory engine (PipelineTestDriver), own JVM" >&2
  java -Xms1g -Xmx2g -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
      -cp bench/target/benchmarks.jar io.lakeplan.bench.InMemoryPipelineBench \
      --warmups "$WARMUPS" --runs "$RUNS" --out "$SIDES/in-memory-$round.json"

  # (2) Spark: the Spark runtime's class path (bench jar without the testkit, iceberg-core or
  # Avro), with the parent pom's spark.jvm.opens flags, as bench/run-spark-bench.sh starts it
  echo "== round $round/$ROUNDS (2) Spark engine (SparkEngine, local[2], in-process Kafka broker), own JVM" >&2
  # shellcheck disable=SC2086  # OPENS is a list of flags
  SPARK_LOCAL_IP=127.0.0.1 java -Xms1g -Xmx"${BENCH_HEAP:-4g}" -XX:+UseParallelGC $OPENS -cp "$CP" \
      io.lakeplan.bench.spark.SparkPipelineBench \
      --warmups "$SPARK_WARMUPS" --runs "$SPARK_RUNS" --out "$SIDES/spark-$round.json"
  REPORT_ARGS+=("$SIDES/in-memory-$round.json" "$SIDES/spark-$round.json")
done

java -cp bench/target/benchmarks.jar io.lakeplan.bench.PipelineBenchReport "${REPORT_ARGS[@]}"
