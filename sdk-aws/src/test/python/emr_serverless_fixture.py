#!/usr/bin/env python3
"""EMR Serverless fixture for AirflowDagsTestIT, against a moto server.

    python emr_serverless_fixture.py ENDPOINT create-app          -> prints the application id
    python emr_serverless_fixture.py ENDPOINT list-runs APP_ID    -> prints the job runs as JSON

Credentials and region are moto's test values (us-east-1, testing/testing).
"""
import json
import sys

import boto3


def main(endpoint: str, command: str, *args: str) -> None:
    client = boto3.client(
        "emr-serverless",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    if command == "create-app":
        app = client.create_application(name="lakeplan", releaseLabel="emr-7.12.0", type="SPARK")
        print(app["applicationId"])
    elif command == "list-runs":
        runs = []
        try:
            summaries = client.list_job_runs(applicationId=args[0])["jobRuns"]
        except client.exceptions.ResourceNotFoundException:
            # moto reports an application without job runs as not found; a missing one still fails
            client.get_application(applicationId=args[0])
            summaries = []
        for summary in summaries:
            run = client.get_job_run(applicationId=args[0], jobRunId=summary["id"])["jobRun"]
            runs.append({
                "name": run.get("name"),
                "state": run["state"],
                "executionRole": run["executionRole"],
                "jobDriver": run["jobDriver"],
                "configurationOverrides": run.get("configurationOverrides"),
            })
        print(json.dumps(sorted(runs, key=lambda run: run["name"] or "")))
    else:
        raise SystemExit(f"unknown command: {command}")


if __name__ == "__main__":
    main(*sys.argv[1:])
