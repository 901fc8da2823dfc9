"""A minimal RESP2 client for the end-to-end suites that read Redis itself
(backup and restore, migration to a cluster): commands in, replies out, and
the whole content of a key in a comparable form.

Replies: simple and bulk strings as bytes (None for a nil bulk string or
array), integers as int, arrays as lists. An error reply raises RespError,
whose text is the error line (`MOVED 3999 127.0.0.1:6381`).

    client = Client(port)
    client.call("SET", "k", b"v")          # b"OK"
    kind, content = key_value(client, b"k")  # (b"string", b"v")
    client.close()
"""
import socket


class RespError(Exception):
    """An error reply; str() is its text without the leading '-'."""


class Client:
    """One connection to 127.0.0.1:`port` (or `host`), AUTH with `password`
    when one is given. `timeout` (seconds) bounds connecting and each read."""

    def __init__(self, port, host="127.0.0.1", password=None, timeout=5):
        self.sock = socket.create_connection((host, port), timeout)
        self.buf = b""
        if password:
            self.call("AUTH", password)

    def close(self):
        self.sock.close()

    def call(self, *args):
        """Sends one command (str, bytes or int arguments); returns its reply."""
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))
        return self._reply()

    def info(self, section):
        """INFO `section` as a dict of str to str."""
        text = self.call("INFO", section).decode()
        return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)

    def _fill(self, ready):
        while not ready():
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk

    def _line(self):
        self._fill(lambda: b"\r\n" in self.buf)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        self._fill(lambda: len(self.buf) >= n + 2)
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest
        if kind == b"-":
            raise RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise ValueError("bad reply %r" % line)


def scan_all(client):
    """Every key of the client's database, by SCAN (a list of bytes)."""
    keys, cursor = [], b"0"
    while True:
        cursor, batch = client.call("SCAN", cursor, "COUNT", 1000)
        keys.extend(batch)
        if cursor == b"0":
            return keys


def key_value(client, key):
    """The key's type and full content in an order-independent form: hashes
    as dicts, sets sorted, streams as (entries with their ids, last generated
    id, number of groups). Not DUMP: a hashtable-encoded hash or set dumps
    its fields in table order, which RESTORE and an AOF rewrite do not keep.
    `client` is anything with call(), such as a Client."""
    kind = client.call("TYPE", key)
    if kind == b"string":
        return kind, client.call("GET", key)
    if kind == b"hash":
        flat = client.call("HGETALL", key)
        return kind, dict(zip(flat[::2], flat[1::2]))
    if kind == b"set":
        return kind, sorted(client.call("SMEMBERS", key))
    if kind == b"zset":
        return kind, client.call("ZRANGE", key, 0, -1, "WITHSCORES")
    if kind == b"list":
        return kind, client.call("LRANGE", key, 0, -1)
    if kind == b"stream":
        info = client.call("XINFO", "STREAM", key)
        fields = dict(zip(info[::2], info[1::2]))
        return kind, (client.call("XRANGE", key, "-", "+"),
                      fields[b"last-generated-id"], fields[b"groups"])
    raise AssertionError("unexpected type %r of %r" % (kind, key))
