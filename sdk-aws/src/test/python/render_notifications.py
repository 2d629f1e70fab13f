#!/usr/bin/env python3
"""Render the SNS notifications of one rendered DAG file as Airflow would when its callbacks fire.

Usage (with a venv built by bin/setup-airflow):

    .venv-airflow-VERSION/bin/python sdk-aws/src/test/python/render_notifications.py DAG_FILE TASK_ID \
        TRY_NUMBER ATTEMPTS RUN_ID LOG_URL EXCEPTION_TEXT

Loads DAG_FILE, takes the first SnsNotifier of the task's on_failure_callback and
on_retry_callback and of the DAG's on_success_callback, and renders each one's templated fields
(subject, message, message_attributes) with the notifier's own render_template_fields, in a context
holding what those templates read: ti (task_id, try_number, task.retries = ATTEMPTS - 1, log_url),
run_id, dag and, for a task's events, the exception. Nothing is published.

Stdout carries exactly one JSON document (everything Airflow logs goes to stderr):

    {"FAILURE": {"subject": str, "message": str, "attributes": {name: value}}, "RETRY": ..., "SUCCESS": ...}

with an entry for each callback the DAG has. AIRFLOW_HOME defaults to a temporary directory that
is removed afterwards; no bytecode is written next to the DAG file.
"""
from __future__ import annotations

import json
import os
import runpy
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"


def _first(callbacks):
    if not callbacks:
        return None
    return callbacks[0] if isinstance(callbacks, (list, tuple)) else callbacks


def main(argv: list[str]) -> int:
    dag_file, task_id, try_number, attempts, run_id, log_url, error = argv
    json_fd = os.dup(1)
    os.dup2(2, 1)
    tmp_home = None
    if not os.environ.get("AIRFLOW_HOME"):
        tmp_home = tempfile.mkdtemp(prefix="render-notifications-airflow-home-")
        os.environ["AIRFLOW_HOME"] = tmp_home
    try:
        dag = runpy.run_path(dag_file)["dag"]
        task = dag.get_task(task_id)

        class Task:
            retries = int(attempts) - 1

        class TaskInstance:
            pass

        ti = TaskInstance()
        ti.task_id = task_id
        ti.try_number = int(try_number)
        ti.task = Task()
        ti.log_url = log_url

        rendered = {}
        for event, callbacks in (
            ("FAILURE", task.on_failure_callback),
            ("RETRY", task.on_retry_callback),
            ("SUCCESS", dag.on_success_callback),
        ):
            notifier = _first(callbacks)
            if notifier is None:
                continue
            context = {"ti": ti, "run_id": run_id, "dag": dag}
            if event != "SUCCESS":
                context["exception"] = RuntimeError(error)
            notifier.render_template_fields(context)
            rendered[event] = {
                "subject": notifier.subject,
                "message": notifier.message,
                "attributes": notifier.message_attributes,
            }
        with os.fdopen(json_fd, "wb", closefd=False) as out:
            out.write((json.dumps(rendered, sort_keys=True) + "\n").encode())
            out.flush()
        return 0
    finally:
        if tmp_home:
            shutil.rmtree(tmp_home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
