"""Live lookup through the AWS API, against a local moto server and botocore's Stubber (SPEC 3, 7).

Nothing here leaves 127.0.0.1: pytest-socket blocks every other address, the AWS environment is
replaced with fake credentials, and the instance metadata service is switched off.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any, Callable, Iterator

import boto3
import pytest
from botocore.stub import Stubber

from conftest import CliResult, run_maxmap
from generator import aws, instance_table
from generator.inputs import Input, requirements_for
from generator.instances import Lookup, resolve

pytest.importorskip("moto.server", reason="moto[server] comes with the test extra")
from moto.server import ThreadedMotoServer  # noqa: E402

AWS_VARIABLES = [name for name in os.environ if name.startswith("AWS_")]


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A clean AWS environment: fake keys, no shared files, no metadata service, one region."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """A moto server on a free port of 127.0.0.1, for the whole module."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def ec2_endpoint(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point boto3's EC2 client at the moto server, the standard way."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", moto_url)
    return moto_url


@pytest.fixture
def api_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every EC2 API call our clients make (retries not counted), by operation name."""
    calls: list[str] = []
    real_client = aws.client

    def counting_client(where: aws.Where) -> Any:
        ec2 = real_client(where)
        ec2.meta.events.register("before-call.ec2.*", lambda model, **_: calls.append(model.name))
        return ec2

    monkeypatch.setattr(aws, "client", counting_client)
    return calls


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- a real HTTP endpoint: moto's server --------------------------------------------------------


def test_lookup_from_aws(ec2_endpoint: str, cli: Callable[..., CliResult]) -> None:
    result = cli("lookup", "r6i.32xlarge", "u-3tb1.56xlarge", "--source", "aws")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[1].split()[:2] == ["r6i.32xlarge", "1048576"] and lines[1].endswith("aws:us-east-1")
    assert lines[2].split()[:2] == ["u-3tb1.56xlarge", "3145728"]


def test_value_from_aws_with_region_and_aws_region(ec2_endpoint: str, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    assert cli("value", "--instance-type", "x2iedn.32xlarge", "--source", "aws", "--region", "eu-west-1").out == "16777216\n"
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    found = resolve(["r6i.large"], Lookup(source="aws"))
    assert found["r6i.large"].source == "aws:eu-central-1"


def test_unknown_type_from_aws_names_every_one_with_suggestions(ec2_endpoint: str, cli, api_calls: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = cli("lookup", "r6i.large", "r6i.32xlarg", "zz9.big", "--source", "aws")
    assert result.code == 2 and result.out == ""
    assert "'r6i.32xlarg' (did you mean r6i.32xlarge" in result.err and "'zz9.big'" in result.err
    assert "DescribeInstanceTypes in us-east-1" in result.err
    assert len(result.err.splitlines()) == 1
    assert api_calls == ["DescribeInstanceTypes", "DescribeInstanceTypes"]  # the batch, then without the two


def test_auto_asks_aws_only_for_types_the_table_lacks(ec2_endpoint: str, api_calls: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve(["r6i.large", "u-24tb1.metal"], Lookup(source="auto"))["r6i.large"].source == "moto"
    assert api_calls == []
    # Pretend the table lacks r6i.large: auto must ask AWS for it, and for it alone.
    table = instance_table.raw()
    monkeypatch.setattr(instance_table, "raw", lambda: {**table, "types": {k: v for k, v in table["types"].items() if k != "r6i.large"}})
    found = resolve(["r6i.large", "u-24tb1.metal"], Lookup(source="auto"))
    assert found["r6i.large"].source == "aws:us-east-1" and found["u-24tb1.metal"].source == "aws-sap-hana"
    assert api_calls == ["DescribeInstanceTypes"]


def test_250_types_resolve_in_3_calls(ec2_endpoint: str, api_calls: list[str]) -> None:
    names = sorted(name for name, (_, source) in instance_table.raw()["types"].items() if source == "moto")[:250]
    items = [Input("instance-type", name) for name in names]
    requirements = requirements_for(items, Lookup(source="aws"))
    assert len(requirements) == 250 and api_calls == ["DescribeInstanceTypes"] * 3
    assert all(r.value == 4 * instance_table.raw()["types"][r.input][0] for r in requirements)


@pytest.mark.slow  # moto takes seconds to answer with every type
def test_table_from_aws_uses_the_paginator(ec2_endpoint: str, cli, api_calls: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = cli("table", "u7in*", "--source", "aws", "--json")
    assert result.code == 0, result.err
    assert "u7in-32tb.224xlarge" in result.out and "aws:us-east-1" in result.out
    assert api_calls and set(api_calls) == {"DescribeInstanceTypes"}


@pytest.mark.slow  # moto takes seconds to answer with every type
def test_refresh_table_from_moto_is_a_no_op(ec2_endpoint: str, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    output = tmp_path / "instance-types.json"
    result = cli("refresh-table", "--region", "us-east-1", "-o", str(output), "--date", "2030-01-01")
    assert result.code == 0, result.err
    assert "0 added, 0 changed" in result.err
    # moto's server answers with the very figures the table was built from: same bytes, no churn.
    assert output.read_text(encoding="utf-8") == Path(instance_table.path()).read_text(encoding="utf-8")


def test_endpoint_down_is_a_clean_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**os.environ, "AWS_ENDPOINT_URL_EC2": f"http://127.0.0.1:{free_port()}", "AWS_MAX_ATTEMPTS": "2"}
    result = run_maxmap("value", "--instance-type", "r6i.32xlarge", "--source", "aws", env=env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("maxmap: error: cannot reach the EC2 endpoint http://127.0.0.1:")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_stopped_moto_server_is_a_clean_exit_2(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", f"http://{host}:{port}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    try:
        assert cli("value", "--instance-type", "r6i.large", "--source", "aws").out == "65536\n"
    finally:
        server.stop()
    result = cli("value", "--instance-type", "r6i.large", "--source", "aws")
    assert result.code == 2 and "cannot reach the EC2 endpoint" in result.err


# --- configuration errors ------------------------------------------------------------------------


def test_no_credentials(monkeypatch: pytest.MonkeyPatch, cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", f"http://127.0.0.1:{free_port()}")
    result = cli("lookup", "r6i.large", "--source", "aws")
    assert result.code == 2 and result.err.startswith("maxmap: error: no AWS credentials found")


def test_no_region(monkeypatch: pytest.MonkeyPatch, cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    result = cli("lookup", "r6i.large", "--source", "aws")
    assert result.code == 2 and "no AWS region: give --region or set AWS_REGION" in result.err


def test_unknown_profile(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("lookup", "r6i.large", "--source", "aws", "--profile", "nosuch")
    assert result.code == 2 and "AWS profile 'nosuch' is not configured" in result.err


def test_bundled_source_never_touches_aws(monkeypatch: pytest.MonkeyPatch, cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(aws, "client", lambda where: pytest.fail("AWS was asked"))
    assert cli("value", "--instance-type", "u7inh-32tb.480xlarge").out == "134217728\n"


# --- what moto cannot show: pagination, throttling, refusals (botocore's Stubber) -----------------


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber]]:
    ec2 = boto3.client("ec2", region_name="us-east-1")
    with Stubber(ec2) as stubber:
        yield ec2, stubber
        stubber.assert_no_pending_responses()


def page(*types: tuple[str, int], token: str | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"InstanceTypes": [{"InstanceType": n, "MemoryInfo": {"SizeInMiB": m}} for n, m in types]}
    if token:
        response["NextToken"] = token
    return response


def test_listing_follows_every_page(stubbed: tuple[Any, Stubber]) -> None:
    ec2, stubber = stubbed
    stubber.add_response("describe_instance_types", page(("a1.large", 4096), token="t1"), {})
    stubber.add_response("describe_instance_types", page(("b1.large", 8192), token="t2"), {"NextToken": "t1"})
    stubber.add_response("describe_instance_types", page(("c1.large", 2048)), {"NextToken": "t2"})
    assert aws.list_memory(aws.Where(), ec2) == {"a1.large": 4096, "b1.large": 8192, "c1.large": 2048}


def test_names_go_in_batches_of_100(stubbed: tuple[Any, Stubber]) -> None:
    ec2, stubber = stubbed
    names = [f"z{i}.large" for i in range(201)]
    for start in (0, 100, 200):
        batch = names[start : start + 100]
        stubber.add_response("describe_instance_types", page(*[(n, 1024) for n in batch]), {"InstanceTypes": batch})
    assert len(aws.describe_memory(names, aws.Where(), ec2)) == 201


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("RequestLimitExceeded", 503, "AWS throttled ec2:DescribeInstanceTypes in us-east-1 (RequestLimitExceeded) after 3 attempt(s)"),
        ("Throttling", 400, "AWS throttled ec2:DescribeInstanceTypes"),
        ("UnauthorizedOperation", 403, "access denied by AWS (UnauthorizedOperation): the credentials need the IAM action ec2:DescribeInstanceTypes"),
        ("AuthFailure", 401, "AWS rejected the credentials (AuthFailure)"),
        ("InternalError", 500, "AWS error from ec2:DescribeInstanceTypes in us-east-1: InternalError"),
    ],
)  # fmt: skip
def test_aws_errors_become_one_line_exit_2(stubbed, monkeypatch: pytest.MonkeyPatch, cli, code: str, status: int, expected: str) -> None:  # type: ignore[no-untyped-def]
    ec2, stubber = stubbed
    stubber.add_client_error(
        "describe_instance_types", service_error_code=code, service_message="no", http_status_code=status,
        response_meta={"RetryAttempts": 2},
    )  # fmt: skip
    monkeypatch.setattr(aws, "client", lambda where: ec2)
    result = cli("lookup", "r6i.large", "--source", "aws")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith(f"maxmap: error: {expected}")
    assert len(result.err.splitlines()) == 1


# --- real retries: an endpoint on 127.0.0.1 that always throttles ---------------------------------

THROTTLED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code>'
    b"<Message>Request limit exceeded.</Message></Error></Errors><RequestID>maxmap-test</RequestID></Response>"
)


@pytest.fixture
def throttling_endpoint() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server that answers every request with EC2's throttling error; records each request."""
    import http.server
    import threading

    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            requests.append(self.path)
            self.send_response(503)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(THROTTLED)))
            self.end_headers()
            self.wfile.write(THROTTLED)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def test_throttling_is_retried_in_standard_mode_then_reported(
    throttling_endpoint: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch, cli: Callable[..., CliResult]
) -> None:
    url, requests = throttling_endpoint
    monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", url)
    result = cli("value", "--instance-type", "r6i.large", "--source", "aws")
    assert result.code == 2
    assert len(requests) == 3  # standard mode: three attempts in all
    assert result.err == (
        "maxmap: error: AWS throttled ec2:DescribeInstanceTypes in us-east-1 (RequestLimitExceeded) after 3 attempt(s); "
        "try again later or raise AWS_MAX_ATTEMPTS\n"
    )


def test_render_from_aws_regenerates_with_the_source(ec2_endpoint: str, cli: Callable[..., CliResult]) -> None:
    result = cli("render", "--format", "sysctl-conf", "--instance-type", "r6i.32xlarge", "--source", "aws",
                 "--region", "us-east-1")  # fmt: skip
    assert result.code == 0, result.err
    assert ("Regenerate with: maxmap render --format sysctl-conf --instance-type r6i.32xlarge --source aws "
            "--region us-east-1") in result.out  # fmt: skip
