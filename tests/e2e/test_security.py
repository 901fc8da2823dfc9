"""Security end to end: the three real services and Redis, started with
--auth=mtls or --auth=token over TLS with certificates from a throwaway CA
(scripts/make_test_certs.sh), called by a Python gRPC client with
certificates and tokens, and by the `backplan` CLI.

Covers: no credentials / a wrong token -> UNAUTHENTICATED; tenant A cannot
read, list, watch, schedule, export or delete tenant B's plans or books; an
expired or untrusted client certificate fails the handshake; the scheduling
service's trusted identity acts for its caller's tenant only; tokens added to
or removed from the file take effect without a restart; the health port
answers without credentials, the main port does not; a server refuses to
start without --auth.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (grpc, decomposition_pb2, decomposition_pb2_grpc,  # noqa: E402
                     health_pb2, health_pb2_grpc, reflection_pb2,
                     reflection_pb2_grpc, scheduling_pb2,
                     scheduling_pb2_grpc, chain_plan, make_channel, metadata)

CLI = os.path.join(harness.BUILD, "tools", "backplan", "backplan")
SCHEDULING_ID = "spiffe://backplan/service/scheduling"


def make_certs(workdir):
    certs = os.path.join(workdir, "certs")
    subprocess.run([os.path.join(harness.ROOT, "scripts", "make_test_certs.sh"), certs],
                   check=True, stdout=subprocess.DEVNULL)
    return certs


def read(path):
    with open(path) as f:
        return f.read().strip()


BOOK_YAML = """
name: secret-book
recipes:
  - name: ship
    goal: ship {thing}
    tasks:
      - title: build {thing}
        days: 2
