"""The adapter to the AWS API: the only module that imports boto3, and only when AWS is used.

It asks EC2 ``DescribeInstanceTypes`` for ``MemoryInfo.SizeInMiB``: by name in batches of at most
100 (the API's limit), or every type of a region through the paginator. Configuration is AWS's
own: ``--region``/``--profile``, else ``AWS_REGION``/``AWS_DEFAULT_REGION``, ``AWS_PROFILE``,
``AWS_ENDPOINT_URL``/``AWS_ENDPOINT_URL_EC2`` and the shared config files; retries use botocore's
``standard`` mode (``AWS_MAX_ATTEMPTS`` still sets the attempts, 3 by default). Every botocore
error leaves this module as a one-line :class:`EnvironmentProblem` or :class:`InputError`.
"""

from __future__ import annotations

import os
import re
from typing import Any, Callable, Iterator, NamedTuple, Sequence, TypeVar

from generator.errors import EnvironmentProblem, InputError

BATCH = 100
"""DescribeInstanceTypes accepts at most 100 instance types per request."""

ACTION = "ec2:DescribeInstanceTypes"

_ACCESS_DENIED = {"UnauthorizedOperation", "AccessDenied", "AccessDeniedException"}
_BAD_CREDENTIALS = {"AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "RequestExpired"}
_THROTTLED = {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
              "RequestThrottled", "RequestThrottledException", "SlowDown"}  # fmt: skip
_LISTED = re.compile(r"\[([^\]]*)\]")

T = TypeVar("T")


class UnknownToAws(InputError):
    """AWS says these instance types do not exist (``InvalidInstanceType``)."""

    def __init__(self, names: Sequence[str], region: str) -> None:
        self.names = tuple(names)
        self.region = region
        super().__init__(f"{ACTION} in {region} does not know instance type(s): {', '.join(names) or '(unnamed)'}")


class Where(NamedTuple):
    """Which account and region to ask; ``None`` leaves the choice to AWS's usual configuration."""

    region: str | None = None
    profile: str | None = None


def _region(where: Where) -> str | None:
    # botocore reads AWS_DEFAULT_REGION itself; AWS_REGION, which the other SDKs document, we pass on.
    return where.region or os.environ.get("AWS_REGION") or None


def client(where: Where) -> Any:
    """An EC2 client with standard retries; configuration errors become one-line errors."""
    import boto3
    import botocore.config
    import botocore.exceptions

    try:
        session = boto3.session.Session(profile_name=where.profile, region_name=_region(where))
        config = botocore.config.Config(retries={"mode": "standard"}, user_agent_extra="maxmap")
        return session.client("ec2", config=config)
    except botocore.exceptions.ProfileNotFound as e:
        raise InputError(f"AWS profile {e.kwargs.get('profile')!r} is not configured (--profile, AWS_PROFILE)") from e
    except botocore.exceptions.NoRegionError as e:
        raise EnvironmentProblem("no AWS region: give --region or set AWS_REGION") from e
    except botocore.exceptions.BotoCoreError as e:
        raise EnvironmentProblem(f"AWS configuration: {e}") from e


def _call(ec2: Any, what: Callable[[], T]) -> T:
    """Run one AWS request (or paginated listing), turning botocore's errors into ours."""
    import botocore.exceptions

    region = ec2.meta.region_name
    try:
        return what()
    except botocore.exceptions.NoCredentialsError as e:
        raise EnvironmentProblem(
            "no AWS credentials found (configure a profile, AWS_PROFILE or AWS_ACCESS_KEY_ID; "
            "the bundled table needs none: --source bundled)"
        ) from e
    except botocore.exceptions.ClientError as e:
        error = e.response.get("Error", {})
        code, message = str(error.get("Code", "")), str(error.get("Message", "")).strip()
        attempts = int(e.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)) + 1
        if code == "InvalidInstanceType":
            listed = _LISTED.search(message)
            names = [n.strip() for n in listed.group(1).split(",")] if listed else []
            raise UnknownToAws(names, region) from e
        if code in _ACCESS_DENIED:
            raise EnvironmentProblem(
                f"access denied by AWS ({code}): the credentials need the IAM action {ACTION}"
            ) from e
        if code in _BAD_CREDENTIALS:
            raise EnvironmentProblem(f"AWS rejected the credentials ({code}): {message}") from e
        if code in _THROTTLED:
            raise EnvironmentProblem(
                f"AWS throttled {ACTION} in {region} ({code}) after {attempts} attempt(s); try again later "
                "or raise AWS_MAX_ATTEMPTS"
            ) from e
        raise EnvironmentProblem(f"AWS error from {ACTION} in {region}: {code}: {message}") from e
    except (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionError) as e:
        endpoint = getattr(e, "kwargs", {}).get("endpoint_url") or ec2.meta.endpoint_url
        raise EnvironmentProblem(f"cannot reach the EC2 endpoint {endpoint}: {e.__class__.__name__}") from e
    except botocore.exceptions.BotoCoreError as e:
        raise EnvironmentProblem(f"AWS request failed: {e}") from e


def _batches(names: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(names), BATCH):
        yield list(names[start : start + BATCH])


def describe_memory(names: Sequence[str], where: Where, ec2: Any = None) -> dict[str, int]:
    """Memory (MiB) of each named type, asking at most :data:`BATCH` names per request.

    Raises :class:`UnknownToAws` naming every type AWS does not know (after asking again
    without the ones it named, so one typo does not hide the rest).
    """
    ec2 = ec2 if ec2 is not None else client(where)
    found: dict[str, int] = {}
    unknown: list[str] = []
    for batch in _batches(list(dict.fromkeys(names))):
        while batch:
            try:
                response = _call(ec2, lambda: ec2.describe_instance_types(InstanceTypes=batch))
            except UnknownToAws as e:
                rejected = [n for n in e.names if n in batch]
                if not rejected:  # AWS named nothing we asked for: give up on the whole batch
                    rejected = batch
                unknown += rejected
                batch = [n for n in batch if n not in rejected]
                continue
            for item in response.get("InstanceTypes", []):
                found[item["InstanceType"]] = int(item["MemoryInfo"]["SizeInMiB"])
            break
    if unknown:
        raise UnknownToAws(unknown, region_of(ec2))
    return found


def list_memory(where: Where, ec2: Any = None) -> dict[str, int]:
    """Memory (MiB) of every instance type offered in the region, through the paginator."""
    ec2 = ec2 if ec2 is not None else client(where)

    def every_page() -> dict[str, int]:
        found: dict[str, int] = {}
        for page in ec2.get_paginator("describe_instance_types").paginate():
            for item in page.get("InstanceTypes", []):
                found[item["InstanceType"]] = int(item["MemoryInfo"]["SizeInMiB"])
        return found

    return _call(ec2, every_page)


def region_of(ec2: Any) -> str:
    """The region a client talks to (for provenance and messages)."""
    return str(ec2.meta.region_name)
