"""Crash-loss measurement: how many acknowledged writes a Redis SIGKILL loses
under each AOF fsync policy. Not part of CI (it takes about a minute).

For each mode (everysec, always): a redis-server with appendonly yes and that
appendfsync, and a real backplan-decomposition in front of it. Writer threads
call CreatePlan as fast as they can and record every plan id the service
acknowledged (OK). Every --kill_every seconds Redis is SIGKILLed and
restarted on the same port and directory (it reloads its AOF); writes during
the outage fail (UNAVAILABLE / DEADLINE_EXCEEDED, not acknowledged, not
counted). At the end every acknowledged id is looked up in Redis directly:
an acknowledged id whose plan key is missing is a lost write.

    /usr/bin/python3 tests/e2e/crash_loss.py [--seconds 20] [--kill_every 3]
        [--writers 8] [--modes everysec,always]

A SIGKILL leaves the kernel's page cache intact, so this measures what Redis
acknowledged before handing it to write(2) (everysec may postpone a write
while a background fsync is slow) — not power loss, which would also lose
everysec's last second of written but unsynced data.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import chain_plan, decomposition_pb2, grpc, metadata  # noqa: E402


class AofRedis(harness.Redis):
    def __init__(self, workdir, fsync):
        super().__init__(workdir)
        self.fsync = fsync

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "yes", "--appendfsync", self.fsync,
             "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        harness.wait_until(self.ping, 60, "redis-server (AOF reload)")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.proc = None


def existing(port, keys):
    """How many of `keys` exist, by pipelined EXISTS."""
    found = 0
    with socket.create_connection(("127.0.0.1", port), 10) as s:
        f = s.makefile("rb")
        for start in range(0, len(keys), 1000):
            batch = keys[start:start + 1000]
            payload = b"".join(
                b"*2\r\n$6\r\nEXISTS\r\n$%d\r\n%s\r\n" % (len(k), k) for k in batch)
            s.sendall(payload)
            for _ in batch:
                found += int(f.readline()[1:].strip())
    return found


def measure(mode, seconds, kill_every, writers):
    workdir = tempfile.mkdtemp(prefix="backplan-crash-%s-" % mode)
    redis = AofRedis(workdir, mode)
    redis.start()
    service = harness.Service("decomposition", workdir, redis.address)
    service.start()
    stub = harness.decomposition_pb2_grpc.DecompositionServiceStub(service.channel)
    acked = []
    failed = [0]
    lock = threading.Lock()
    stop = threading.Event()
    request = decomposition_pb2.CreatePlanRequest(plan=chain_plan())

    def write():
        while not stop.is_set():
            try:
                plan_id = stub.CreatePlan(request, timeout=2,
                                          metadata=metadata(tenant="crash")).plan_id
                with lock:
                    acked.append(plan_id)
            except grpc.RpcError:
                with lock:
                    failed[0] += 1
                time.sleep(0.01)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for t in threads:
        t.start()
    kills = 0
    end = time.monotonic() + seconds
    while time.monotonic() + kill_every < end:
        time.sleep(kill_every)
        redis.kill()
        kills += 1
        redis.start()
    time.sleep(max(0.0, end - time.monotonic()))
    stop.set()
    for t in threads:
        t.join()
    service.stop()
    keys = [("bp:{crash/%s}:plan" % plan_id).encode() for plan_id in acked]
    # One more crash after the last write: what was acknowledged must be on
    # disk, not only in the dead process's memory.
    redis.kill()
    redis.start()
    kept = existing(redis.port, keys)
    redis.stop()
    return {"mode": mode, "acked": len(acked), "failed": failed[0],
            "kills": kills + 1, "lost": len(acked) - kept}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--kill_every", type=float, default=3)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--modes", default="everysec,always")
    args = parser.parse_args()
    print("| appendfsync | acknowledged writes | refused during outages "
          "| Redis SIGKILLs | acknowledged but lost |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for mode in args.modes.split(","):
        r = measure(mode, args.seconds, args.kill_every, args.writers)
        print("| `%s` | %d | %d | %d | %d |" % (r["mode"], r["acked"], r["failed"],
                                                r["kills"], r["lost"]))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
