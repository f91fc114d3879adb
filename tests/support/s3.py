"""A real S3 API server for the media tests: moto's standalone server (`moto[server]`, in
requirements.txt), started here as a child process on a free port. CI has no Docker; moto needs none.
Never a silent skip: without moto, or when it does not answer, the tests fail and say why."""

import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from tests.support.processes import free_port, stop
from tests.support.waiting import wait_until

# Any key works with moto; these are the S3 settings a shop would have, pointed at it.
ACCESS_KEY, SECRET_KEY, REGION = "media-tests", "media-tests-secret", "us-east-1"


@dataclass
class S3Server:
    endpoint: str

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)

    def new_bucket(self) -> str:
        """A fresh, empty bucket whose objects anyone may read (as README's setup makes a shop's bucket):
        each test sees only its own objects."""
        name = f"media-{uuid.uuid4().hex[:16]}"
        client = self.client()
        client.create_bucket(Bucket=name)
        client.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*",
        }]}))
        return name

    def keys(self, bucket: str) -> set[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def env(self, bucket: str) -> dict[str, str]:
        """The environment variables (.env.example) that put a shop's media in `bucket` on this server."""
        return {"AWS_STORAGE_BUCKET_NAME": bucket, "AWS_S3_ENDPOINT_URL": self.endpoint,
                "AWS_S3_REGION_NAME": REGION, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}


@contextmanager
def moto_s3_server() -> Iterator[S3Server]:
    try:
        import moto.server  # noqa: F401
    except ImportError as exc:
        pytest.fail(f"The media tests need moto's S3 server: pip install -r requirements.txt ({exc}).")
    port = free_port()
    # Its log (a line per request) goes to a file: a pipe nobody reads fills up and the server hangs.
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=log, stderr=subprocess.STDOUT, text=True)
    endpoint = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        if process.poll() is not None:
            return True  # exited: reported below
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2).close()
            return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    if not wait_until(answering, timeout=60, interval=0.1) or process.poll() is not None:
        stop(process)
        log.seek(0)
        pytest.fail(f"moto's S3 server (python -m moto.server) did not start on port {port}:\n{log.read()[-2000:]}")
    try:
        yield S3Server(endpoint)
    finally:
        stop(process)
        log.close()


def s3_storage(server: S3Server, bucket: str) -> dict:
    """STORAGES["default"] as shop/settings.py builds it from `server.env(bucket)`."""
    from django.conf import settings

    return {"BACKEND": "core.storage.BucketStorage", "OPTIONS": {
        "bucket_name": bucket, "endpoint_url": server.endpoint, "region_name": REGION,
        "access_key": ACCESS_KEY, "secret_key": SECRET_KEY, "custom_domain": None, "location": "",
        "file_overwrite": False, "querystring_auth": False, "default_acl": None,
        "object_parameters": {"CacheControl": settings.MEDIA_CACHE_CONTROL},
    }}
