"""Wire and JSON compatibility of proto/backplan/v1 against a committed
baseline (proto/baseline/backplan_v1.txtpb, a FileDescriptorSet in text
format).

A change breaks existing clients when it removes or renumbers a field,
changes a field's type, label or name (names matter to the JSON mapping the
CLI and load tool use), removes an enum value, a message, a service or an
RPC, or changes an RPC's request, response or streaming. Adding is fine.

  python3 tests/contract/proto_compat.py           # check, exit 1 if broken
  python3 tests/contract/proto_compat.py --accept  # write a new baseline
"""
import os
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2, text_format

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASELINE = os.path.join(ROOT, "proto", "baseline", "backplan_v1.txtpb")
PROTO_DIR = os.path.join(ROOT, "proto")


def current_descriptors():
    files = sorted(os.path.join("backplan", "v1", f)
                   for f in os.listdir(os.path.join(PROTO_DIR, "backplan", "v1"))
                   if f.endswith(".proto"))
    with tempfile.NamedTemporaryFile(suffix=".pb") as out:
        subprocess.run(["protoc", "-I", PROTO_DIR, "--descriptor_set_out", out.name]
                       + files, check=True)
        fds = descriptor_pb2.FileDescriptorSet()
        fds.ParseFromString(open(out.name, "rb").read())
    for f in fds.file:
        f.ClearField("source_code_info")
    return fds


def load_baseline(path=BASELINE):
    fds = descriptor_pb2.FileDescriptorSet()
    with open(path) as f:
        text_format.Parse(f.read(), fds)
    return fds


def _messages(fds):
    out = {}

    def walk(prefix, message):
        name = prefix + "." + message.name
        out[name] = message
        for nested in message.nested_type:
            walk(name, nested)

    for f in fds.file:
        for m in f.message_type:
            walk(f.package, m)
    return out


def _enums(fds):
    out = {}

    def walk(prefix, message):
        name = prefix + "." + message.name
        for e in message.enum_type:
            out[name + "." + e.name] = e
        for nested in message.nested_type:
            walk(name, nested)

    for f in fds.file:
        for e in f.enum_type:
            out[f.package + "." + e.name] = e
        for m in f.message_type:
            walk(f.package, m)
    return out


def _services(fds):
    return {f.package + "." + s.name: s for f in fds.file for s in f.service}


def breaking_changes(old, new):
    """Returns a list of human-readable breaking changes from old to new."""
    problems = []
    new_messages = _messages(new)
    for name, message in _messages(old).items():
        if name not in new_messages:
            problems.append("message %s removed" % name)
            continue
        fields = {f.number: f for f in new_messages[name].field}
        for field in message.field:
            where = "%s.%s (= %d)" % (name, field.name, field.number)
            now = fields.get(field.number)
            if now is None:
                problems.append("field %s removed or renumbered" % where)
                continue
            if now.name != field.name:
                problems.append("field %s renamed to %s" % (where, now.name))
            if now.type != field.type or now.type_name != field.type_name:
                problems.append("field %s changed type" % where)
            if now.label != field.label:
                problems.append("field %s changed label" % where)
            if now.HasField("oneof_index") != field.HasField("oneof_index"):
                problems.append("field %s moved into or out of a oneof" % where)
    new_enums = _enums(new)
    for name, enum in _enums(old).items():
        if name not in new_enums:
            problems.append("enum %s removed" % name)
            continue
        values = {v.number: v.name for v in new_enums[name].value}
        for value in enum.value:
            if values.get(value.number) != value.name:
                problems.append("enum value %s.%s (= %d) removed or renamed"
                                % (name, value.name, value.number))
    new_services = _services(new)
    for name, service in _services(old).items():
        if name not in new_services:
            problems.append("service %s removed" % name)
            continue
        methods = {m.name: m for m in new_services[name].method}
        for method in service.method:
            where = "%s/%s" % (name, method.name)
            now = methods.get(method.name)
            if now is None:
                problems.append("rpc %s removed" % where)
                continue
            if (now.input_type, now.output_type) != (method.input_type, method.output_type):
                problems.append("rpc %s changed its request or response" % where)
            if (now.client_streaming, now.server_streaming) != (
                    method.client_streaming, method.server_streaming):
                problems.append("rpc %s changed streaming" % where)
    return problems


def main():
    current = current_descriptors()
    if "--accept" in sys.argv:
        os.makedirs(os.path.dirname(BASELINE), exist_ok=True)
        with open(BASELINE, "w") as f:
            f.write(text_format.MessageToString(current))
        print("wrote", os.path.relpath(BASELINE, ROOT))
        return 0
    problems = breaking_changes(load_baseline(), current)
    for p in problems:
        print("BREAKING:", p)
    if problems:
        print("proto/backplan/v1 breaks existing clients. If this is intended "
              "(a new major version), accept it with: "
              "python3 tests/contract/proto_compat.py --accept")
        return 1
    print("proto/backplan/v1 is compatible with the baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
