#!/usr/bin/env python3
"""Parse a folder of Airflow DAG files with DagBag and print one JSON report.

Usage (with the venv built by bin/setup-airflow):

    .venv-airflow-VERSION/bin/python sdk-aws/src/test/python/dagbag_report.py DAG_FOLDER [--stats] [--indent N]

Stdout carries exactly one JSON document (everything Airflow logs goes to stderr):

    {"import_errors": {file: message},
     "warnings": {file: [message, ...]},            # warnings Airflow captured while importing the file
     "dags": {dag_id: {
         "fileloc": str,
         "schedule": str | null,    # the schedule as written: "@daily", cron text, "PT6H" for a timedelta
                                    # (java.time.Duration form), "Asset" for asset/dataset-triggered DAGs,
                                    # the timetable summary for a timetable object, null for schedule=None
         "timetable": str,          # timetable class name (CronTriggerTimetable, CronDataIntervalTimetable, ...)
         "asset_condition": str | null,  # e.g. "(s3://a & s3://b) | s3://c"; null unless asset-triggered
         "timezone": str, "start_date": ISO-8601 str | null,
         "tags": [sorted], "owner": str, "catchup": bool, "max_active_runs": int,
         "tasks": {task_id: {"operator": str, "upstream": [sorted], "downstream": [sorted], "retries": int,
                             "pool": str, "pool_slots": int,
                             "inlets": [sorted uris],       # only when the task declares inlets
                             "sensor": {"external_dag_id": str,   # only for ExternalTaskSensor
                                        "execution_delta": str,   # only when set
                                        # with an execution_date_fn: what it returns for a probe date
                                        "probe_logical_date": ISO str, "probe_upstream_date": ISO str}}},
         "datasets_consumed": [sorted uris], "datasets_produced": {task_id: [sorted uris]}}},
     "parse_seconds": float,
     "file_stats": {file: {"seconds": float, "dags": int, "tasks": int}}   # only with --stats
    }

Works on Airflow 3.x (airflow.sdk Asset) and 2.10+ (airflow.datasets Dataset) by feature detection.
AIRFLOW_HOME defaults to a temporary directory that is removed afterwards, and no bytecode is
written next to the DAG files, so parsing a folder inside the repository leaves the repository clean.

Exit status: 0 when the report was produced (import errors are data, not a failure);
2 when the folder is missing or Airflow itself cannot be loaded (a JSON document with the
reason under import_errors["<dagbag_report>"] is still printed).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import inspect
import json
import os
import shutil
import sys
import tempfile
import time
import traceback

# Before anything imports a DAG file: no __pycache__ next to DAG files or their helpers.
sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"

REPORT_KEY = "<dagbag_report>"


def _emit(doc: dict, out_fd: int, indent: int | None) -> None:
    data = (json.dumps(doc, indent=indent, sort_keys=True, default=str) + "\n").encode()
    with os.fdopen(out_fd, "wb", closefd=False) as out:
        out.write(data)
        out.flush()


def _duration_iso(td: _dt.timedelta) -> str:
    """timedelta -> the text java.time.Duration.toString() prints for it (PT6H, PT24H, PT1M30S)."""
    total = td.days * 86400 + td.seconds
    micros = td.microseconds
    if total == 0 and micros == 0:
        return "PT0S"
    sign = "-" if total < 0 else ""
    total = abs(total)
    hours, rem = divmod(total, 3600)
    minutes, seconds = divmod(rem, 60)
    out = "PT"
    if hours:
        out += f"{sign}{hours}H"
    if minutes:
        out += f"{sign}{minutes}M"
    if seconds or micros:
        frac = f".{micros:06d}".rstrip("0") if micros else ""
        out += f"{sign}{seconds}{frac}S"
    return out


# ---- assets / datasets (Airflow 3 Asset*, Airflow 2 Dataset*) -----------------------------------

def _asset_uri(obj) -> str | None:
    uri = getattr(obj, "uri", None)
    return uri if isinstance(uri, str) else None


def _asset_expr(obj) -> str:
    """Readable boolean expression of an asset/dataset condition."""
    children = getattr(obj, "objects", None)
    name = type(obj).__name__
    if isinstance(obj, (list, tuple)):
        children, name = obj, "All"
    if children is not None and (name.endswith("All") or name.endswith("Any")):
        op = " & " if name.endswith("All") else " | "
        parts = []
        for child in children:
            text = _asset_expr(child)
            if getattr(child, "objects", None) is not None and len(getattr(child, "objects")) > 1:
                text = f"({text})"
            parts.append(text)
        return op.join(parts)
    uri = _asset_uri(obj)
    if uri is not None:
        return uri
    if "Alias" in name:
        return f"alias:{getattr(obj, 'name', '?')}"
    if "Ref" in name:  # Airflow 3 AssetNameRef / AssetUriRef
        return f"ref:{getattr(obj, 'name', None) or getattr(obj, 'uri', '?')}"
    return repr(obj)


def _asset_uris(obj) -> list[str]:
    if obj is None:
        return []
    uris: set[str] = set()
    for meth in ("iter_assets", "iter_datasets"):  # Airflow 3 / Airflow 2
        fn = getattr(obj, meth, None)
        if callable(fn):
            for _key, asset in fn():
                uri = _asset_uri(asset)
                if uri is not None:
                    uris.add(uri)
            return sorted(uris)
    if isinstance(obj, (list, tuple)):
        for item in obj:
            uris.update(_asset_uris(item))
    elif _asset_uri(obj) is not None:
        uris.add(_asset_uri(obj))
    return sorted(uris)


def _asset_condition(dag):
    """The asset/dataset condition that triggers the DAG, or None for time-only schedules."""
    timetable = dag.timetable
    for attr in ("asset_condition", "dataset_condition"):  # Airflow 3 / Airflow 2 timetables
        cond = getattr(timetable, attr, None)
        if cond is not None and not type(cond).__name__.startswith("_Null"):
            return cond
    cond = getattr(dag, "dataset_triggers", None)  # older Airflow 2
    if cond:
        return cond
    return None


# ---- schedule --------------------------------------------------------------------------------------

def _schedule_text(dag, asset_cond) -> str | None:
    timetable = dag.timetable
    tt_name = type(timetable).__name__
    if asset_cond is not None and tt_name in ("AssetTriggeredTimetable", "DatasetTriggeredTimetable"):
        return "Asset"
    if hasattr(dag, "schedule"):  # Airflow 3: the value passed as schedule=
        raw = dag.schedule
    else:  # Airflow 2: schedule_interval holds the raw value (or the summary for timetables)
        raw = getattr(dag, "schedule_interval", None)
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw
    if isinstance(raw, _dt.timedelta):
        return _duration_iso(raw)
    if type(raw).__name__ == "relativedelta":
        return str(raw)
    summary = getattr(timetable, "summary", None)
    return str(summary) if summary is not None else repr(raw)


def _owner(dag) -> str:
    owners = sorted({str(t.owner) for t in dag.tasks if getattr(t, "owner", None)})
    if owners:
        return ", ".join(owners)
    return str((dag.default_args or {}).get("owner", "airflow"))


def _describe_dag(dag) -> dict:
    asset_cond = _asset_condition(dag)
    tasks = {}
    produced = {}
    for task in dag.tasks:
        tasks[task.task_id] = {
            "operator": getattr(task, "task_type", None) or type(task).__name__,
            "upstream": sorted(task.upstream_task_ids),
            "downstream": sorted(task.downstream_task_ids),
            "retries": int(task.retries or 0),
            "pool": str(getattr(task, "pool", None)),
            "pool_slots": int(getattr(task, "pool_slots", 1) or 1),
        }
        inlets = _asset_uris(list(getattr(task, "inlets", None) or []))
        if inlets:
            tasks[task.task_id]["inlets"] = inlets
        external = getattr(task, "external_dag_id", None)
        if isinstance(external, str):
            sensor = {"external_dag_id": external}
            fn = getattr(task, "execution_date_fn", None)
            if callable(fn):
                probe = _dt.datetime(2024, 6, 3, 5, 0, tzinfo=_dt.timezone.utc)
                sensor["probe_logical_date"] = probe.isoformat()
                sensor["probe_upstream_date"] = fn(probe).isoformat()
            delta = getattr(task, "execution_delta", None)
            if delta is not None:
                sensor["execution_delta"] = _duration_iso(delta)
            tasks[task.task_id]["sensor"] = sensor
        uris = _asset_uris(list(getattr(task, "outlets", None) or []))
        if uris:
            produced[task.task_id] = uris
    start = dag.start_date
    if start is None:  # start_date only in default_args / on tasks (e.g. dag-factory on Airflow 3)
        task_starts = [t.start_date for t in dag.tasks if getattr(t, "start_date", None) is not None]
        start = min(task_starts) if task_starts else None
    tz = getattr(dag, "timezone", None)
    return {
        "fileloc": dag.fileloc,
        "schedule": _schedule_text(dag, asset_cond),
        "timetable": type(dag.timetable).__name__,
        "asset_condition": _asset_expr(asset_cond) if asset_cond is not None else None,
        "timezone": getattr(tz, "name", None) or (str(tz) if tz is not None else None),
        "start_date": start.isoformat() if start is not None else None,
        "tags": sorted(str(t) for t in (dag.tags or [])),
        "owner": _owner(dag),
        "catchup": bool(dag.catchup),
        "max_active_runs": int(dag.max_active_runs),
        "tasks": tasks,
        "datasets_consumed": _asset_uris(asset_cond),
        "datasets_produced": produced,
    }


def _import_dagbag_class():
    try:  # Airflow 3.2+ location (feature-detected; 3.1 still has airflow.models.dagbag)
        from airflow.dag_processing.dagbag import DagBag  # type: ignore
        return DagBag
    except ImportError:
        from airflow.models.dagbag import DagBag  # type: ignore
        return DagBag


def _file_stats(bag, folder: str) -> dict:
    stats = {}
    for st in getattr(bag, "dagbag_stats", None) or []:
        name = str(st.file)
        # Airflow reports the path relative to the DAG folder (with a leading "/") or absolute.
        path = name if os.path.isfile(name) else os.path.join(folder, name.lstrip("/"))
        dur = st.duration
        secs = dur.total_seconds() if isinstance(dur, _dt.timedelta) else float(dur)
        stats[os.path.normpath(path)] = {"seconds": round(secs, 6), "dags": int(st.dag_num), "tasks": int(st.task_num)}
    return stats


def build_report(folder: str, with_stats: bool) -> dict:
    DagBag = _import_dagbag_class()
    # Airflow 3.3's DagBag has no include_examples (the examples are a bundle of their own, kept
    # out by AIRFLOW__CORE__LOAD_EXAMPLES=False); earlier ones take it.
    options = {"include_examples": False} if "include_examples" in inspect.signature(DagBag).parameters else {}
    started = time.perf_counter()
    bag = DagBag(dag_folder=folder, **options)
    parse_seconds = time.perf_counter() - started

    report: dict = {
        "import_errors": {str(k): str(v) for k, v in bag.import_errors.items()},
        "warnings": {str(k): [str(m) for m in v] for k, v in (getattr(bag, "captured_warnings", None) or {}).items()},
        "dags": {},
        "parse_seconds": round(parse_seconds, 6),
    }
    for dag_id in sorted(bag.dags):
        dag = bag.dags[dag_id]
        try:
            report["dags"][dag_id] = _describe_dag(dag)
        except Exception:  # never let one odd DAG hide the others
            key = str(getattr(dag, "fileloc", dag_id))
            msg = f"{REPORT_KEY}: could not describe DAG {dag_id!r}:\n{traceback.format_exc()}"
            report["import_errors"][key] = (report["import_errors"].get(key, "") + "\n" + msg).strip()
    if with_stats:
        report["file_stats"] = _file_stats(bag, folder)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dag_folder")
    parser.add_argument("--stats", action="store_true", help="add per-file parse times from DagBag stats")
    parser.add_argument("--indent", type=int, default=None, help="pretty-print JSON")
    args = parser.parse_args(argv)

    # Keep stdout for the JSON document only: Airflow and DAG files may print or log to fd 1.
    sys.stdout.flush()
    json_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    folder = os.path.abspath(args.dag_folder)
    tmp_home = None
    if not os.environ.get("AIRFLOW_HOME"):
        tmp_home = tempfile.mkdtemp(prefix="dagbag-report-airflow-home-")
        os.environ["AIRFLOW_HOME"] = tmp_home
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = folder
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")

    code = 0
    try:
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"DAG folder not found: {folder}")
        report = build_report(folder, args.stats)
    except Exception:
        code = 2
        report = {
            "import_errors": {REPORT_KEY: traceback.format_exc()},
            "warnings": {},
            "dags": {},
            "parse_seconds": 0.0,
        }
    finally:
        if tmp_home:
            shutil.rmtree(tmp_home, ignore_errors=True)
    _emit(report, json_fd, args.indent)
    return code


if __name__ == "__main__":
    sys.exit(main())
