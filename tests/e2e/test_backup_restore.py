"""The Redis backup and restore procedures of deploy/README.md, performed.

Redis runs as in production (append-only file, fsync always, no RDB
snapshots; deploy/k8s/base/redis/redis.conf). Plans are written through the
real decomposition and prioritization services, then:
  - cold AOF copy: Redis stopped, its appendonlydir copied into an empty
    directory, a fresh redis-server started on it;
  - online RDB snapshot: BGSAVE while serving, dump.rdb copied, loaded by a
    fresh redis-server with AOF off, `CONFIG SET appendonly yes` to rebuild
    the AOF, then restarted as in production (AOF on) from that directory.
Each time every key reads back identical (type, content, stream ids, TTL
set or not) and a new
decomposition service on the restored Redis returns the same plans.
"""
import os
import shutil
import subprocess
import tempfile
import unittest

import harness
import resp
from harness import decomposition_pb2, prioritization_pb2


def snapshot(client):
    """Every key: its type and content (resp.key_value), and whether it has a
    TTL."""
    return {key: resp.key_value(client, key) + (client.call("PTTL", key) > 0,)
            for key in resp.scan_all(client)}


class ProductionRedis:
    """redis-server with the persistence settings of redis.conf."""

    def __init__(self, directory, appendonly=True):
        self.dir = directory
        self.port = harness.free_port()
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", self.dir, "--appendonly", "yes" if appendonly else "no",
             "--appendfsync", "always", "--save", "",
             "--dbfilename", "dump.rdb", "--maxmemory-policy", "noeviction"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        harness.wait_until(self.loaded, 20, "redis-server loaded")

    def loaded(self):
        try:
            client = self.client()
            try:
                return client.info("persistence").get("loading") == "0"
            finally:
                client.close()
        except (OSError, resp.RespError):
            return False

    def client(self):
        return resp.Client(self.port)

    def stop(self):
        """SIGTERM: Redis fsyncs the AOF and exits (as `redis-cli SHUTDOWN`)."""
        self.proc.terminate()
        self.assertExit(self.proc.wait(20))

    @staticmethod
    def assertExit(code):
        if code != 0:
            raise AssertionError("redis-server exited %d" % code)

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port


class BackupRestoreTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="backplan-backup-")
        self.live = os.path.join(self.dir, "live")
        os.makedirs(self.live)
        self.redis = ProductionRedis(self.live)
        self.services = []
        self.plans = {}
        self.write_plans()

    def tearDown(self):
        for service in self.services:
            service.stop()
        for r in getattr(self, "started", []):
            if r.proc.poll() is None:
                r.proc.kill()
                r.proc.wait()
        if self.redis.proc.poll() is None:
            self.redis.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def service(self, name, redis, *extra):
        service = harness.Service(name, self.dir, redis.address, extra)
        service.start()
        self.services.append(service)
        return service

    def stop_services(self):
        for service in self.services:
            service.stop()
        self.services = []

    def write_plans(self):
        decomposition = harness.decomposition_pb2_grpc.DecompositionServiceStub(
            self.service("decomposition", self.redis).channel)
        prioritization = harness.prioritization_pb2_grpc.PrioritizationServiceStub(
            self.service("prioritization", self.redis).channel)
        for i in range(5):
            plan_id = decomposition.CreatePlan(decomposition_pb2.CreatePlanRequest(
                plan=harness.chain_plan("plan %d" % i))).plan_id
            # A stored stage and a second event on some plans.
            if i % 2 == 0:
                prioritization.Prioritize(prioritization_pb2.PrioritizeRequest(
                    plan_id=plan_id))
            self.plans[plan_id] = None
        for plan_id in self.plans:
            self.plans[plan_id] = decomposition.GetPlan(
                decomposition_pb2.GetPlanRequest(plan_id=plan_id)).SerializeToString()
        self.stop_services()
        client = self.redis.client()
        self.keys = snapshot(client)
        client.close()
        self.assertGreaterEqual(len(self.keys), 5)

    def assert_restored(self, redis):
        client = redis.client()
        restored = snapshot(client)
        client.close()
        self.assertEqual(sorted(restored), sorted(self.keys))
        for key, value in self.keys.items():
            self.assertEqual(restored[key], value, key)
        decomposition = harness.decomposition_pb2_grpc.DecompositionServiceStub(
            self.service("decomposition", redis).channel)
        for plan_id, encoded in self.plans.items():
            got = decomposition.GetPlan(decomposition_pb2.GetPlanRequest(plan_id=plan_id))
            self.assertEqual(got.SerializeToString(), encoded, plan_id)
        self.stop_services()

    def fresh_dir(self, name):
        path = os.path.join(self.dir, name)
        os.makedirs(path)
        return path

    def test_cold_aof_copy_restores_every_plan(self):
        self.redis.stop()
        restore = self.fresh_dir("restore-aof")
        shutil.copytree(os.path.join(self.live, "appendonlydir"),
                        os.path.join(restore, "appendonlydir"))
        restored = ProductionRedis(restore)
        self.started = [restored]
        self.assert_restored(restored)
        restored.stop()

    def test_online_rdb_snapshot_restores_every_plan(self):
        client = self.redis.client()
        before = int(client.info("persistence")["rdb_last_save_time"])
        self.assertEqual(client.call("BGSAVE"), b"Background saving started")
        harness.wait_until(
            lambda: client.info("persistence")["rdb_bgsave_in_progress"] == "0" and
            int(client.info("persistence")["rdb_last_save_time"]) >= before,
            30, "BGSAVE done")
        self.assertEqual(client.info("persistence")["rdb_last_bgsave_status"], "ok")
        client.close()
        backup = os.path.join(self.dir, "backup.rdb")
        shutil.copyfile(os.path.join(self.live, "dump.rdb"), backup)
        # Writes after the snapshot are not in it; the live Redis goes away.
        self.redis.stop()

        restore = self.fresh_dir("restore-rdb")
        shutil.copyfile(backup, os.path.join(restore, "dump.rdb"))
        # AOF off so Redis loads dump.rdb (with AOF on it would start from an
        # empty AOF), then AOF on: Redis rewrites it from the loaded data.
        loader = ProductionRedis(restore, appendonly=False)
        self.started = [loader]
        client = loader.client()
        self.assertEqual(client.call("CONFIG", "SET", "appendonly", "yes"), b"OK")
        harness.wait_until(
            lambda: (lambda p: p["aof_enabled"] == "1" and
                     p["aof_rewrite_in_progress"] == "0" and
                     p["aof_rewrite_scheduled"] == "0")(client.info("persistence")),
            30, "AOF rewritten")
        self.assertEqual(client.info("persistence")["aof_last_bgrewrite_status"], "ok")
        client.close()
        loader.stop()
        # As in production: AOF on, from the rebuilt appendonlydir.
        os.remove(os.path.join(restore, "dump.rdb"))
        restored = ProductionRedis(restore)
        self.started.append(restored)
        self.assert_restored(restored)
        restored.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
