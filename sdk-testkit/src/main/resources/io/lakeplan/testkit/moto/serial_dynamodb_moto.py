"""moto_server with DynamoDB's requests served one at a time.

DynamoDB applies each conditional write atomically. moto's server answers requests on several
threads and its DynamoDB backend takes no lock, so two conditional writes racing on one item can
both succeed there: a compare-and-set contract test then loses updates that real DynamoDB never
loses. Serialising DynamoDB's requests (and only those) gives moto the atomicity the real service
has; every other service keeps moto's threaded server.

Usage: python serial_dynamodb_moto.py HOST PORT
"""

import os
import sys
import threading

from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

_DYNAMODB = threading.Lock()


class SerialDynamoDb:
    """A WSGI wrapper holding one lock around each DynamoDB request, body included."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            with _DYNAMODB:
                return list(self.app(environ, start_response))
        return self.app(environ, start_response)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True
    run_simple(
        host,
        port,
        SerialDynamoDb(app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
