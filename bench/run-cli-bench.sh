#!/usr/bin/env bash
# What a user pays per use-case file (see bench/README.md "CLI: cost per file"): writes a folder of
# one and a folder of N copies of examples/orders/orders.yaml (use-case name and table names made
# unique per file, so the folder validates clean as one workspace), then times, in one run and
# interleaved, `lakeplan validate DIR` and `lakeplan plan DIR --format json` on both folders through
# bin/lakeplan, as users run it (a fresh JVM per call). Reports the median of each side over the
# rounds and the cost per file beyond the one-file run: (median N files - median 1 file) / (N - 1),
# in wall time and in CPU time (user + system, which other processes on a shared machine disturb
# less). Writes the figures as JSON.
#
#   bench/run-cli-bench.sh [--files N] [--rounds R] [--out FILE] [--jfr DIR] [--baseline ROOT]
#
# --baseline ROOT also times, interleaved in the same rounds, ROOT/bin/lakeplan run with
# LAKEPLAN_SKIP_BUILD=1 (ROOT holds bin/lakeplan and sdk-cli/target/{lakeplan-cli.jar,
# spark-classpath.txt} copied from a build of an earlier commit): before and after in one run.
# --jfr DIR also records one JFR profile per command of the N-file folder into DIR (not timed).
# Builds the lakeplan command first when its sources are newer (bin/lakeplan does).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
files=2000
rounds=5
out="$ROOT/bench/results/cli-per-file.json"
jfr=""
baseline=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) files="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --jfr) jfr="$2"; shift 2 ;;
    --baseline) baseline="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

"$ROOT/bin/lakeplan" --version >/dev/null # builds the command when needed
export LAKEPLAN_SKIP_BUILD=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
template="$ROOT/examples/orders/orders.yaml"
write_file() { # index, target file
  sed -e "s/^name: orders\$/name: orders-$1/" \
    -e "s/\\braw\\.orders\\b/raw.orders_$1/g" \
    -e "s/\\bprocess\\.orders\\b/process.orders_$1/g" \
    -e "s/\\bprocess\\.order_history\\b/process.order_history_$1/g" \
    "$template" >"$2"
}
mkdir -p "$work/one" "$work/many"
write_file 0 "$work/one/orders-0.yaml"
for ((i = 0; i < files; i++)); do
  write_file "$i" "$work/many/orders-$i.yaml"
done

# one timed call: appends "build command side wall user sys" to the samples
run() { # build (current or baseline), label, side, lakeplan arguments...
  local build="$1" label="$2" side="$3" launcher="$ROOT/bin/lakeplan"
  shift 3
  [[ "$build" == baseline ]] && launcher="$baseline/bin/lakeplan"
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$launcher" "$@" >"$work/stdout" 2>"$work/stderr" || {
    echo "lakeplan $* failed:" >&2
    cat "$work/stderr" >&2
    exit 1
  }
  echo "$build $label $side $(tail -n 1 "$work/time")" >>"$work/samples"
}

: >"$work/samples"
for ((round = 1; round <= rounds; round++)); do
  for build in current ${baseline:+baseline}; do
    for side in one many; do
      run "$build" validate "$side" validate "$work/$side"
      run "$build" plan-json "$side" plan "$work/$side" --format json
    done
  done
  echo "round $round of $rounds done" >&2
done
# the outputs of the N-file runs, as a check that they did the work
validate_line=$("$ROOT/bin/lakeplan" validate "$work/many" | tail -n 1)
dag_count=$("$ROOT/bin/lakeplan" plan "$work/many" --format json | grep -c '"spec-version"' || true)

if [[ -n "$jfr" ]]; then
  mkdir -p "$jfr"
  LAKEPLAN_JAVA_OPTS="-XX:StartFlightRecording=filename=$jfr/validate-$files.jfr,settings=profile" \
    "$ROOT/bin/lakeplan" validate "$work/many" >/dev/null 2>&1
  LAKEPLAN_JAVA_OPTS="-XX:StartFlightRecording=filename=$jfr/plan-json-$files.jfr,settings=profile" \
    "$ROOT/bin/lakeplan" plan "$work/many" --format json >/dev/null 2>&1
fi

python3 - "$work/samples" "$files" "$rounds" "$out" "$validate_line" "$dag_count" <<'EOF'
import json, statistics, subprocess, sys, datetime, os
samples, files, rounds, out, validate_line, dag_count = sys.argv[1:]
files, rounds = int(files), int(rounds)
rows = {}
for line in open(samples):
    build, label, side, wall, user, system = line.split()
    rows.setdefault((build, label, side), []).append(
        {"wall_ms": float(wall) * 1000, "cpu_ms": (float(user) + float(system)) * 1000})
result = {
    "benchmark": "lakeplan CLI, cost per use-case file (bench/run-cli-bench.sh)",
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip(),
    "machine": f"{os.cpu_count()} cores, shared with other processes",
    "files": files, "rounds": rounds,
    "template": "examples/orders/orders.yaml, use-case and table names made unique per file",
    "check": {"validate_output": validate_line, "plan_json_dags": int(dag_count)},
    "builds": {},
}
for build, label, command in [(b, l, c) for b in ("current", "baseline")
                              if (b, "validate", "one") in rows
                              for l, c in (("validate", "lakeplan validate DIR"),
                                           ("plan-json", "lakeplan plan DIR --format json"))]:
    entry = {"command": command}
    for measure in ("wall_ms", "cpu_ms"):
        one = statistics.median(r[measure] for r in rows[(build, label, "one")])
        many = statistics.median(r[measure] for r in rows[(build, label, "many")])
        entry[measure] = {
            "one_file_median": round(one),
            f"{files}_files_median": round(many),
            "per_file_beyond_one": round((many - one) / (files - 1), 3),
            "one_file_runs": [round(r[measure]) for r in rows[(build, label, "one")]],
            f"{files}_files_runs": [round(r[measure]) for r in rows[(build, label, "many")]],
        }
    result["builds"].setdefault(build, {})[label] = entry
    print(f"{build}: {command}: 1 file {entry['wall_ms']['one_file_median']} ms, {files} files "
          f"{entry['wall_ms'][f'{files}_files_median']} ms -> "
          f"{entry['wall_ms']['per_file_beyond_one']} ms per file (wall), "
          f"{entry['cpu_ms']['per_file_beyond_one']} ms per file (cpu)")
with open(out, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
print("wrote", out)
EOF
