"""grpc_health_probe in a few lines of Debian's python3-grpcio: calls
grpc.health.v1.Health/Check without generated stubs (the request and reply
are one-field messages, encoded by hand) until the service reports SERVING.

  health_probe.py HOST:PORT [SERVICE] [--timeout SECONDS]

Prints "SERVING" and exits 0, or prints the last status or error and exits 1.
"""
import sys
import time

import grpc

STATUS = {0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING", 3: "SERVICE_UNKNOWN"}


def encode_request(service):
    data = service.encode()
    # Field 1, wire type 2; names here are far shorter than 128 bytes.
    return b"\x0a" + bytes([len(data)]) + data if data else b""


def decode_status(reply):
    # HealthCheckResponse{status = 1 (varint)}; absent means UNKNOWN (0).
    if reply[:1] == b"\x08" and len(reply) >= 2:
        return STATUS.get(reply[1], str(reply[1]))
    return STATUS[0]


def main(argv):
    timeout_s = 20.0
    if "--timeout" in argv:
        i = argv.index("--timeout")
        timeout_s = float(argv[i + 1])
        del argv[i:i + 2]
    address = argv[0]
    service = argv[1] if len(argv) > 1 else ""
    assert len(service) < 128
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    with grpc.insecure_channel(address) as channel:
        check = channel.unary_unary("/grpc.health.v1.Health/Check",
                                    request_serializer=encode_request,
                                    response_deserializer=decode_status)
        while time.monotonic() < deadline:
            try:
                last = check(service, timeout=1)
                if last == "SERVING":
                    print("SERVING")
                    return 0
            except grpc.RpcError as e:
                last = "%s: %s" % (e.code().name, e.details())
            time.sleep(0.1)
    print(last)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
