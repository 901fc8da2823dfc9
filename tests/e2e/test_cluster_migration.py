"""Moving a single Redis's data into a Redis Cluster (issue 28, item 4).

Real plans are written through the real services into a single Redis
(plans, edits, stored priorities and schedules, event streams, idempotency
records, the tenant indexes); scripts/redis_cluster.sh starts a 3-master,
3-replica cluster with AUTH; scripts/redis_migrate_to_cluster.sh copies the
data; then every source key is read back from the master that serves its
slot (following MOVED) and must be identical (type, every field, stream
entries and ids), with its TTL. A
second run into the now-used cluster is refused without --replace.
Label `cluster`; about 45 s on a busy 2-core machine.
"""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import resp  # noqa: E402
from harness import (chain_plan, decomposition_pb2, plan_pb2,  # noqa: E402,F401
                     scheduling_pb2)

CLUSTER_SCRIPT = os.path.join(harness.ROOT, "scripts", "redis_cluster.sh")
MIGRATE_SCRIPT = os.path.join(harness.ROOT, "scripts", "redis_migrate_to_cluster.sh")
PASSWORD = "cluster-test-password"


class ClusterReader:
    """Sends each key's command to the node the cluster redirects to."""

    def __init__(self, seed_port, password):
        self.password = password
        self.nodes = {}
        self.seed = ("127.0.0.1", seed_port)

    def node(self, address):
        if address not in self.nodes:
            self.nodes[address] = resp.Client(address[1], address[0],
                                              self.password)
        return self.nodes[address]

    def call(self, *args):
        address = self.seed
        for _ in range(5):
            try:
                return self.node(address).call(*args)
            except resp.RespError as error:
                if not str(error).startswith("MOVED "):
                    raise
                host, port = str(error).split()[2].rsplit(":", 1)
                address = (host or "127.0.0.1", int(port))
        raise AssertionError("too many redirections for %r" % (args,))

    def close(self):
        for n in self.nodes.values():
            n.close()


class MigrateToCluster(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.services = harness.Cluster()
        cls.cluster_dir = tempfile.mkdtemp(prefix="backplan-redis-cluster-")
        seeds = subprocess.run(
            [CLUSTER_SCRIPT, "start", cls.cluster_dir, PASSWORD], check=True,
            capture_output=True, text=True).stdout.strip()
        cls.seed_port = int(seeds.split(",")[0].rsplit(":", 1)[1])

    @classmethod
    def tearDownClass(cls):
        subprocess.run([CLUSTER_SCRIPT, "stop", cls.cluster_dir], check=False)
        cls.services.close()

    def fill(self):
        """Plans in two tenants through the services: created, edited,
        prioritized and scheduled (stored), each write with a key."""
        decomposition = self.services.stub("decomposition")
        scheduling = self.services.stub("scheduling")
        ids = []
        for i in range(12):
            tenant = "acme" if i % 2 else "default"
            md = harness.metadata(tenant)
            created = decomposition.CreatePlan(
                decomposition_pb2.CreatePlanRequest(
                    plan=chain_plan("plan %d" % i), idempotency_key="c%d" % i),
                metadata=md)
            if i % 3 == 0:
                edit = decomposition_pb2.EditPlanRequest(
                    plan_id=created.plan_id, base_version=1,
                    idempotency_key="e%d" % i)
                edit.edits.add().add_task.task.CopyFrom(
                    plan_pb2.Task(id="d%d" % i, title="extra", duration_days=1))
                decomposition.EditPlan(edit, metadata=md)
            response = scheduling.Schedule(
                scheduling_pb2.ScheduleRequest(plan_id=created.plan_id,
                                               idempotency_key="s%d" % i),
                metadata=md)
            self.assertFalse(response.degraded, response.degraded_reason)
            ids.append((tenant, created.plan_id))
        return ids

    def migrate(self, *extra):
        env = dict(os.environ, REDIS_CLUSTER_PASSWORD=PASSWORD)
        return subprocess.run(
            [MIGRATE_SCRIPT, self.services.redis.address,
             "127.0.0.1:%d" % self.seed_port] + list(extra),
            env=env, capture_output=True, text=True, timeout=300)

    def test_every_key_arrives_identical(self):
        ids = self.fill()
        source = resp.Client(self.services.redis.port)
        keys = resp.scan_all(source)
        # Each plan's parts, plus indexes and idempotency records.
        for tenant, plan_id in ids:
            tag = ("bp:{%s/%s}:" % (tenant, plan_id)).encode()
            self.assertGreaterEqual(sum(k.startswith(tag) for k in keys), 3,
                                    (tag, keys))
        result = self.migrate()
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        self.assertIn("copied %d keys" % len(keys), result.stdout)

        cluster = ClusterReader(self.seed_port, PASSWORD)
        try:
            types = set()
            for key in keys:
                want = resp.key_value(source, key)
                self.assertEqual(resp.key_value(cluster, key), want, key)
                types.add(want[0])
                ttl_want = source.call("PTTL", key)
                ttl_got = cluster.call("PTTL", key)
                if ttl_want < 0:
                    self.assertEqual(ttl_got, ttl_want, key)
                else:  # Counting down on both sides.
                    self.assertGreater(ttl_got, 0, key)
                    self.assertLessEqual(ttl_got, ttl_want + 1000, key)
            # The keys spread over all three masters, each in its own slot.
            owners = set(cluster.nodes)
            self.assertGreaterEqual(len(owners), 3, owners)
            self.assertIn(b"stream", types)
            self.assertIn(b"hash", types)
            self.assertIn(b"zset", types)
        finally:
            cluster.close()
            source.close()

        # A second run into the used cluster is refused, and --replace
        # overwrites in place.
        again = self.migrate()
        self.assertEqual(again.returncode, 1)
        self.assertIn("already holds %d keys" % len(keys), again.stderr)
        replaced = self.migrate("--replace")
        self.assertEqual(replaced.returncode, 0, replaced.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
