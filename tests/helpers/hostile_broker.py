#!/usr/bin/env python3
"""A hostile MQTT "broker" on 127.0.0.1 for the bats suites.

hostile_broker.py MODE PORT_FILE [STATUS_FILE]: listens on a free loopback
port, writes it to PORT_FILE, and serves every connection as MODE says:

  silent   reads the CONNECT and never answers (no CONNACK)
  garbage  answers the CONNECT with bytes that are no MQTT
  tls      answers like a TLS server that got plaintext: a TLS alert record
  v311     an MQTT 3.1.1 broker: refuses a v5 CONNECT, accepts a 3.1.1 one
  huge     accepts the session (CONNACK), then announces a PUBLISH of
           256 MB and sends as much of it as the client takes

Each event is appended to STATUS_FILE ("connect [v5]", "sent N", "closed N"), so
that a test polls for what happened instead of sleeping. Runs until killed.
"""
import socket
import sys
import threading

mode, port_file = sys.argv[1], sys.argv[2]
status_file = sys.argv[3] if len(sys.argv) > 3 else None
lock = threading.Lock()


def status(line):
    if not status_file:
        return
    with lock, open(status_file, "a") as f:
        f.write(line + "\n")


def serve(conn):
    sent = 0
    try:
        connect = conn.recv(65536)  # the CONNECT (or a TLS ClientHello)
        at = connect.find(b"MQTT")
        v5 = at >= 0 and connect[at + 4:at + 5] == b"\x05"  # the protocol level
        status("connect v5" if v5 else "connect")
        if mode == "silent":
            while conn.recv(65536):
                pass
        elif mode == "garbage":
            conn.sendall(b"\xde\xad\xbe\xef" * 64)
            while conn.recv(65536):
                pass
        elif mode == "tls":
            conn.sendall(b"\x15\x03\x03\x00\x02\x02\x32")  # alert: decode_error
        elif mode == "v311":  # an old broker: MQTT 3.1.1 only
            if v5:
                conn.sendall(b"\x20\x02\x00\x01")  # unacceptable protocol version
                return
            conn.sendall(b"\x20\x02\x00\x00")
            while conn.recv(65536):
                pass
        elif mode == "huge":
            # CONNACK: accepted (v5: with an empty property list)
            conn.sendall(b"\x20\x03\x00\x00\x00" if v5 else b"\x20\x02\x00\x00")
            # PUBLISH, remaining length 268435455 (the most MQTT can say)
            conn.sendall(b"\x30\xff\xff\xff\x7f" + b"\x00\x01t")
            chunk = b"x" * (1 << 20)
            while sent < 300 * (1 << 20):
                conn.sendall(chunk)
                sent += len(chunk)
                if sent % (16 << 20) == 0:
                    status(f"sent {sent}")
    except OSError:
        pass
    finally:
        status(f"closed {sent}")
        conn.close()


srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(8)
with open(port_file + ".tmp", "w") as f:
    f.write(f"{srv.getsockname()[1]}\n")
import os  # noqa: E402

os.rename(port_file + ".tmp", port_file)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
