#!/usr/bin/env bash
# Validate + plan of generated use cases (see bench/README.md "Planner: validate + plan"): runs
# PlanTiming (UseCaseGenerator, fixed seed, five DAGs per use case) for each size, in one JVM per
# size, and reports the median of the repeats after two warm-up calls: Validator.validate(all) and
# Planner.plan(all) (which validates, then compiles), in wall and thread CPU time. With --baseline
# JAR (a benchmarks.jar built from an earlier commit) both sides run interleaved in one run, so the
# ratio holds on a noisy machine. Writes the figures as JSON.
#
#   bench/run-plan-timing.sh [--sizes "1000 10000 100000"] [--repeats 7] [--baseline JAR]
#                            [--classpath CP] [--out FILE]
#
# --classpath replaces the current side's classpath (default bench/target/benchmarks.jar, built
# here offline).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sizes="1000 10000 100000"
repeats=7
baseline=""
classpath=""
out="$ROOT/bench/results/plan-timing-round2.json"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --baseline) baseline="$2"; shift 2 ;;
    --classpath) classpath="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -z "$classpath" ]]; then
  (cd "$ROOT" && ./mvnw -q -B -o -pl bench -am -DskipTests -Dlakeplan.skipJobJar=true \
    -Dspotless.check.skip=true -Denforcer.skip -Dmaven.javadoc.skip package) >&2
  classpath="$ROOT/bench/target/benchmarks.jar"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$work/samples"
for size in $sizes; do
  sides=(current)
  [[ -n "$baseline" ]] && sides=(baseline current)
  for side in "${sides[@]}"; do
    cp="$classpath"
    [[ "$side" == baseline ]] && cp="$baseline"
    echo "n=$size $side ..." >&2
    java -Xmx8g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" \
      io.lakeplan.bench.PlanTiming "$size" "$repeats" | sed "s/^/$side /" | tee -a "$work/samples" >&2
  done
done

python3 - "$work/samples" "$repeats" "$out" <<'EOF'
import json, re, statistics, subprocess, sys, datetime, os
samples, repeats, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = {}
for line in open(samples):
    side, rest = line.split(" ", 1)
    values = dict(re.findall(r"([\w()+-]+)=(\d+)", rest))
    runs.setdefault((side, int(values["n"])), []).append(values)
result = {
    "benchmark": "PlanTiming (bench/run-plan-timing.sh): Validator.validate(all), Planner.plan(all)",
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip(),
    "machine": f"{os.cpu_count()} cores, shared with other processes",
    "repeats": repeats, "warm_up_repeats_left_out": 2, "sides": {},
}
for (side, n), values in sorted(runs.items()):
    measured = values[2:] if len(values) > 2 else values
    entry = {}
    for key in ("validate", "validate-cpu", "plan(validate+compile)", "plan-cpu"):
        if key in measured[0]:
            entry[key + "_ms_median"] = statistics.median(int(v[key]) for v in measured)
            entry[key + "_ms_runs"] = [int(v[key]) for v in values]
    entry["dags"] = int(values[0]["dags"])
    result["sides"].setdefault(side, {})[str(n)] = entry
    print(side, n, {k: v for k, v in entry.items() if k.endswith("median")})
with open(out, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
print("wrote", out)
EOF
