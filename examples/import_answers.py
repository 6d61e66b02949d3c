"""Send a CSV of answers (period,region,indicator,value,narrative[,status]) to Siaga.

    SIAGA_URL=https://siaga.example.go.id SIAGA_API_KEY=sgk_... python import_answers.py a.csv

Needs httpx. Exit status: 0 imported, 1 row errors (nothing written), 2 request refused.
"""

import os
import sys
import uuid
from pathlib import Path

import httpx


def send(client: httpx.Client, path: Path, dry_run: bool, key: str = "") -> httpx.Response:
    with path.open("rb") as file:  # streamed from disk, not read into memory
        return client.post(
            "/api/v1/imports",
            params={"kind": "submissions", "dry_run": "true" if dry_run else "false"},
            files={"file": (path.name, file, "text/csv")},
            headers={"Idempotency-Key": key} if key else {},
        )


def report(response: httpx.Response) -> int:
    body = response.json()
    if response.status_code != 200:  # the file as a whole was refused: {"error": {...}}
        print(f"refused ({response.status_code}): {body['error']['message']}")
        return 2
    for error in body["errors"]:  # the first 1,000; all of them: body["errors_csv_url"]
        print(f"row {error['row']}, column {error['column']}: {error['message_en']}")
    print(f"batch {body['id']} {body['status']}: {body['counts']}")
    return 0 if body["status"] == "succeeded" else 1


def main(argv: list[str] | None = None, client: httpx.Client | None = None) -> int:
    path = Path((sys.argv[1:] if argv is None else argv)[0])
    client = client or httpx.Client(
        base_url=os.environ["SIAGA_URL"],
        headers={"Authorization": f"Bearer {os.environ['SIAGA_API_KEY']}"},
        timeout=600,  # a large file takes a while to check and write
    )
    # 1. Dry run: the server checks every row and writes nothing.
    status = report(send(client, path, dry_run=True))
    if status != 0:
        return status
    # 2. The real import, all rows or none. If the connection drops, a retry with the same
    #    Idempotency-Key returns the first result instead of importing twice.
    key = str(uuid.uuid4())
    try:
        response = send(client, path, dry_run=False, key=key)
    except httpx.TransportError:
        response = send(client, path, dry_run=False, key=key)
    return report(response)


if __name__ == "__main__":
    sys.exit(main())
