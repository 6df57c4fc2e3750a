"""An S3 API on 127.0.0.1 for the tests of the private storage's S3 form: moto's server
(ThreadedMotoServer) in a thread of the test process, spoken to over real HTTP by the
same boto3 and django-storages code that production runs. Nothing of boto is mocked:
moto's in-process interception stays off, so every request crosses a socket.

Each test gets a bucket of its own and the settings the environment would give
(scr/settings.py read afresh with PRIVATE_STORAGE=s3 and the AWS_ variables)."""

import logging
import uuid

import boto3
import pytest

from tests.environment import settings_from

REGION = "eu-west-2"


@pytest.fixture(scope="session")
def s3_endpoint():
    """The address of a moto server on a free port of 127.0.0.1, for the whole run."""
    from moto.server import ThreadedMotoServer

    # One log line per request would bury a failing test's own output.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_environment(endpoint: str, bucket: str) -> dict[str, str]:
    return {
        "PRIVATE_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_LOCATION": "scr",
        "AWS_ACCESS_KEY_ID": "test-key-id",
        "AWS_SECRET_ACCESS_KEY": "test-secret-key",
    }


@pytest.fixture
def s3_client(s3_endpoint):
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="test-key-id",
        aws_secret_access_key="test-secret-key",
    )


@pytest.fixture
def bucket(s3_client, s3_endpoint, settings, monkeypatch, tmp_path):
    """A new private bucket, and the private storage moved into it (under the key
    prefix scr/). PRIVATE_FILES_ROOT points at a folder that must stay empty."""
    name = f"scr-test-{uuid.uuid4().hex[:16]}"
    s3_client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    loaded = settings_from(s3_environment(s3_endpoint, name), monkeypatch)
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.STORAGES = {**settings.STORAGES, "private": loaded["STORAGES"]["private"]}
    yield name
    for page in s3_client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for entry in page.get("Contents", []):
            s3_client.delete_object(Bucket=name, Key=entry["Key"])
    s3_client.delete_bucket(Bucket=name)


@pytest.fixture
def objects(s3_client, bucket):
    """`objects()`: the keys in the test's bucket, sorted."""

    def keys() -> list[str]:
        found = s3_client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return sorted(entry["Key"] for entry in found)

    return keys
