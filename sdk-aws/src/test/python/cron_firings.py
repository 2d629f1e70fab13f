#!/usr/bin/env python3
"""Evaluate cron expressions with Airflow's own cron timetable and print one JSON report.

Usage: .venv-airflow-VERSION/bin/python sdk-aws/src/test/python/cron_firings.py EXPRESSIONS_JSON START COUNT

EXPRESSIONS_JSON is a file holding a JSON list of expressions; START an ISO-8601 UTC minute
(2024-01-01T00:00). Stdout carries {expression: {"error": str | null, "firings": [ISO minutes]}}:
the first COUNT firings strictly after START as Airflow's CronMixin computes them (croniter, UTC),
or the error Airflow's timetable validation raises.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import tempfile


def main() -> int:
    path, start_text, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    json_fd = os.dup(1)
    os.dup2(2, 1)  # Airflow may print on import: keep stdout for the report
    os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="cron-firings-"))
    logging.disable(logging.CRITICAL)
    import pendulum
    from airflow.timetables.interval import CronDataIntervalTimetable

    start = pendulum.parse(start_text, tz="UTC")
    report = {}
    for expression in json.load(open(path, encoding="utf-8")):
        try:
            timetable = CronDataIntervalTimetable(expression, "UTC")
            timetable.validate()
            firings, current = [], start
            for _ in range(count):
                current = timetable._get_next(current)
                firings.append(current.strftime("%Y-%m-%dT%H:%M"))
            report[expression] = {"error": None, "firings": firings}
        except Exception as error:  # the reason Airflow refuses it is the data
            report[expression] = {"error": f"{type(error).__name__}: {error}", "firings": []}
    with os.fdopen(json_fd, "w", encoding="utf-8") as out:
        json.dump(report, out, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
