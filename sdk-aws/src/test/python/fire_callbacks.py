#!/usr/bin/env python3
"""Fire the notification callbacks of one rendered DAG file as Airflow would, for real.

Usage (with a venv built by bin/setup-airflow, AWS settings in the environment):

    .venv-airflow/bin/python sdk-aws/src/test/python/fire_callbacks.py DAG_FILE TASK_ID \
        TRY_NUMBER ATTEMPTS RUN_ID LOG_URL EXCEPTION_TEXT SLA_LOGICAL_DATE

Loads DAG_FILE and calls every callback of the task's on_failure_callback and on_retry_callback
and of the DAG's on_success_callback with a context holding what their templates read (ti with
task_id, try_number, task.retries = ATTEMPTS - 1 and log_url; run_id; dag; the exception), as
Airflow calls a notifier: each renders its templates and sends (SNS publishes, Slack posts). For
the SLA it fires what the file's Airflow version has:

- Airflow 2: the DAG's sla_miss_callback, with one SLA miss of the scheduled run at
  SLA_LOGICAL_DATE (ISO 8601), as the DAG processor calls it;
- Airflow 3.1+: each of the DAG's deadline alerts, serialized and read back as the scheduler
  stores it, then run by Airflow's DeadlineCallbackTrigger (what the triggerer runs) with the
  context the scheduler gives it (dag_run as DAGRunResponse dumps it: dag_run_id, dag_id). The
  provider's SnsNotifier publishes through aiobotocore there; in a venv without it, the notifier
  the trigger would import is built from the same stored arguments and called with the same
  context, publishing synchronously ("ran": "sync" instead of "triggerer").

Stdout carries exactly one JSON document (everything Airflow logs goes to stderr):

    {"version": "3.1.8", "serialized": true,
     "fired": {"FAILURE": n, "RETRY": n, "SUCCESS": n, "SLA_MISS": n},
     "task_sla_seconds": [...], "sla_miss_callback": bool,
     "deadlines": [{"reference": str, "interval_seconds": float, "path": str, "status": str,
                    "ran": "triggerer" | "sync", "body": the trigger's last event body}],
     "warnings": [every WARNING or worse log line]}

AIRFLOW_HOME defaults to a temporary directory that is removed afterwards.
"""
from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import os
import runpy
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"


class Warnings(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def _list(callbacks):
    if not callbacks:
        return []
    return list(callbacks) if isinstance(callbacks, (list, tuple)) else [callbacks]


def _state(payload):
    state = payload.get("state")
    return str(getattr(state, "value", state))


def main(argv: list[str]) -> int:
    dag_file, task_id, try_number, attempts, run_id, log_url, error, sla_date = argv
    json_fd = os.dup(1)
    os.dup2(2, 1)
    tmp_home = None
    if not os.environ.get("AIRFLOW_HOME"):
        tmp_home = tempfile.mkdtemp(prefix="fire-callbacks-airflow-home-")
        os.environ["AIRFLOW_HOME"] = tmp_home
    warnings = Warnings()
    try:
        import airflow
        import pendulum

        dag = runpy.run_path(dag_file)["dag"]
        task = dag.get_task(task_id)
        # after Airflow has configured logging: on root, and on loggers that do not propagate
        logging.getLogger().addHandler(warnings)
        for logger in list(logging.root.manager.loggerDict.values()):
            if isinstance(logger, logging.Logger) and not logger.propagate:
                logger.addHandler(warnings)

        class Task:
            retries = int(attempts) - 1

        class TaskInstance:
            pass

        ti = TaskInstance()
        ti.task_id = task_id
        ti.try_number = int(try_number)
        ti.task = Task()
        ti.log_url = log_url

        report = {"version": airflow.__version__, "fired": {}, "deadlines": []}
        # as the DAG processor stores it: callbacks, SLAs and deadline alerts must serialize
        from airflow.serialization import serialized_objects

        # Airflow 3.3 renamed the serializer DagSerialization (SerializedDAG is now the model)
        serializer = getattr(serialized_objects, "DagSerialization", None)
        if serializer is None:
            serializer = serialized_objects.SerializedDAG
        report["serialized"] = bool(serializer.to_dict(dag))
        for event, callbacks in (
            ("FAILURE", task.on_failure_callback),
            ("RETRY", task.on_retry_callback),
            ("SUCCESS", dag.on_success_callback),
        ):
            fired = 0
            for callback in _list(callbacks):
                context = {"ti": ti, "run_id": run_id, "dag": dag}
                if event != "SUCCESS":
                    context["exception"] = RuntimeError(error)
                callback(context)
                fired += 1
            report["fired"][event] = fired

        report["task_sla_seconds"] = sorted(
            {t.sla.total_seconds() for t in dag.tasks if getattr(t, "sla", None)}
        )
        sla_miss_callback = getattr(dag, "sla_miss_callback", None)
        report["sla_miss_callback"] = sla_miss_callback is not None
        fired = 0
        if sla_miss_callback is not None and airflow.__version__.startswith("2."):

            class SlaMiss:
                execution_date = pendulum.parse(sla_date)

            sla_miss_callback(dag, "", "", [SlaMiss()], [])
            fired = 1
        for alert in getattr(dag, "deadline", None) or []:
            from airflow.sdk.definitions.deadline import DeadlineAlert
            try:
                from airflow.utils.module_loading import import_string
            except ImportError:  # Airflow 3.3
                from airflow._shared.module_loading import import_string

            try:  # Airflow 3.1 and 3.2
                from airflow.triggers.deadline import DeadlineCallbackTrigger
            except ImportError:  # Airflow 3.3 names it CallbackTrigger
                from airflow.triggers.callback import CallbackTrigger as DeadlineCallbackTrigger

            if hasattr(DeadlineAlert, "serialize_deadline_alert"):
                stored = DeadlineAlert.deserialize_deadline_alert(alert.serialize_deadline_alert())
            else:
                # Airflow 3.3 stores deadline alerts with the DAG (serialized above)
                stored = alert
            context = {
                "dag_run": {"dag_run_id": run_id, "dag_id": dag.dag_id},
                "deadline": {"id": "0", "deadline_time": sla_date},
            }
            trigger = DeadlineCallbackTrigger(
                callback_path=stored.callback.path,
                callback_kwargs=(stored.callback.kwargs or {}) | {"context": context},
            )

            async def run(trigger=trigger):
                return [event.payload async for event in trigger.run()]

            alert_report = {
                "reference": type(stored.reference).__name__,
                "interval_seconds": stored.interval.total_seconds(),
                "path": stored.callback.path,
            }
            if importlib.util.find_spec("aiobotocore") is not None:
                payloads = asyncio.run(run())
                alert_report["status"] = _state(payloads[-1]) if payloads else ""
                alert_report["body"] = str(payloads[-1].get("body")) if payloads else ""
                alert_report["ran"] = "triggerer"
            else:
                # the provider's async SNS client needs aiobotocore, which this venv lacks: the
                # same notifier, built from the same arguments and context, publishes synchronously
                notifier_class = import_string(stored.callback.path)
                notifier = notifier_class(**(stored.callback.kwargs or {}))
                notifier(context)
                alert_report["status"] = "success"
                alert_report["ran"] = "sync"
            report["deadlines"].append(alert_report)
            fired += 1
        report["fired"]["SLA_MISS"] = fired
        report["warnings"] = warnings.lines
        with os.fdopen(json_fd, "wb", closefd=False) as out:
            out.write((json.dumps(report, sort_keys=True) + "\n").encode())
            out.flush()
        return 0
    finally:
        if tmp_home:
            shutil.rmtree(tmp_home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
