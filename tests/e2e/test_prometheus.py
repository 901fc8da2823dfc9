"""A real Prometheus scraping the three real services (ctest -L prometheus).

Debian's `prometheus` runs on loopback with a 1 s scrape and evaluation
interval and Backplan's own alert rules (extracted from
deploy/k8s/components/monitoring/prometheusrule.yaml). Calls are driven with
known outcomes, then its HTTP API is queried until the go-grpc-prometheus
series appear with the right labels and counts; the error-ratio alert's
expression is evaluated as Prometheus evaluates it, quiet while only callers
err and non-empty once Redis is gone. Also checks what needs the same cluster:
health by full service name, and the W3C trace id followed from scheduling to
prioritization in both services' logs.
"""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

import yaml

import harness
from harness import (decomposition_pb2, health_pb2, prioritization_pb2,
                     scheduling_pb2)

RULES = os.path.join(harness.ROOT, "deploy", "k8s", "components", "monitoring",
                     "prometheusrule.yaml")
DECOMPOSITION = "backplan.v1.DecompositionService"
PRIORITIZATION = "backplan.v1.PrioritizationService"
SCHEDULING = "backplan.v1.SchedulingService"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def alert_expr(name):
    with open(RULES) as f:
        rule = yaml.safe_load(f)
    for group in rule["spec"]["groups"]:
        for r in group["rules"]:
            if r.get("alert") == name:
                return r["expr"]
    raise AssertionError("no alert " + name)


class Prometheus:
    def __init__(self, workdir, targets):
        self.dir = os.path.join(workdir, "prometheus")
        os.makedirs(self.dir)
        with open(os.path.join(self.dir, "rules.yaml"), "w") as f:
            with open(RULES) as src:
                yaml.safe_dump({"groups": yaml.safe_load(src)["spec"]["groups"]}, f)
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": ["rules.yaml"],
            "scrape_configs": [{
                "job_name": "backplan-%s-headless" % name,
                "static_configs": [{"targets": ["127.0.0.1:%d" % port]}],
            } for name, port in targets.items()],
        }
        self.config = os.path.join(self.dir, "prometheus.yml")
        with open(self.config, "w") as f:
            yaml.safe_dump(config, f)
        self.port = harness.free_port()
        self.log = open(os.path.join(self.dir, "prometheus.log"), "wb")
        self.proc = subprocess.Popen(
            ["prometheus", "--config.file=" + self.config,
             "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
             "--web.listen-address=127.0.0.1:%d" % self.port,
             "--log.level=warn"],
            stdout=self.log, stderr=self.log, cwd=self.dir)
        harness.wait_until(self.ready, 30, "prometheus ready")

    def ready(self):
        try:
            with urllib.request.urlopen(
                    "http://127.0.0.1:%d/-/ready" % self.port, timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    def api(self, path, **params):
        url = "http://127.0.0.1:%d/api/v1/%s?%s" % (
            self.port, path, urllib.parse.urlencode(params))
        with urllib.request.urlopen(url, timeout=5) as r:
            body = json.load(r)
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr):
        """The instant vector of `expr` as {frozenset(labels): value}."""
        data = self.api("query", query=expr)
        return {frozenset(s["metric"].items()): float(s["value"][1])
                for s in data["result"]}

    def value(self, expr):
        result = self.query(expr)
        return sum(result.values()) if result else None

    def wait_value(self, expr, want, timeout_s=30):
        last = [None]

        def check():
            last[0] = self.value(expr)
            return last[0] == want
        try:
            harness.wait_until(check, timeout_s, "%s == %s" % (expr, want))
        except AssertionError:
            raise AssertionError("%s: got %s, want %s" % (expr, last[0], want))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(20)
        self.log.close()


class PrometheusTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="backplan-prometheus-")
        cls.redis = harness.Redis(cls.dir)
        cls.redis.start()
        cls.metrics = {name: harness.free_port() for name in harness.SERVICES}
        cls.services = {}
        for name in ("decomposition", "prioritization", "scheduling"):
            extra = ["--metrics_port=%d" % cls.metrics[name]]
            if name == "scheduling":
                extra.append("--prioritization_address=" +
                             cls.services["prioritization"].address)
            service = harness.Service(name, cls.dir, cls.redis.address, extra)
            service.start()
            cls.services[name] = service
        cls.prometheus = Prometheus(cls.dir, cls.metrics)

    @classmethod
    def tearDownClass(cls):
        cls.prometheus.stop()
        for service in cls.services.values():
            service.stop()
        cls.redis.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def stub(self, name):
        return {
            "decomposition": harness.decomposition_pb2_grpc.DecompositionServiceStub,
            "prioritization": harness.prioritization_pb2_grpc.PrioritizationServiceStub,
            "scheduling": harness.scheduling_pb2_grpc.SchedulingServiceStub,
        }[name](self.services[name].channel)

    def test_1_standard_series_with_labels_and_counts(self):
        p = self.prometheus
        decomposition = self.stub("decomposition")
        plan_ids = [decomposition.CreatePlan(decomposition_pb2.CreatePlanRequest(
            plan=harness.chain_plan("plan %d" % i))).plan_id for i in range(3)]
        for _ in range(2):
            with self.assertRaises(harness.grpc.RpcError) as e:
                decomposition.GetPlan(decomposition_pb2.GetPlanRequest(plan_id="nope"))
            self.assertEqual(e.exception.code(), harness.grpc.StatusCode.NOT_FOUND)
        bad = harness.chain_plan()
        bad.dependencies.add(predecessor_id="b", successor_id="a")  # A cycle.
        with self.assertRaises(harness.grpc.RpcError) as e:
            self.stub("prioritization").Prioritize(
                prioritization_pb2.PrioritizeRequest(plan=bad))
        self.assertEqual(e.exception.code(), harness.grpc.StatusCode.INVALID_ARGUMENT)
        # Stored Schedule calls prioritization: the client-side series.
        self.stub("scheduling").Schedule(
            scheduling_pb2.ScheduleRequest(plan_id=plan_ids[0]))
        # A WatchPlan stream: its events are counted as sent messages.
        stream = decomposition.WatchPlan(
            decomposition_pb2.WatchPlanRequest(plan_id=plan_ids[1]), timeout=10)
        first = next(stream)
        stream.cancel()
        self.assertEqual(first.plan_version, 1)

        def series(metric, service, method, grpc_type="unary", **extra):
            labels = dict(grpc_service=service, grpc_method=method,
                          grpc_type=grpc_type, **extra)
            return "%s{%s}" % (metric, ",".join(
                '%s="%s"' % kv for kv in sorted(labels.items())))

        handled = "grpc_server_handled_total"
        p.wait_value(series(handled, DECOMPOSITION, "CreatePlan", grpc_code="OK"), 3)
        p.wait_value(series(handled, DECOMPOSITION, "GetPlan", grpc_code="NotFound"), 2)
        p.wait_value(series(handled, PRIORITIZATION, "Prioritize",
                            grpc_code="InvalidArgument"), 1)
        p.wait_value(series("grpc_server_started_total", DECOMPOSITION, "CreatePlan"), 3)
        p.wait_value(series("grpc_server_msg_received_total", DECOMPOSITION, "GetPlan"), 2)
        # Unary replies are counted only when the call succeeded.
        p.wait_value(series("grpc_server_msg_sent_total", DECOMPOSITION, "GetPlan"), 0)
        p.wait_value(series("grpc_server_handling_seconds_count", DECOMPOSITION,
                            "CreatePlan"), 3)
        p.wait_value(series(handled, SCHEDULING, "Schedule", grpc_code="OK"), 1)
        # Stored Schedule -> Prioritize, seen from both ends.
        p.wait_value(series("grpc_client_handled_total", PRIORITIZATION, "Prioritize",
                            grpc_code="OK"), 1)
        p.wait_value(series("grpc_client_started_total", PRIORITIZATION, "Prioritize"), 1)
        p.wait_value(series(handled, PRIORITIZATION, "Prioritize", grpc_code="OK"), 1)
        # The stream: typed server_stream, one request in, at least one event out.
        p.wait_value(series("grpc_server_msg_received_total", DECOMPOSITION,
                            "WatchPlan", "server_stream"), 1)
        harness.wait_until(
            lambda: (p.value(series("grpc_server_msg_sent_total", DECOMPOSITION,
                                    "WatchPlan", "server_stream")) or 0) >= 1,
            30, "WatchPlan msg_sent >= 1")
        # Every handled series of a method exists, zeros included, so rate()
        # works from the first error on.
        codes = p.query('count by (grpc_code) (grpc_server_handled_total{grpc_method="CreatePlan"})')
        self.assertEqual(len(codes), 17)
        # Redis, pool and store metrics from a service with a store.
        p.wait_value('backplan_store_up{job="backplan-decomposition-headless"}', 1)
        p.wait_value('backplan_redis_pool_size{job="backplan-decomposition-headless"}', 32)
        self.assertGreater(p.value('sum(backplan_redis_commands_total{result="ok",'
                                   'job="backplan-decomposition-headless"})') or 0, 0)
        self.assertGreaterEqual(p.value('sum(backplan_plan_tasks_count)') or 0, 1)
        self.assertEqual(p.value("sum(backplan_inflight_calls)"), 0)
        # The old names are gone.
        self.assertEqual(p.query('{__name__=~"backplan_request.*"}'), {})
        # Prometheus loaded Backplan's rules and evaluates them cleanly.
        groups = p.api("rules")["groups"]
        self.assertEqual({r["health"] for g in groups for r in g["rules"]}, {"ok"})

        # Caller errors (NotFound, InvalidArgument) do not make the
        # error-ratio alert's expression return anything.
        self.assertEqual(p.query(alert_expr("BackplanHighErrorRatio")), {})

    def test_2_error_ratio_alert_expression_fires_when_redis_is_gone(self):
        p = self.prometheus
        decomposition = self.stub("decomposition")
        self.redis.stop()
        failures = 0
        for _ in range(20):
            try:
                decomposition.GetPlan(
                    decomposition_pb2.GetPlanRequest(plan_id="any"), timeout=5)
            except harness.grpc.RpcError as e:
                self.assertEqual(e.code(), harness.grpc.StatusCode.UNAVAILABLE)
                failures += 1
        self.assertEqual(failures, 20)
        expr = alert_expr("BackplanHighErrorRatio")
        firing = {}

        def fires():
            firing.update(p.query(expr))
            return bool(firing)
        harness.wait_until(fires, 30, "the error-ratio expression to fire")
        (labels, ratio), = firing.items()
        self.assertEqual(dict(labels), {"grpc_service": DECOMPOSITION})
        self.assertGreater(ratio, 0.05)
        p.wait_value('backplan_store_up{job="backplan-decomposition-headless"}', 0)
        self.assertGreater(p.value('sum(backplan_redis_commands_total{result!="ok"}) or '
                                   'sum(backplan_redis_pool_wait_seconds_count{result="unavailable"})')
                           or 0, 0)
        # Health: the process and its full service name stay SERVING; only
        # backplan.store follows Redis.
        service = self.services["decomposition"]
        harness.wait_until(
            lambda: service.health("backplan.store") ==
            health_pb2.HealthCheckResponse.NOT_SERVING, 10, "store NOT_SERVING")
        self.assertEqual(service.health(DECOMPOSITION),
                         health_pb2.HealthCheckResponse.SERVING)
        self.assertEqual(service.health(""), health_pb2.HealthCheckResponse.SERVING)
        self.assertIsNone(service.health(SCHEDULING))  # NOT_FOUND: not served here.
        self.redis.start()

    def test_3_trace_id_followed_across_services(self):
        if not self.redis.ping():
            self.redis.start()
        plan_id = self.stub("decomposition").CreatePlan(
            decomposition_pb2.CreatePlanRequest(plan=harness.chain_plan())).plan_id
        self.stub("scheduling").Schedule(
            scheduling_pb2.ScheduleRequest(plan_id=plan_id),
            metadata=[("traceparent", "00-%s-00f067aa0ba902b7-01" % TRACE_ID)])
        spans = {}
        for name, method in (("scheduling", "Schedule"),
                             ("prioritization", "Prioritize")):
            lines = [l for l in self.services[name].log_lines()
                     if l.get("msg") == "rpc" and l.get("trace_id") == TRACE_ID]
            self.assertEqual([l["method"] for l in lines], [method], name)
            spans[name] = lines[0]["span_id"]
            self.assertEqual(lines[0]["code"], "OK")
        self.assertNotEqual(spans["scheduling"], spans["prioritization"])
        self.assertNotEqual(spans["scheduling"], "00f067aa0ba902b7")


if __name__ == "__main__":
    unittest.main(verbosity=2)
