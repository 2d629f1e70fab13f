#!/usr/bin/env bash
# The in-memory pipeline test, two benchmarks jars side by side: fresh JVMs, alternating
# (baseline, then current) for N rounds. Each JVM runs bench/tools/InMemoryPipelineCpu: 60 tests,
# then 30 timed ones (the bench's median) and their process CPU time per test.
#   bench/run-pipeline-in-memory-ab.sh BASELINE_JAR CURRENT_JAR [ROUNDS] [OUT_JSON]
set -euo pipefail
base=${1:?baseline benchmarks jar}
current=${2:?current benchmarks jar}
rounds=${3:-3}
out=${4:-bench/results/pipeline-in-memory-ab.json}
work=$(mktemp -d)
javac -d "$work/tool" -cp "$current" "$(dirname "$0")/tools/InMemoryPipelineCpu.java"
for round in $(seq 1 "$rounds"); do
  for side in baseline current; do
    jar=$base
    [ "$side" = current ] && jar=$current
    java -Xms1g -Xmx2g -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
      -cp "$jar:$work/tool" InMemoryPipelineCpu "$work/$side-$round" > "$work/$side-$round.log" 2>&1
    echo "round $round $side: median $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['medianMs'])" "$work/$side-$round.json") ms, CPU/wall per test $(cat "$work/$side-$round.cpu"), load $(cut -d' ' -f1 /proc/loadavg)"
    cut -d' ' -f1 /proc/loadavg > "$work/$side-$round.load"
  done
done
python3 - "$work" "$rounds" "$out" "$base" "$current" <<'PY'
import json, statistics, sys
work, rounds, out, base, current = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
def side(name):
    rs = []
    for r in range(1, rounds + 1):
        bench = json.load(open(f"{work}/{name}-{r}.json"))
        cpu, gc, wall = (float(x) for x in open(f"{work}/{name}-{r}.cpu").read().split())
        rs.append({"round": r, "medianMs": bench["medianMs"], "minMs": bench["minMs"],
                   "maxMs": bench["maxMs"], "stageMediansMs": bench["stageMediansMs"],
                   "cpuMsPerTest": cpu, "cpuMsPerLoneGc": gc, "wallMsPerTestMean": wall,
                   "loadAverage1m": float(open(f"{work}/{name}-{r}.load").read())})
    return rs
b, c = side("baseline"), side("current")
med = lambda rs, k: round(statistics.median(x[k] for x in rs), 2)
result = {
    "bench": "InMemoryPipelineBench (60 tests, then 30 timed), fresh JVM per side and round, alternating",
    "jvm": "-Xms1g -Xmx2g -XX:+UseParallelGC", "baselineJar": base, "currentJar": current,
    "baseline": b, "current": c,
    "medianOfRoundMediansMs": {"baseline": med(b, "medianMs"), "current": med(c, "medianMs")},
    "medianCpuMsPerTest": {"baseline": med(b, "cpuMsPerTest"), "current": med(c, "cpuMsPerTest")},
    "roundRatiosWall": [round(x["medianMs"] / y["medianMs"], 3) for x, y in zip(b, c)],
    "roundRatiosCpu": [round(x["cpuMsPerTest"] / y["cpuMsPerTest"], 3) for x, y in zip(b, c)],
}
result["ratioWall"] = round(med(b, "medianMs") / med(c, "medianMs"), 3)
result["ratioCpu"] = round(med(b, "cpuMsPerTest") / med(c, "cpuMsPerTest"), 3)
json.dump(result, open(out, "w"), indent=2)
print("wall: baseline", result["medianOfRoundMediansMs"]["baseline"], "ms, current",
      result["medianOfRoundMediansMs"]["current"], "ms, ratio", result["ratioWall"],
      "| CPU per test: baseline", result["medianCpuMsPerTest"]["baseline"], "ms, current",
      result["medianCpuMsPerTest"]["current"], "ms, ratio", result["ratioCpu"], "->", out)
PY
rm -rf "$work"
