"""The raw-insert ceiling: a bare FastAPI app storing each request body with one sqlite3 INSERT.

What any Python web app on this machine could at best do per submission: no validation, no
ORM, no middleware; one INSERT and commit under a process lock (SQLite takes one writer at a
time). Served like Trustmeter, by app.serving's workers on one SO_REUSEPORT port each:

    python -m bench.ceiling_app --database FILE --port N [--workers 2]
"""

import argparse
import os
import sqlite3
import threading

from fastapi import FastAPI, Request
from fastapi.responses import Response

DATABASE_VARIABLE = "BENCH_CEILING_DATABASE"
SCHEMA = "CREATE TABLE IF NOT EXISTS submission (id INTEGER PRIMARY KEY, token TEXT, body BLOB)"

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
_lock = threading.Lock()
_local = threading.local()


def _connection() -> sqlite3.Connection:
    # One connection per thread: sqlite3 connections are not shared between threads.
    connection: sqlite3.Connection | None = getattr(_local, "connection", None)
    if connection is None:
        connection = sqlite3.connect(os.environ[DATABASE_VARIABLE], timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")  # as Trustmeter's SQLite engine
        _local.connection = connection
    return connection


@app.post("/submissions/{token}", status_code=201)
async def store(token: str, request: Request) -> Response:
    body = await request.body()
    with _lock:
        connection = _connection()
        connection.execute("INSERT INTO submission (token, body) VALUES (?, ?)", (token, body))
        connection.commit()
    return Response(status_code=201)


def prepare(database: str) -> None:
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(SCHEMA)


def count(database: str) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute("SELECT count(*) FROM submission").fetchone()[0])


def main() -> None:
    from app import serving

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    prepare(args.database)
    os.environ[DATABASE_VARIABLE] = args.database  # read by the spawned workers
    options = {
        "app": "bench.ceiling_app:app",
        "host": "127.0.0.1",
        "port": args.port,
        "log_level": "info",  # "Application startup complete" tells the bench it is up
        "access_log": False,
    }
    serving.serve(options, workers=args.workers)


if __name__ == "__main__":
    main()
