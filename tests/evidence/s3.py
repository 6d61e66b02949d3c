"""An S3-compatible server for tests: moto in server mode, on loopback, on a free port."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from siaga.core.settings import Settings
from siaga.core.storage import S3Storage, get_storage
from tests.fixtures.client import settings_for

ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"
REGION = "us-east-1"
_buckets = itertools.count(1)


@contextmanager
def moto_server() -> Iterator[str]:
    """Start the server; yields its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def new_bucket(endpoint: str) -> str:
    """A fresh bucket, so tests sharing the server never see each other's objects."""
    name = f"siaga-test-{next(_buckets)}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return name


def s3_settings(endpoint: str, bucket: str, storage_dir: Path, **overrides: Any) -> Settings:
    return settings_for(
        "sqlite:///unused.db",
        storage_backend="s3",
        s3_bucket=bucket,
        s3_endpoint_url=endpoint,
        s3_region=REGION,
        s3_access_key_id=ACCESS_KEY,
        s3_secret_access_key=SECRET_KEY,
        storage_dir=storage_dir,
        **overrides,
    )


def s3_storage(endpoint: str, bucket: str, storage_dir: Path, prefix: str = "") -> S3Storage:
    storage = get_storage(s3_settings(endpoint, bucket, storage_dir, s3_prefix=prefix))
    assert isinstance(storage, S3Storage)
    return storage
