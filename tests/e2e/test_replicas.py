"""Two replicas of each service on loopback (issue 28, item 3).

One redis-server; two decomposition, two prioritization and two scheduling
processes. Both scheduling replicas reach prioritization through
`--prioritization_address=ipv4:127.0.0.1:p1,127.0.0.1:p2` (round robin over
the list, libs/channel's retry contract); the test's own clients use the same
form for every service. Prioritization serves with a 400 ms
--max_connection_age_ms, so its clients are sent GOAWAY several times a run.

Shown, by each replica's own Prometheus counters: calls reach both replicas
of every service, including the nested Schedule -> Prioritize calls; and a
stored-schedule load run survives SIGKILL of one prioritization replica and
then of one scheduling replica, losing no calls beyond those in flight on
the killed process (the load run reports the count; the retry contract
normally recovers even those). About 45 s on a busy 2-core machine.
"""
import os
import re
import signal
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (chain_plan, decomposition_pb2, decomposition_pb2_grpc,  # noqa: E402
                     grpc, scheduling_pb2, scheduling_pb2_grpc)

SERVICE_CONFIG = os.path.join(harness.ROOT, "proto", "backplan", "v1",
                              "service_config.json")
LOAD_THREADS = 4


def list_channel(services):
    """A client channel over every replica: `ipv4:` list, round robin, the
    published retry contract."""
    with open(SERVICE_CONFIG) as f:
        config = f.read()
    target = "ipv4:" + ",".join(s.address for s in services)
    return grpc.insecure_channel(target, options=[
        ("grpc.lb_policy_name", "round_robin"),
        ("grpc.service_config", config), ("grpc.enable_retries", 1)])


def handled(service, method):
    """grpc_server_handled_total for `method` on one replica, all codes."""
    url = "http://127.0.0.1:%d/metrics" % service.metrics_port
    text = urllib.request.urlopen(url, timeout=5).read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith("grpc_server_handled_total{") and \
                'grpc_method="%s"' % method in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


