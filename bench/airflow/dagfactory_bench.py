#!/usr/bin/env python3
"""DagBag parse-time benchmark: dag-factory YAML DAGs vs. plain static DAG files.

Run with the venv built by bin/setup-airflow:

    .venv-airflow-VERSION/bin/python bench/airflow/dagfactory_bench.py [-n 200] [-k 3] [--tasks 5]
        [--compare DIR [--baseline DIR]] [--keep] [--out FILE]

1. Generates N dag-factory configs into a temporary folder, one DAG per YAML file and one
   small loader .py per YAML (dag_0001.yml + dag_0001.py), the usual layout when each team
   owns its own DAG; each DAG has --tasks BashOperator tasks (fan-out/fan-in) and a cron schedule.
2. Parses the folder with DagBag(dag_folder=..., include_examples=False) K times and reports
   the median whole-folder wall time and per-file times from DagBag.dagbag_stats.
3. With --compare DIR, parses DIR (already-rendered plain static DAG files) the same way in the
   same process, interleaved with the dag-factory runs, and reports the ratio. With --baseline DIR
   too (e.g. the same DAGs rendered by an earlier version), parses that folder the same way in the
   same rounds and reports it against both.

One warm-up parse of each folder runs first (its time is reported as "first_parse_seconds"):
it pays for importing operator modules and dag-factory once, as a long-lived DAG processor
does. Each parse's wall time and the process's CPU time are recorded: on a machine shared with
other work, CPU time is the steadier of the two. Prints one JSON document on stdout; logs go to stderr. Writes nothing outside the
temporary folder (AIRFLOW_HOME defaults to a temp dir; no bytecode is written).
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time

sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"


def _setup_env() -> str | None:
    tmp_home = None
    if not os.environ.get("AIRFLOW_HOME"):
        tmp_home = tempfile.mkdtemp(prefix="dagfactory-bench-airflow-home-")
        os.environ["AIRFLOW_HOME"] = tmp_home
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    # dag-factory ships a telemetry listener; keep every run offline.
    os.environ["AIRFLOW__DAG_FACTORY__ENABLE_TELEMETRY"] = "False"
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ["SCARF_NO_ANALYTICS"] = "true"
    return tmp_home


def _bash_operator_path() -> str:
    try:
        import airflow.providers.standard.operators.bash  # noqa: F401  (Airflow 3 / standard provider)
        return "airflow.providers.standard.operators.bash.BashOperator"
    except ImportError:
        return "airflow.operators.bash.BashOperator"


LOADER = '''\
# Airflow DAG loader for {yaml_name} (dag-factory).
from pathlib import Path

from dagfactory import load_yaml_dags

load_yaml_dags(globals_dict=globals(), config_filepath=str(Path(__file__).with_name("{yaml_name}")))
'''


def _yaml_for(i: int, n_tasks: int, operator: str) -> str:
    """One DAG: extract -> transform_1..n-3 (parallel) -> load -> publish  (n_tasks >= 3)."""
    dag_id = f"df_pipeline_{i:04d}"
    lines = [
        f"{dag_id}:",
        "  default_args:",
        "    owner: data-eng",
        "    retries: 2",
        "    start_date: 2024-01-01",
        f'  schedule: "{i % 60} {i % 24} * * *"',
        "  catchup: false",
        "  max_active_runs: 1",
        "  tags: [bench, dagfactory]",
        "  tasks:",
    ]
    middle = [f"transform_{j}" for j in range(1, max(1, n_tasks - 2))]
    names = ["extract", *middle, "load", "publish"][: max(n_tasks, 1)]
    for name in names:
        lines += [f"    - task_id: {name}", f"      operator: {operator}",
                  f'      bash_command: "echo {dag_id}.{name} {{{{ ds }}}}"']
        if name.startswith("transform_"):
            lines.append("      dependencies: [extract]")
        elif name == "load":
            lines.append(f"      dependencies: [{', '.join(middle) if middle else 'extract'}]")
        elif name == "publish":
            lines.append("      dependencies: [load]")
    return "\n".join(lines) + "\n"


def generate(folder: str, n: int, n_tasks: int) -> None:
    operator = _bash_operator_path()
    os.makedirs(folder, exist_ok=True)
    for i in range(1, n + 1):
        base = f"dag_{i:04d}"
        with open(os.path.join(folder, base + ".yml"), "w") as f:
            f.write(_yaml_for(i, n_tasks, operator))
        with open(os.path.join(folder, base + ".py"), "w") as f:
            f.write(LOADER.format(yaml_name=base + ".yml"))


def _dagbag_class():
    try:
        from airflow.dag_processing.dagbag import DagBag  # type: ignore  # newer Airflow 3
    except ImportError:
        from airflow.models.dagbag import DagBag  # type: ignore
    return DagBag


def parse_once(folder: str) -> dict:
    DagBag = _dagbag_class()
    t0 = time.perf_counter()
    c0 = time.process_time()
    # Airflow 3.3's DagBag has no include_examples (AIRFLOW__CORE__LOAD_EXAMPLES keeps them out)
    options = {"include_examples": False} if "include_examples" in inspect.signature(DagBag).parameters else {}
    bag = DagBag(dag_folder=folder, **options)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    per_file = {}
    for st in getattr(bag, "dagbag_stats", None) or []:
        dur = st.duration
        per_file[str(st.file)] = dur.total_seconds() if hasattr(dur, "total_seconds") else float(dur)
    return {
        "wall": wall,
        "cpu": cpu,
        "per_file": per_file,
        "dags": len(bag.dags),
        "tasks": sum(len(d.tasks) for d in bag.dags.values()),
        "import_errors": {str(k): str(v).strip().splitlines()[-1] for k, v in bag.import_errors.items()},
    }


def _pct(values: list[float], q: float) -> float:
    vals = sorted(values)
    if not vals:
        return 0.0
    idx = min(len(vals) - 1, max(0, round(q * (len(vals) - 1))))
    return vals[idx]


def summarize(folder: str, first: dict, runs: list[dict]) -> dict:
    walls = [r["wall"] for r in runs]
    cpus = [r["cpu"] for r in runs]
    sums = [sum(r["per_file"].values()) for r in runs]
    # per file: median over the K runs, then distribution over files
    files = sorted(set().union(*(r["per_file"].keys() for r in runs))) if runs else []
    per_file_median = {f: statistics.median([r["per_file"][f] for r in runs if f in r["per_file"]]) for f in files}
    pf = list(per_file_median.values())
    slowest = sorted(per_file_median.items(), key=lambda kv: kv[1], reverse=True)[:5]
    return {
        "folder": folder,
        "py_files": len(files),
        "dags": runs[-1]["dags"] if runs else first["dags"],
        "tasks": runs[-1]["tasks"] if runs else first["tasks"],
        "import_errors": len(first["import_errors"]),
        "import_error_samples": dict(list(first["import_errors"].items())[:3]),
        "first_parse_seconds": round(first["wall"], 4),
        "wall_seconds_median": round(statistics.median(walls), 4),
        "wall_seconds_runs": [round(w, 4) for w in walls],
        "cpu_seconds_median": round(statistics.median(cpus), 4),
        "cpu_seconds_runs": [round(c, 4) for c in cpus],
        "sum_file_seconds_median": round(statistics.median(sums), 4),
        "per_file_ms": {
            "median": round(1000 * statistics.median(pf), 3) if pf else None,
            "p95": round(1000 * _pct(pf, 0.95), 3) if pf else None,
            "max": round(1000 * max(pf), 3) if pf else None,
        },
        "per_dag_ms_median": round(1000 * statistics.median(walls) / max(1, runs[-1]["dags"]), 3) if runs else None,
        "slowest_files_ms": {f: round(1000 * s, 3) for f, s in slowest},
    }


def _ratios(a: dict, b: dict, runs_a: list[dict], runs_b: list[dict]) -> dict:
    """a over b: of the median wall and CPU times, of the per-file medians, and the median of the
    rounds' own ratios (each round parses both folders back to back)."""
    def div(x, y):
        return round(x / y, 3) if y else None

    return {
        "wall_median": div(a["wall_seconds_median"], b["wall_seconds_median"]),
        "cpu_median": div(a["cpu_seconds_median"], b["cpu_seconds_median"]),
        "per_file_median": div(a["per_file_ms"]["median"], b["per_file_ms"]["median"]),
        "cpu_per_round_median": div(statistics.median(ra["cpu"] / rb["cpu"] for ra, rb in zip(runs_a, runs_b)), 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--dags", type=int, default=200, help="number of dag-factory DAGs (default 200)")
    ap.add_argument("-k", "--repeat", type=int, default=3, help="measured parses per folder (default 3)")
    ap.add_argument("--tasks", type=int, default=5, help="tasks per DAG (default 5)")
    ap.add_argument("--compare", metavar="DIR", help="folder of plain static DAG files to measure the same way")
    ap.add_argument("--baseline", metavar="DIR",
                    help="with --compare: another folder of static DAG files (e.g. the same DAGs as"
                         " rendered before a change) measured in the same rounds")
    ap.add_argument("--workdir", help="generate into this folder instead of a new temp folder")
    ap.add_argument("--dagfactory-dir", metavar="DIR",
                    help="parse this already generated dag-factory folder (YAML + loader .py per DAG,"
                         " e.g. the same use cases as --compare, written by BenchmarkDags) instead of"
                         " generating BashOperator DAGs")
    ap.add_argument("--keep", action="store_true", help="keep the generated folder")
    ap.add_argument("--out", help="also write the JSON summary to this file")
    args = ap.parse_args(argv)

    # Stdout is for the JSON summary only.
    sys.stdout.flush()
    json_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    tmp_home = _setup_env()
    gen_root = args.workdir or tempfile.mkdtemp(prefix="dagfactory-bench-")
    gen_dir = os.path.join(gen_root, "dags") if not args.workdir else gen_root
    compare = os.path.abspath(args.compare) if args.compare else None
    if compare and not os.path.isdir(compare):
        print(f"--compare: not a directory: {compare}", file=sys.stderr)
        return 2
    baseline = os.path.abspath(args.baseline) if args.baseline else None
    if baseline and (not compare or not os.path.isdir(baseline)):
        print(f"--baseline needs --compare and a directory: {baseline}", file=sys.stderr)
        return 2
    try:
        import airflow
        import importlib.metadata as md

        t0 = time.perf_counter()
        if args.dagfactory_dir:
            gen_dir = os.path.abspath(args.dagfactory_dir)
            layout = "same DAGs as --compare (same operators and arguments), one loader .py per YAML file"
        else:
            generate(gen_dir, args.dags, args.tasks)
            layout = "one loader .py per YAML file, BashOperator tasks"
        gen_seconds = time.perf_counter() - t0
        print(f"[bench] dag-factory DAGs in {gen_dir} ({gen_seconds:.2f}s)", file=sys.stderr)

        folders = {"dagfactory": gen_dir}
        if compare:
            folders["static"] = compare
        if baseline:
            folders["baseline"] = baseline
        first = {}
        for name, folder in folders.items():
            print(f"[bench] warm-up parse of {name}: {folder}", file=sys.stderr)
            first[name] = parse_once(folder)
        runs = {name: [] for name in folders}
        for k in range(args.repeat):
            order = list(folders) if k % 2 == 0 else list(reversed(folders))
            for name in order:
                r = parse_once(folders[name])
                runs[name].append(r)
                print(f"[bench] run {k + 1}/{args.repeat} {name}: {r['wall']:.3f}s (cpu {r['cpu']:.3f}s),"
                      f" {r['dags']} dags", file=sys.stderr)

        summary = {
            "airflow_version": airflow.__version__,
            "dag_factory_version": md.version("dag-factory"),
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
            "params": {"dags": args.dags, "tasks_per_dag": args.tasks, "repeat": args.repeat,
                       "layout": layout},
            "generate_seconds": round(gen_seconds, 4),
            "dagfactory": summarize(gen_dir, first["dagfactory"], runs["dagfactory"]),
        }
        if compare:
            summary["static"] = summarize(compare, first["static"], runs["static"])
            s, d = summary["static"], summary["dagfactory"]
            summary["ratio_dagfactory_over_static"] = {
                "wall_median": round(d["wall_seconds_median"] / s["wall_seconds_median"], 3) if s["wall_seconds_median"] else None,
                "per_dag_median": round(d["per_dag_ms_median"] / s["per_dag_ms_median"], 3) if s.get("per_dag_ms_median") else None,
            }
            summary["ratio_static_over_dagfactory"] = _ratios(s, d, runs["static"], runs["dagfactory"])
        if baseline:
            b = summary["baseline"] = summarize(baseline, first["baseline"], runs["baseline"])
            summary["ratio_baseline_over_dagfactory"] = _ratios(b, d, runs["baseline"], runs["dagfactory"])
            summary["ratio_static_over_baseline"] = _ratios(s, b, runs["static"], runs["baseline"])
        if args.keep:
            summary["generated_folder_kept"] = gen_dir
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(gen_root, ignore_errors=True)
        if tmp_home:
            shutil.rmtree(tmp_home, ignore_errors=True)

    text = json.dumps(summary, indent=2, sort_keys=True) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    with os.fdopen(json_fd, "w", closefd=False) as out:
        out.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
