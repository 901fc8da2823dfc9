"""End-to-end harness: real redis-server and the three real service binaries
on free loopback ports, and Python gRPC stubs generated at test time.

Environment: BACKPLAN_BUILD_DIR (default build/) holds the binaries.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BACKPLAN_BUILD_DIR", os.path.join(ROOT, "build"))
HERE = os.path.dirname(os.path.abspath(__file__))


def _generate_stubs():
    out = tempfile.mkdtemp(prefix="backplan-stubs-")
    protos = [os.path.join("backplan", "v1", p) for p in
              ("plan.proto", "decomposition.proto", "prioritization.proto",
               "scheduling.proto")]
    subprocess.run(
        ["protoc", "-I", os.path.join(ROOT, "proto"),
         "-I", os.path.join(HERE, "protos"),
         "--python_out", out, "--grpc_python_out", out,
         "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin"]
        + protos + ["grpcstd/health.proto",
                    "grpcstd/reflection.proto"],
        check=True)
    sys.path.insert(0, out)


_generate_stubs()

import grpc  # noqa: E402
from backplan.v1 import decomposition_pb2, decomposition_pb2_grpc  # noqa: E402,F401
from backplan.v1 import plan_pb2  # noqa: E402,F401
from backplan.v1 import prioritization_pb2, prioritization_pb2_grpc  # noqa: E402,F401
from backplan.v1 import scheduling_pb2, scheduling_pb2_grpc  # noqa: E402,F401
from grpcstd import health_pb2, health_pb2_grpc  # noqa: E402,F401
from grpcstd import reflection_pb2, reflection_pb2_grpc  # noqa: E402,F401

SERVICES = ("decomposition", "prioritization", "scheduling")
CLI = os.path.join(BUILD, "tools", "backplan", "backplan")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return time.monotonic()
        time.sleep(0.05)
    raise AssertionError("timed out after %.1f s waiting for %s" % (timeout_s, what))


class Redis:
    def __init__(self, workdir):
        self.dir = workdir
        self.port = free_port()
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.ping, 10, "redis-server")

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), 0.2) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port


def _read(path):
    if path is None:
        return None
    with open(path, "rb") as f:
        return f.read()


def make_channel(address, ca=None, cert=None, key=None, token=None,
                 server_name=None):
    """The Python side of libs/channel's client factory: plaintext without a
    CA; TLS against `ca`; mutual TLS with `cert`/`key`; `token` sent as
    `authorization: Bearer` on every call (over TLS only)."""
    if ca is None and cert is None:
        if token is not None:
            raise ValueError("a token is sent only over TLS")
        return grpc.insecure_channel(address)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=_read(ca), private_key=_read(key),
        certificate_chain=_read(cert))
    if token is not None:
        credentials = grpc.composite_channel_credentials(
            credentials, grpc.access_token_call_credentials(token))
    options = []
    if server_name:
        options.append(("grpc.ssl_target_name_override", server_name))
    return grpc.secure_channel(address, credentials, options)


class Service:
    def __init__(self, name, workdir, redis_address, extra_args=(),
                 auth_args=("--auth=none",), client=None):
        """`auth_args` are the server's --auth flags (loopback tests run
        --auth=none); `client` the keyword arguments of make_channel the
        harness's own channel uses."""
        self.name = name
        self.auth_args = list(auth_args)
        self.client = dict(client or {})
        self.binary = os.path.join(BUILD, "services", name, "backplan-" + name)
        self.port_file = os.path.join(workdir, name + ".port")
        self.log_path = os.path.join(workdir, name + ".log")
        self.redis_address = redis_address
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = None
        self.channel = None

    def start(self):
        if os.path.exists(self.port_file):
            os.remove(self.port_file)
        args = [self.binary, "--port=0", "--port_file=" + self.port_file,
                "--metrics_port=0", "--redis=" + self.redis_address,
                "--store_check_interval_ms=200", "--grace_period_s=10",
                "--redis_timeout_ms=300", "--log_level=debug"] + self.auth_args + self.extra_args
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        wait_until(lambda: os.path.exists(self.port_file) or self.proc.poll() is not None,
                   20, self.name + " port file")
        if self.proc.poll() is not None:
            raise AssertionError("%s exited: %s" % (self.name, self.logs()))
        with open(self.port_file) as f:
            self.port = int(f.read().strip())
        self.channel = make_channel("127.0.0.1:%d" % self.port, **self.client)
        wait_until(lambda: self.health("") == health_pb2.HealthCheckResponse.SERVING,
                   20, self.name + " SERVING")

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def health(self, service):
        try:
            return health_pb2_grpc.HealthStub(self.channel).Check(
                health_pb2.HealthCheckRequest(service=service), timeout=1).status
        except grpc.RpcError:
            return None

    def stop(self, sig=signal.SIGTERM):
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        code = self.proc.wait(30)
        self.proc = None
        self.channel.close()
        self.log.close()
        return code

    def logs(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log_lines(self):
        lines = []
        for line in self.logs().splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                pass
        return lines


class Cluster:
    """Redis and the three services; scheduling talks to prioritization."""

    def __init__(self, prioritization_address=None):
        self.dir = tempfile.mkdtemp(prefix="backplan-e2e-")
        self.redis = Redis(self.dir)
        self.redis.start()
        self.services = {}
        for name in ("decomposition", "prioritization"):
            self.services[name] = Service(name, self.dir, self.redis.address)
            self.services[name].start()
        prio = prioritization_address or self.services["prioritization"].address
        self.services["scheduling"] = Service(
            "scheduling", self.dir, self.redis.address,
            ["--prioritization_address=" + prio])
        self.services["scheduling"].start()

    def stub(self, name):
        channel = self.services[name].channel
        return {
            "decomposition": decomposition_pb2_grpc.DecompositionServiceStub,
            "prioritization": prioritization_pb2_grpc.PrioritizationServiceStub,
            "scheduling": scheduling_pb2_grpc.SchedulingServiceStub,
        }[name](channel)

    def close(self):
        for service in self.services.values():
            if service.proc is not None:
                service.stop()
        self.redis.stop()


class ClusterTestCase(unittest.TestCase):
    """A test class with one Cluster (Redis and the three services) shared by
    its tests, a stub per service, and assertCode for expected errors."""

    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster()
        cls.decomposition = cls.cluster.stub("decomposition")
        cls.prioritization = cls.cluster.stub("prioritization")
        cls.scheduling = cls.cluster.stub("scheduling")

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()

    def assertCode(self, code, call, *args, contains=(), **kwargs):
        with self.assertRaises(grpc.RpcError) as raised:
            call(*args, **kwargs)
        self.assertEqual(raised.exception.code(), code, raised.exception.details())
        for text in contains:
            self.assertIn(text, raised.exception.details())
        return raised.exception


class CliTestCase(ClusterTestCase):
    """A ClusterTestCase with `cli()`, which runs the `backplan` CLI against
    the cluster (`flags` point it there), `cli_json()`, and a temporary
    directory `tmp` (prefix `tmp_prefix`) that `write()` puts files in."""

    tmp_prefix = "backplan-cli-"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.cluster.services
        cls.flags = ["--decomposition=" + s["decomposition"].address,
                     "--prioritization=" + s["prioritization"].address,
                     "--scheduling=" + s["scheduling"].address,
                     "--timeout_s=20"]
        cls.tmp = tempfile.mkdtemp(prefix=cls.tmp_prefix)

    def command(self, *args):
        """The CLI's argv with the cluster flags, for callers that start it
        themselves (subprocess.Popen)."""
        return [CLI] + self.flags + list(args)

    def cli(self, *args, code=0):
        """Runs the CLI; asserts the exit code; returns (stdout, stderr)."""
        proc = subprocess.run(self.command(*args), cwd=ROOT, capture_output=True,
                              text=True, timeout=60)
        self.assertEqual(proc.returncode, code,
                         "backplan %s\nstdout:\n%s\nstderr:\n%s"
                         % (" ".join(args), proc.stdout, proc.stderr))
        return proc.stdout, proc.stderr

    def cli_json(self, *args):
        """`backplan --json args`, which must exit 0, parsed."""
        out, _ = self.cli("--json", *args)
        return json.loads(out)

    def write(self, name, text):
        """Writes `text` to the file `name` in `tmp`; returns its path."""
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path


def date(y, m, d):
    return plan_pb2.Date(year=y, month=m, day=d)


def ymd(message):
    return (message.year, message.month, message.day)


def chain_plan(title="ship the reader"):
    """a (2 days) -> b (3 days); target Wed 2027-06-30, start Mon 2027-06-07."""
    plan = plan_pb2.Plan()
    plan.outcome.title = title
    plan.outcome.target_date.CopyFrom(date(2027, 6, 30))
    plan.outcome.start_date.CopyFrom(date(2027, 6, 7))
    a = plan.tasks.add(id="a", title="build it", duration_days=2)
    a.attributes.importance = 3
    b = plan.tasks.add(id="b", title="launch it", duration_days=3)
    b.attributes.importance = 9
    c = plan.tasks.add(id="c", title="write docs", duration_days=1)
    c.attributes.importance = 6
    plan.dependencies.add(predecessor_id="a", successor_id="b")
    return plan


def metadata(tenant=None, request_id=None):
    md = []
    if tenant:
        md.append(("x-backplan-tenant", tenant))
    if request_id:
        md.append(("x-request-id", request_id))
    return md