class Replicas(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="backplan-replicas-")
        cls.redis = harness.Redis(cls.dir)
        cls.redis.start()
        cls.replicas = {}
        for name in ("decomposition", "prioritization", "scheduling"):
            extra = []
            if name == "prioritization":
                extra = ["--max_connection_age_ms=400",
                         "--max_connection_age_grace_ms=5000"]
            if name == "scheduling":
                prio = cls.replicas["prioritization"]
                extra = ["--prioritization_address=ipv4:" +
                         ",".join(p.address for p in prio)]
            cls.replicas[name] = [cls._start(name, i, extra) for i in range(2)]
        cls.decomposition = decomposition_pb2_grpc.DecompositionServiceStub(
            list_channel(cls.replicas["decomposition"]))
        cls.scheduling = scheduling_pb2_grpc.SchedulingServiceStub(
            list_channel(cls.replicas["scheduling"]))

    @classmethod
    def _start(cls, name, index, extra):
        workdir = os.path.join(cls.dir, "%s-%d" % (name, index))
        os.makedirs(workdir)
        metrics_port = harness.free_port()
        service = harness.Service(
            name, workdir, cls.redis.address,
            ["--metrics_port=%d" % metrics_port] + extra)
        service.metrics_port = metrics_port
        service.start()
        return service

    @classmethod
    def tearDownClass(cls):
        for replicas in cls.replicas.values():
            for service in replicas:
                if service.proc is not None:
                    service.stop()
        cls.redis.stop()

    def create(self, title):
        return self.decomposition.CreatePlan(
            decomposition_pb2.CreatePlanRequest(plan=chain_plan(title),
                                                idempotency_key=title),
            timeout=10).plan_id

    def schedule(self, plan_id, key):
        return self.scheduling.Schedule(
            scheduling_pb2.ScheduleRequest(plan_id=plan_id, idempotency_key=key),
            timeout=10)

    def assertRanked(self, response):
        self.assertFalse(response.degraded, response.degraded_reason)
        by_id = {t.id: t for t in response.timeline.tasks}
        # Ranked by prioritization (not degraded): every task has a rank,
        # and a comes before b, which depends on it.
        self.assertEqual(sorted(by_id[i].rank for i in "abc"), [1, 2, 3])
        self.assertLess(by_id["a"].rank, by_id["b"].rank)

    def test_1_calls_reach_both_replicas_of_each_service(self):
        before = {
            "CreatePlan": [handled(s, "CreatePlan") for s in self.replicas["decomposition"]],
            "Prioritize": [handled(s, "Prioritize") for s in self.replicas["prioritization"]],
            "Schedule": [handled(s, "Schedule") for s in self.replicas["scheduling"]],
        }
        for i in range(12):
            plan_id = self.create("spread-%d" % i)
            self.assertRanked(self.schedule(plan_id, "spread-%d" % i))
        for method, service in (("CreatePlan", "decomposition"),
                                ("Prioritize", "prioritization"),
                                ("Schedule", "scheduling")):
            counts = [handled(s, method) - b for s, b in
                      zip(self.replicas[service], before[method])]
            self.assertEqual(sum(counts), 12, (method, counts))
            # Round robin: 12 calls over two replicas, 6 each give or take
            # the picker's starting point and connection-age reconnections.
            for count in counts:
                self.assertGreaterEqual(count, 2, (method, counts))

    def test_2_load_survives_killing_one_replica(self):
        stop = threading.Event()
        lock = threading.Lock()
        results = {"ok": 0, "degraded": 0, "failed": []}

        def worker(n):
            # A new plan each time, so every Schedule asks prioritization.
            i = 0
            while not stop.is_set():
                i += 1
                key = "load-%d-%d" % (n, i)
                try:
                    response = self.schedule(self.create(key), key)
                    with lock:
                        results["degraded" if response.degraded else "ok"] += 1
                except grpc.RpcError as e:
                    with lock:
                        results["failed"].append(e.code())

        threads = [threading.Thread(target=worker, args=(n,))
                   for n in range(LOAD_THREADS)]
        for t in threads:
            t.start()
        try:
            time.sleep(1.5)
            survivor = self.replicas["prioritization"][1]
            served_before = handled(survivor, "Prioritize")
            for victim in (self.replicas["prioritization"][0],
                           self.replicas["scheduling"][0]):
                victim.proc.send_signal(signal.SIGKILL)
                victim.proc.wait(10)
                victim.proc = None
                time.sleep(2.0)
        finally:
            stop.set()
            for t in threads:
                t.join(30)
        print("load run: %d ok, %d degraded, %d failed %s" % (
            results["ok"], results["degraded"], len(results["failed"]),
            results["failed"]), file=sys.stderr)
        self.assertGreater(results["ok"], 20)
        # At most the calls in flight on a killed process, per kill.
        self.assertLessEqual(len(results["failed"]) + results["degraded"],
                             2 * LOAD_THREADS, results)
        # The surviving prioritization replica took the load after the kill,
        # and the survivors serve new plans.
        self.assertGreater(handled(survivor, "Prioritize") - served_before, 10)
        for i in range(6):
            plan_id = self.create("after-%d" % i)
            self.assertRanked(self.schedule(plan_id, "after-%d" % i))

    def test_3_connection_age_recycles_without_failures(self):
        # Prioritization's 400 ms connection age has sent GOAWAY to each
        # scheduling replica's connections many times by now; the survivor
        # logs no failed Prioritize and its own calls still succeed.
        prio = self.replicas["prioritization"][1]
        codes = [line.get("code") for line in prio.log_lines()
                 if "Prioritize" in str(line.get("method", ""))]
        self.assertTrue(codes)
        self.assertEqual(set(codes), {"OK"}, codes)
        for i in range(5):
            plan_id = self.create("aged-%d" % i)
            self.assertRanked(self.schedule(plan_id, "aged-%d" % i))
            time.sleep(0.3)


if __name__ == "__main__":
    unittest.main(verbosity=2)
