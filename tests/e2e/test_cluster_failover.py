"""The services on a Redis Cluster under trouble (issue 28).

One 3-master, 3-replica cluster (scripts/redis_cluster.sh,
cluster-node-timeout 3 s) of its own, since the last test kills a node:

1. Index repair: a plan whose entry in the tenant's listing index was lost
   (removed by hand, as a crash between the plan write and the index write
   would) reappears in ListPlans once the decomposition service's repair
   pass (--index_repair_interval_s=1) has run for the tenant that listed.
2. WatchPlan across a slot migration: the watched plan's slot is moved to
   another master (CLUSTER SETSLOT IMPORTING/MIGRATING, MIGRATE, SETSLOT
   NODE) with an edit while the slot is still MIGRATING (ASK) and one after
   (MOVED); the stream delivers versions 1, 2, 3 in order, each once (if it
   ends with UNAVAILABLE or DEADLINE_EXCEEDED the client resumes with
   from_version = last + 1).
3. Failover under load: writers create plans through two decomposition
   services, one with --redis_wait_replicas=1, one without, while a master
   is SIGKILLed and its replica takes over (cluster_state:ok polled). Every
   call is OK, UNAVAILABLE or DEADLINE_EXCEEDED; every acknowledged plan
   read back is the plan written (never another's data); with WAIT none is
   lost; without it the number lost is printed (RELIABILITY.md).
Label `cluster`; about 40 s on a busy 2-core machine.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import resp  # noqa: E402
from harness import chain_plan, decomposition_pb2, plan_pb2  # noqa: E402
from test_cluster_migration import ClusterReader  # noqa: E402

CLUSTER_SCRIPT = os.path.join(harness.ROOT, "scripts", "redis_cluster.sh")
GAP_CODES = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


def node_id(port):
    c = resp.Client(port)
    try:
        return c.call("CLUSTER", "MYID").decode()
    finally:
        c.close()


def slot_owner(ports, slot):
    """The port of the master serving `slot`."""
    c = resp.Client(ports[0])
    try:
        for entry in c.call("CLUSTER", "SLOTS"):
            if entry[0] <= slot <= entry[1]:
                return int(entry[2][1])
    finally:
        c.close()
    raise AssertionError("slot %d unassigned" % slot)


def cluster_ok(port):
    try:
        c = resp.Client(port, timeout=1)
        try:
            return b"cluster_state:ok" in c.call("CLUSTER", "INFO")
        finally:
            c.close()
    except (OSError, resp.RespError):
        return False


class ClusterFailover(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="backplan-cluster-failover-")
        cls.cluster_dir = os.path.join(cls.dir, "cluster")
        seeds = subprocess.run(
            [CLUSTER_SCRIPT, "start", cls.cluster_dir], check=True,
            capture_output=True, text=True).stdout.strip()
        with open(os.path.join(cls.cluster_dir, "ports")) as f:
            cls.ports = [int(line) for line in f if line.strip()]
        with open(os.path.join(cls.cluster_dir, "pids")) as f:
            cls.pids = [int(line) for line in f if line.strip()]
        common = ["--redis_cluster=" + seeds, "--redis_timeout_ms=1000"]
        # `Service` passes --redis; the default address is the one allowed
        # next to --redis_cluster.
        cls.plain = harness.Service(
            "decomposition", cls.dir, "127.0.0.1:6379",
            common + ["--index_repair_interval_s=1"])
        cls.plain.port_file = os.path.join(cls.dir, "plain.port")
        cls.plain.log_path = os.path.join(cls.dir, "plain.log")
        cls.waiting = harness.Service(
            "decomposition", cls.dir, "127.0.0.1:6379",
            common + ["--redis_wait_replicas=1", "--redis_wait_timeout_ms=1000",
                      "--index_repair_interval_s=0"])
        cls.waiting.port_file = os.path.join(cls.dir, "waiting.port")
        cls.waiting.log_path = os.path.join(cls.dir, "waiting.log")
        cls.plain.start()
        cls.waiting.start()

    @classmethod
    def tearDownClass(cls):
        for service in (cls.plain, cls.waiting):
            if service.proc is not None:
                service.stop()
        subprocess.run([CLUSTER_SCRIPT, "stop", cls.cluster_dir], check=False)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def stub(self, service):
        return harness.decomposition_pb2_grpc.DecompositionServiceStub(
            service.channel)

    def create(self, stub, tenant, title, key=""):
        return stub.CreatePlan(
            decomposition_pb2.CreatePlanRequest(plan=chain_plan(title),
                                                idempotency_key=key),
            metadata=harness.metadata(tenant), timeout=10)

    def edit(self, stub, tenant, plan_id, base_version, key=""):
        request = decomposition_pb2.EditPlanRequest(
            plan_id=plan_id, base_version=base_version, idempotency_key=key)
        request.edits.add().add_task.task.CopyFrom(
            plan_pb2.Task(id="x%d" % base_version, title="extra",
                          duration_days=1))
        return stub.EditPlan(request, metadata=harness.metadata(tenant),
                             timeout=10)

    def listed(self, stub, tenant):
        page = stub.ListPlans(decomposition_pb2.ListPlansRequest(page_size=100),
                              metadata=harness.metadata(tenant), timeout=10)
        return sorted(p.plan_id for p in page.plans)

    def test_1_lost_index_entry_is_repaired(self):
        stub = self.stub(self.plain)
        ids = sorted(self.create(stub, "repair", "plan %d" % i).plan_id
                     for i in range(3))
        self.assertEqual(self.listed(stub, "repair"), ids)
        cluster = ClusterReader(self.ports[0], None)
        try:
            self.assertEqual(
                cluster.call("ZREM", "bp:{repair}:plans", ids[1]), 1)
        finally:
            cluster.close()
        # The listing drops nothing stored, but cannot see the lost entry...
        self.assertEqual(self.listed(stub, "repair"), [ids[0], ids[2]])
        # ...until the pass queued by that listing has run.
        harness.wait_until(lambda: self.listed(stub, "repair") == ids, 30,
                           "the repaired listing")
        self.assertIn('"msg":"index repaired","tenant":"repair","added":1',
                      self.plain.logs())

    def test_2_watch_keeps_delivering_across_a_slot_migration(self):
        stub = self.stub(self.plain)
        tenant = "watch"
        plan_id = self.create(stub, tenant, "watched").plan_id
        events, ends, stop = [], [], threading.Event()

        def watch():
            while not stop.is_set():
                since = events[-1].plan_version + 1 if events else 0
                call = stub.WatchPlan(
                    decomposition_pb2.WatchPlanRequest(plan_id=plan_id,
                                                       from_version=since),
                    metadata=harness.metadata(tenant), timeout=60)
                try:
                    for event in call:
                        events.append(event)
                        if event.plan_version == 3:
                            call.cancel()
                            return
                except grpc.RpcError as error:
                    ends.append(error.code())
                    if error.code() not in GAP_CODES:
                        return
        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            harness.wait_until(lambda: events, 20, "the plan.created event")
            key = "bp:{%s/%s}:events" % (tenant, plan_id)
            c = resp.Client(self.ports[0])
            slot = c.call("CLUSTER", "KEYSLOT", key)
            c.close()
            source = slot_owner(self.ports, slot)
            masters = [slot_owner(self.ports, s) for s in (0, 8000, 16000)]
            target = next(p for p in masters if p != source)
            src, dst = resp.Client(source), resp.Client(target)
            dst.call("CLUSTER", "SETSLOT", slot, "IMPORTING", node_id(source))
            src.call("CLUSTER", "SETSLOT", slot, "MIGRATING", node_id(target))
            # Every key of the slot moved, the slot still MIGRATING: the edit
            # meets ASK, then TRYAGAIN on the target (its script names keys
            # that exist nowhere), retried with backoff by the store until
            # the slot is handed over (SETSLOT NODE, 0.3 s later), then
            # MOVED. Should the store's retries run out first, the client
            # retries with the idempotency key.
            keys = src.call("CLUSTER", "GETKEYSINSLOT", slot, 1000)
            self.assertGreaterEqual(len(keys), 2, keys)
            src.call("MIGRATE", "127.0.0.1", target, "", 0, 5000, "KEYS",
                     *keys)
            edited, retried = [], []

            def edit_during_migration():
                for _ in range(10):
                    try:
                        edited.append(self.edit(stub, tenant, plan_id, 1,
                                                key="during-migration"))
                        return
                    except grpc.RpcError as error:
                        retried.append(error.code())
                        if error.code() not in GAP_CODES:
                            return
                        time.sleep(0.2)
            editor = threading.Thread(target=edit_during_migration)
            editor.start()
            time.sleep(0.3)
            for port in [target] + [p for p in masters if p != target]:
                n = resp.Client(port)
                n.call("CLUSTER", "SETSLOT", slot, "NODE", node_id(target))
                n.close()
            editor.join(30)
            self.assertEqual(len(edited), 1, retried)
            self.assertEqual(edited[0].version, 2)
            for code in retried:
                self.assertIn(code, GAP_CODES)
            src.close()
            dst.close()
            self.assertEqual(slot_owner(self.ports, slot), target)
            # The slot now lives elsewhere: the edit meets MOVED.
            self.edit(stub, tenant, plan_id, 2)
            watcher.join(30)
            self.assertFalse(watcher.is_alive(), "stream stalled: %r %r" %
                             ([e.plan_version for e in events], ends))
        finally:
            stop.set()
            watcher.join(60)
        self.assertEqual([(e.type, e.plan_version) for e in events],
                         [("plan.created", 1), ("plan.edited", 2),
                          ("plan.edited", 3)])
        ids = [e.id for e in events]
        self.assertEqual(ids, sorted(ids, key=lambda i: tuple(
            int(x) for x in i.split("-"))))
        for code in ends:
            self.assertIn(code, GAP_CODES)
        print("watch across migration: %d stream end(s) %r, resumed; the "
              "edit during it retried by the client %d time(s)" %
              (len(ends), ends, len(retried)))

    def test_3_failover_under_load(self):
        services = {"plain": self.plain, "waiting": self.waiting}
        acked = {name: [] for name in services}  # (plan_id, title)
        codes = {name: {} for name in services}
        failures = []
        stop = threading.Event()

        def writer(name, w):
            stub = self.stub(services[name])
            i = 0
            while not stop.is_set():
                title = "%s-%d-%d" % (name, w, i)
                i += 1
                try:
                    plan_id = self.create(stub, "load", title).plan_id
                    acked[name].append((plan_id, title))
                    code = grpc.StatusCode.OK
                except grpc.RpcError as error:
                    code = error.code()
                    if code not in GAP_CODES:
                        failures.append((title, code, error.details()))
                codes[name][code] = codes[name].get(code, 0) + 1
                time.sleep(0.05)  # Bounds the plans to read back.

        threads = [threading.Thread(target=writer, args=(name, w))
                   for name in services for w in range(3)]
        for t in threads:
            t.start()
        try:
            harness.wait_until(
                lambda: all(len(a) >= 10 for a in acked.values()), 30,
                "writes before the failover")
            # A master that serves slots (the created masters are the first
            # three ports, unless a failover swapped roles).
            victim = slot_owner(self.ports, 0)
            index = self.ports.index(victim)
            os.kill(self.pids[index], 9)
            killed_at = time.monotonic()
            survivors = [p for p in self.ports if p != victim]
            harness.wait_until(
                lambda: all(cluster_ok(p) for p in survivors) and
                slot_owner(survivors, 0) != victim, 60, "the failover")
            took = time.monotonic() - killed_at
            before = {name: len(a) for name, a in acked.items()}
            # Writes after the failover, to every shard again.
            harness.wait_until(
                lambda: all(len(acked[n]) >= before[n] + 10 for n in acked),
                30, "writes after the failover")
        finally:
            stop.set()
            for t in threads:
                t.join(30)
        self.assertEqual(failures, [])

        lost = {}
        for name, plans in acked.items():
            stub = self.stub(services[name])
            lost[name] = 0
            for plan_id, title in plans:
                for _ in range(20):
                    try:
                        got = stub.GetPlan(
                            decomposition_pb2.GetPlanRequest(plan_id=plan_id),
                            metadata=harness.metadata("load"), timeout=10)
                        self.assertEqual(got.outcome.title, title, plan_id)
                        break
                    except grpc.RpcError as error:
                        if error.code() == grpc.StatusCode.NOT_FOUND:
                            lost[name] += 1
                            break
                        self.assertIn(error.code(), GAP_CODES)
                        time.sleep(0.5)
                else:
                    self.fail("%s unreadable" % plan_id)
        summary = ", ".join(
            "%s: %d acknowledged, %d lost, codes %s" %
            (name, len(acked[name]), lost[name],
             {c.name: n for c, n in codes[name].items()})
            for name in services)
        print("failover in %.1f s; %s" % (took, summary))
        self.assertEqual(lost["waiting"], 0, summary)


if __name__ == "__main__":
    unittest.main(verbosity=2)
