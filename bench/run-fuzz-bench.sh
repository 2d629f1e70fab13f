#!/usr/bin/env bash
# Front-end fuzzing at scale (see bench/README.md "Front end: 100,000 mutated documents"): the
# generator and chain of sdk-cli's FrontEndFuzzTest (10,000 documents per build) over 100,000
# documents: load, read, validate, plan, plan JSON, Airflow rendering (both cross-DAG modes), legacy
# import and graph, every 50th document also through every lakeplan command. Prints the counts per
# mutation kind, every escape with its minimised document and the documents per second, and writes
# bench/results/front-end-fuzz.json. Exits 1 when anything escaped.
#
#   bench/run-fuzz-bench.sh [--documents N] [--seed S] [--threads T] [--command-sample K] [--out FILE]
#
# Builds sdk-api, sdk-aws, sdk-cli (with their test jars) and bench OFFLINE (-o: every dependency must
# already be in the local Maven repository), without running tests. About 5 minutes on 2 cores.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

./mvnw -q -B -o -pl bench -am -DskipTests -Dlakeplan.skipJobJar=true -Dspotless.check.skip=true \
    package >&2

# logs at WARN, as the lakeplan command has them; the root is where the seed documents are
java -Xms1g -Xmx3g -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dlakeplan.root="$ROOT" -cp bench/target/benchmarks.jar io.lakeplan.bench.FrontEndFuzzBench "$@"