"""


class Base(unittest.TestCase):
    """A cluster whose servers all run `auth_args`; subclasses set them."""

    @classmethod
    def start_cluster(cls, auth_args, harness_client, scheduling_args):
        cls.redis = harness.Redis(cls.dir)
        cls.redis.start()
        cls.services = {}
        cls.health_ports = {}
        for name in ("decomposition", "prioritization", "scheduling"):
            extra = []
            if name == "scheduling":
                extra = ["--prioritization_address=" + cls.services["prioritization"].address]
                extra += scheduling_args
            cls.health_ports[name] = harness.free_port()
            extra.append("--health_port=%d" % cls.health_ports[name])
            service = harness.Service(name, cls.dir, cls.redis.address, extra,
                                      auth_args=auth_args, client=harness_client)
            service.start()
            cls.services[name] = service

    @classmethod
    def tearDownClass(cls):
        for service in cls.services.values():
            if service.proc is not None:
                service.stop()
        cls.redis.stop()

    def channel(self, name, **client):
        channel = make_channel(self.services[name].address, **client)
        self.addCleanup(channel.close)
        return channel

    def stubs(self, **client):
        return (decomposition_pb2_grpc.DecompositionServiceStub(self.channel("decomposition", **client)),
                scheduling_pb2_grpc.SchedulingServiceStub(self.channel("scheduling", **client)))

    def assertCode(self, code, call, *args, **kwargs):
        kwargs.setdefault("timeout", 10)
        with self.assertRaises(grpc.RpcError) as raised:
            call(*args, **kwargs)
        self.assertEqual(raised.exception.code(), code, raised.exception.details())
        return raised.exception

    def assert_isolated(self, owner, other):
        """`owner` (client kwargs) stores a plan and a book; `other` cannot
        see, change or delete either, with or without naming owner's tenant;
        the owner still has both afterwards."""
        decomposition, scheduling = self.stubs(**owner)
        book = "secret-book-" + os.urandom(4).hex()  # Unique: tenants may share names.
        plan_id = decomposition.CreatePlan(
            decomposition_pb2.CreatePlanRequest(plan=chain_plan("secret plan")),
            timeout=10).plan_id
        decomposition.PutRecipeBook(
            decomposition_pb2.PutRecipeBookRequest(yaml=BOOK_YAML, name=book),
            timeout=10)
        owner_tenant = decomposition.GetPlan(
            decomposition_pb2.GetPlanRequest(plan_id=plan_id), timeout=10).tenant

        d, s = self.stubs(**other)
        not_found = grpc.StatusCode.NOT_FOUND
        calls = [
            (d.GetPlan, decomposition_pb2.GetPlanRequest(plan_id=plan_id)),
            (d.EditPlan, decomposition_pb2.EditPlanRequest(plan_id=plan_id, base_version=1)),
            (d.DeletePlan, decomposition_pb2.DeletePlanRequest(plan_id=plan_id)),
            (s.Schedule, scheduling_pb2.ScheduleRequest(plan_id=plan_id)),
            (s.Export, scheduling_pb2.ExportRequest(plan_id=plan_id)),
            (d.GetRecipeBook, decomposition_pb2.GetRecipeBookRequest(name=book)),
            (d.DeleteRecipeBook, decomposition_pb2.DeleteRecipeBookRequest(name=book)),
        ]
        for call, request in calls:
            error = self.assertCode(not_found, call, request) if call != d.EditPlan else None
            if error is None:  # EditPlan validates its edits first; never data.
                with self.assertRaises(grpc.RpcError) as raised:
                    call(request, timeout=10)
                self.assertIn(raised.exception.code(),
                              (not_found, grpc.StatusCode.INVALID_ARGUMENT))
            # Naming the owner's tenant is refused outright.
            self.assertCode(grpc.StatusCode.PERMISSION_DENIED, call, request,
                            metadata=metadata(owner_tenant))
        stream = d.WatchPlan(decomposition_pb2.WatchPlanRequest(plan_id=plan_id), timeout=10)
        with self.assertRaises(grpc.RpcError) as raised:
            list(stream)
        self.assertEqual(raised.exception.code(), not_found)
        listed = d.ListPlans(decomposition_pb2.ListPlansRequest(), timeout=10)
        self.assertNotIn(plan_id, [p.plan_id for p in listed.plans])
        books = d.ListRecipeBooks(decomposition_pb2.ListRecipeBooksRequest(), timeout=10)
        self.assertNotIn(book, list(books.names))

        # Still there for the owner.
        self.assertEqual(decomposition.GetPlan(
            decomposition_pb2.GetPlanRequest(plan_id=plan_id), timeout=10).outcome.title,
            "secret plan")
        self.assertEqual(decomposition.GetRecipeBook(
            decomposition_pb2.GetRecipeBookRequest(name=book), timeout=10).version, 1)
        return plan_id

    def check_health_port(self):
        for name, port in self.health_ports.items():
            with grpc.insecure_channel("127.0.0.1:%d" % port) as plain:
                got = health_pb2_grpc.HealthStub(plain).Check(
                    health_pb2.HealthCheckRequest(service=""), timeout=5)
                self.assertEqual(got.status, health_pb2.HealthCheckResponse.SERVING, name)
                store = health_pb2_grpc.HealthStub(plain).Check(
                    health_pb2.HealthCheckRequest(service="backplan.store"), timeout=5)
                self.assertEqual(store.status, health_pb2.HealthCheckResponse.SERVING, name)
                # Only health: no Backplan API, no reflection.
                self.assertCode(grpc.StatusCode.UNIMPLEMENTED,
                                decomposition_pb2_grpc.DecompositionServiceStub(plain).ListPlans,
                                decomposition_pb2.ListPlansRequest())
                stream = reflection_pb2_grpc.ServerReflectionStub(plain).ServerReflectionInfo(
                    iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5)
                with self.assertRaises(grpc.RpcError) as raised:
                    list(stream)
                self.assertEqual(raised.exception.code(), grpc.StatusCode.UNIMPLEMENTED)
            # The main port does not answer plaintext.
            with grpc.insecure_channel(self.services[name].address) as plain:
                self.assertCode(grpc.StatusCode.UNAVAILABLE,
                                health_pb2_grpc.HealthStub(plain).Check,
                                health_pb2.HealthCheckRequest(service=""), timeout=3)


class MutualTls(Base):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="backplan-sec-mtls-")
        c = cls.certs = make_certs(cls.dir)
        p = lambda name: os.path.join(c, name)  # noqa: E731
        cls.client = staticmethod(lambda who: {"ca": p("ca.pem"),
                                               "cert": p("client-%s.pem" % who),
                                               "key": p("client-%s.key" % who)})
        auth = ["--auth=mtls", "--tls_cert=" + p("server.pem"), "--tls_key=" + p("server.key"),
                "--tls_client_ca=" + p("ca.pem"), "--auth_identities=" + p("identities.yaml")]
        cls.start_cluster(auth, cls.client("scheduling"),
                          ["--prioritization_tls_ca=" + p("ca.pem"),
                           "--prioritization_tls_cert=" + p("client-scheduling.pem"),
                           "--prioritization_tls_key=" + p("client-scheduling.key")])

    def test_no_client_certificate_fails_the_handshake(self):
        d, _ = self.stubs(ca=os.path.join(self.certs, "ca.pem"))
        self.assertCode(grpc.StatusCode.UNAVAILABLE, d.ListPlans,
                        decomposition_pb2.ListPlansRequest(), timeout=3)

    def test_expired_or_untrusted_certificate_fails_the_handshake(self):
        for who in ("expired", "untrusted"):
            d, _ = self.stubs(**self.client(who))
            self.assertCode(grpc.StatusCode.UNAVAILABLE, d.ListPlans,
                            decomposition_pb2.ListPlansRequest(), timeout=3)
        # The same identity with a valid certificate gets in.
        d, _ = self.stubs(**self.client("acme"))
        d.ListPlans(decomposition_pb2.ListPlansRequest(), timeout=10)

    def test_tenants_are_isolated(self):
        self.assert_isolated(self.client("acme"), self.client("globex"))
        self.assert_isolated(self.client("globex"), self.client("acme"))

    def test_identity_is_uri_san_else_dns_san_else_cn(self):
        for who, tenant in (("acme", "acme"), ("dns", "initech"), ("cn", "umbrella")):
            d, _ = self.stubs(**self.client(who))
            plan_id = d.CreatePlan(decomposition_pb2.CreatePlanRequest(plan=chain_plan()),
                                   timeout=10).plan_id
            got = d.GetPlan(decomposition_pb2.GetPlanRequest(plan_id=plan_id), timeout=10)
            self.assertEqual(got.tenant, tenant, who)

    def test_scheduling_acts_for_its_callers_tenant_only(self):
        acme_d, acme_s = self.stubs(**self.client("acme"))
        plan_id = acme_d.CreatePlan(decomposition_pb2.CreatePlanRequest(plan=chain_plan()),
                                    timeout=10).plan_id
        response = acme_s.Schedule(scheduling_pb2.ScheduleRequest(plan_id=plan_id),
                                   metadata=metadata(request_id="sec-sched-1"), timeout=20)
        # Prioritization answered the nested call: ranks present, not degraded.
        self.assertFalse(response.degraded, response.degraded_reason)
        self.assertTrue(all(t.rank > 0 for t in response.timeline.tasks if t.duration_days > 0))
        nested = [line for line in self.services["prioritization"].log_lines()
                  if line.get("request_id") == "sec-sched-1" and line.get("msg") == "rpc"]
        self.assertTrue(nested, "prioritization logged no call for sec-sched-1")
        self.assertEqual(nested[-1].get("caller"), SCHEDULING_ID)
        self.assertEqual(nested[-1].get("tenant"), "acme")
        # acme cannot make scheduling act for globex.
        self.assertCode(grpc.StatusCode.PERMISSION_DENIED, acme_s.Schedule,
                        scheduling_pb2.ScheduleRequest(plan_id=plan_id),
                        metadata=metadata("globex"))

    def test_health_port_answers_without_credentials(self):
        self.check_health_port()

    def test_log_line_names_the_caller(self):
        d, _ = self.stubs(**self.client("globex"))
        d.ListPlans(decomposition_pb2.ListPlansRequest(),
                    metadata=metadata(request_id="sec-log-1"), timeout=10)
        lines = [line for line in self.services["decomposition"].log_lines()
                 if line.get("request_id") == "sec-log-1"]
        self.assertEqual(lines[-1]["caller"], "spiffe://backplan/tenant/globex")
        self.assertEqual(lines[-1]["tenant"], "globex")

    def test_stored_events_name_the_caller(self):
        d, _ = self.stubs(**self.client("globex"))
        plan_id = d.CreatePlan(decomposition_pb2.CreatePlanRequest(plan=chain_plan()),
                               timeout=10).plan_id
        stream = d.WatchPlan(decomposition_pb2.WatchPlanRequest(plan_id=plan_id), timeout=10)
        first = next(iter(stream))
        stream.cancel()
        self.assertEqual((first.type, first.caller),
                         ("plan.created", "spiffe://backplan/tenant/globex"))

    def test_cli_with_client_certificate(self):
        flags = ["--decomposition=" + self.services["decomposition"].address,
                 "--tls_ca=" + os.path.join(self.certs, "ca.pem"), "--timeout_s=10"]
        cert = ["--tls_cert=" + os.path.join(self.certs, "client-acme.pem"),
                "--tls_key=" + os.path.join(self.certs, "client-acme.key")]
        ok = subprocess.run([CLI] + flags + cert + ["list"], capture_output=True, text=True,
                            timeout=60)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        denied = subprocess.run([CLI] + flags + cert + ["--tenant=globex", "list"],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(denied.returncode, 1)
        self.assertIn("PERMISSION_DENIED", denied.stderr)


class Token(Base):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="backplan-sec-token-")
        c = cls.certs = make_certs(cls.dir)
        p = lambda name: os.path.join(c, name)  # noqa: E731
        # The layout of a mounted Kubernetes Secret: tokens -> ..data/tokens,
        # ..data -> a versioned directory swapped atomically on change.
        cls.secret = os.path.join(cls.dir, "secret")
        cls.versions = 0
        os.makedirs(cls.secret)
        cls.publish_tokens(read(p("tokens")) + "\n")
        os.symlink("..data/tokens", os.path.join(cls.secret, "tokens"))
        cls.token = {who: read(p("token-" + who)) for who in ("acme", "globex", "scheduling")}
        cls.client = staticmethod(lambda who: {"ca": p("ca.pem"), "token": cls.token[who]})
        auth = ["--auth=token", "--tls_cert=" + p("server.pem"), "--tls_key=" + p("server.key"),
                "--auth_tokens=" + os.path.join(cls.secret, "tokens")]
        cls.start_cluster(auth, cls.client("scheduling"),
                          ["--prioritization_tls_ca=" + p("ca.pem"),
                           "--prioritization_token_file=" + p("token-scheduling")])

    @classmethod
    def publish_tokens(cls, text):
        cls.versions += 1
        version = "..v%d" % cls.versions
        os.makedirs(os.path.join(cls.secret, version))
        with open(os.path.join(cls.secret, version, "tokens"), "w") as f:
            f.write(text)
        link = os.path.join(cls.secret, "..data_tmp")
        os.symlink(version, link)
        os.rename(link, os.path.join(cls.secret, "..data"))

    def test_no_or_wrong_token_is_unauthenticated(self):
        ca = os.path.join(self.certs, "ca.pem")
        for client in ({"ca": ca}, {"ca": ca, "token": "not-a-token"},
                       {"ca": ca, "token": self.token["acme"] + "x"}):
            d, s = self.stubs(**client)
            self.assertCode(grpc.StatusCode.UNAUTHENTICATED, d.ListPlans,
                            decomposition_pb2.ListPlansRequest())
            # Inline calls too: nothing is served before authentication.
            self.assertCode(grpc.StatusCode.UNAUTHENTICATED, s.Schedule,
                            scheduling_pb2.ScheduleRequest(plan=chain_plan()))

    def test_tenants_are_isolated(self):
        self.assert_isolated(self.client("acme"), self.client("globex"))

    def test_token_never_reaches_the_logs(self):
        d, _ = self.stubs(**self.client("acme"))
        d.ListPlans(decomposition_pb2.ListPlansRequest(),
                    metadata=metadata(request_id="sec-tok-log"), timeout=10)
        logs = self.services["decomposition"].logs()
        self.assertIn("sec-tok-log", logs)
        for token in self.token.values():
            self.assertNotIn(token, logs)
        line = [x for x in self.services["decomposition"].log_lines()
                if x.get("request_id") == "sec-tok-log"][-1]
        self.assertEqual((line["caller"], line["tenant"]), ("acme", "acme"))

    def test_scheduling_token_reaches_prioritization(self):
        d, s = self.stubs(**self.client("globex"))
        plan_id = d.CreatePlan(decomposition_pb2.CreatePlanRequest(plan=chain_plan()),
                               timeout=10).plan_id
        response = s.Schedule(scheduling_pb2.ScheduleRequest(plan_id=plan_id), timeout=20)
        self.assertFalse(response.degraded, response.degraded_reason)

    def test_tokens_added_and_removed_without_restart(self):
        original = read(os.path.join(self.certs, "tokens")) + "\n"
        new_token = "rotated-" + os.urandom(8).hex()
        digest = subprocess.run(["sha256sum"], input=new_token.encode(), check=True,
                                capture_output=True).stdout.split()[0].decode()
        d, _ = self.stubs(ca=os.path.join(self.certs, "ca.pem"), token=new_token)
        self.assertCode(grpc.StatusCode.UNAUTHENTICATED, d.ListPlans,
                        decomposition_pb2.ListPlansRequest())
        try:
            self.publish_tokens(original + "%s acme rotated\n" % digest)

            def works():
                try:
                    d.ListPlans(decomposition_pb2.ListPlansRequest(), timeout=5)
                    return True
                except grpc.RpcError as e:
                    self.assertEqual(e.code(), grpc.StatusCode.UNAUTHENTICATED)
                    return False
            harness.wait_until(works, 10, "the added token to work")
            self.publish_tokens(original)
            harness.wait_until(lambda: not works(), 10, "the removed token to stop working")
        finally:
            self.publish_tokens(original)

    def test_health_port_answers_without_credentials(self):
        self.check_health_port()

    def test_load_tool_with_token(self):
        load = os.path.join(harness.BUILD, "tools", "backplan-load", "backplan-load")
        if not os.path.exists(load):
            self.skipTest("backplan-load not built")
        base = [load, "--progress=off", "--format=json", "--scenario=schedule", "--tasks=10",
                "--total=20", "--concurrency=2", "--cacert=" + os.path.join(self.certs, "ca.pem"),
                self.services["scheduling"].address]
        ok = subprocess.run(base + ["--token=" + self.token["acme"]], capture_output=True,
                            text=True, timeout=120)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertEqual(json.loads(ok.stdout)["statusCodeDistribution"], {"OK": 20})
        wrong = subprocess.run(base + ["--token=wrong"], capture_output=True, text=True,
                               timeout=120)
        self.assertEqual(json.loads(wrong.stdout)["statusCodeDistribution"],
                         {"Unauthenticated": 20}, wrong.stderr)

    def test_cli_with_token(self):
        flags = ["--decomposition=" + self.services["decomposition"].address,
                 "--tls_ca=" + os.path.join(self.certs, "ca.pem"), "--timeout_s=10", "list"]
        env = dict(os.environ, BACKPLAN_TOKEN=self.token["acme"])
        ok = subprocess.run([CLI] + flags, capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        env.pop("BACKPLAN_TOKEN")
        missing = subprocess.run([CLI] + flags, capture_output=True, text=True, timeout=60,
                                 env=env)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("UNAUTHENTICATED", missing.stderr)
        # A token is never sent in clear.
        clear = subprocess.run([CLI, "--token=x", "--decomposition=127.0.0.1:1", "list"],
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(clear.returncode, 2)
        self.assertIn("only over TLS", clear.stderr)


class CallsPerTenant(unittest.TestCase):
    """--max_calls_per_tenant=1: while one of acme's calls runs, acme's next
    call is RESOURCE_EXHAUSTED naming the flag; globex is served."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="backplan-sec-cap-")
        cls.redis = harness.Redis(cls.dir)
        cls.redis.start()
        cls.service = harness.Service("scheduling", cls.dir, cls.redis.address,
                                      ["--prioritization_address=", "--max_calls_per_tenant=1",
                                       "--compute_threads=1"])
        cls.service.start()

    @classmethod
    def tearDownClass(cls):
        cls.service.stop()
        cls.redis.stop()

    def test_second_call_of_a_tenant_is_refused_while_the_first_runs(self):
        import threading
        stub = scheduling_pb2_grpc.SchedulingServiceStub(self.service.channel)
        big = harness.plan_pb2.Plan()
        big.outcome.title = "long simulation"
        big.outcome.start_date.CopyFrom(harness.date(2027, 1, 4))
        big.outcome.target_date.CopyFrom(harness.date(2099, 12, 31))
        for i in range(2000):
            task = big.tasks.add(id="t%d" % i, title="task %d" % i, duration_days=3)
            task.optimistic_days, task.pessimistic_days = 1, 9
            if i:
                big.dependencies.add(predecessor_id="t%d" % (i - 1), successor_id=task.id)
        long_call = {}

        def run_long():
            try:
                long_call["response"] = stub.Simulate(
                    scheduling_pb2.SimulateRequest(plan=big, iterations=100000, seed=1),
                    metadata=metadata("acme"), timeout=120)
            except grpc.RpcError as e:
                long_call["error"] = e
        thread = threading.Thread(target=run_long)
        thread.start()
        refused, other_served = None, False
        quick = scheduling_pb2.ScheduleRequest(plan=chain_plan())
        while thread.is_alive() and (refused is None or not other_served):
            try:
                stub.Schedule(quick, metadata=metadata("acme"), timeout=10)
            except grpc.RpcError as e:
                self.assertEqual(e.code(), grpc.StatusCode.RESOURCE_EXHAUSTED, e.details())
                refused = e.details()
            if refused is not None and thread.is_alive():
                stub.Schedule(quick, metadata=metadata("globex"), timeout=10)
                other_served = True
            time.sleep(0.02)
        thread.join()
        self.assertNotIn("error", long_call)
        self.assertIsNotNone(refused, "the long call ended before a second one was refused")
        self.assertIn("--max_calls_per_tenant", refused)
        self.assertTrue(other_served)
        # The slot is given back.
        stub.Schedule(quick, metadata=metadata("acme"), timeout=10)


class StartUp(unittest.TestCase):
    def run_server(self, *args):
        binary = os.path.join(harness.BUILD, "services", "prioritization",
                              "backplan-prioritization")
        env = {k: v for k, v in os.environ.items() if not k.startswith("BACKPLAN_")}
        return subprocess.run([binary, "--port=0", "--metrics_port=0",
                               "--redis=127.0.0.1:1"] + list(args),
                              capture_output=True, text=True, timeout=30, env=env)

    def test_refuses_to_start_without_auth(self):
        proc = self.run_server()
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("--auth must be mtls, token or none", proc.stdout + proc.stderr)

    def test_token_and_mtls_need_tls(self):
        tmp = tempfile.mkdtemp(prefix="backplan-sec-start-")
        try:
            tokens = os.path.join(tmp, "tokens")
            open(tokens, "w").close()
            proc = self.run_server("--auth=token", "--auth_tokens=" + tokens)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn("--auth=token needs --tls_cert", proc.stdout + proc.stderr)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main(verbosity=2)
