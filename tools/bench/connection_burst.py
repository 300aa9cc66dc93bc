#!/usr/bin/env python3
"""Connection flood against a running helpdex server (issue 16, tools/bench/README.md).

Usage: tools/bench/connection_burst.py PORT N PID
Opens N idle TCP connections to 127.0.0.1:PORT as fast as it can, holds them for five
seconds while asking GET /healthz on a new connection every second, reports how many the
server kept open, closes them, and reports /healthz and the server's (PID) CPU time
throughout: a server that busy-loops on accept() shows CPU seconds while idle.
Loopback only; bounded (5 s held, 5 s timeouts)."""
import os
import socket
import sys
import time

port = int(sys.argv[1]); n = int(sys.argv[2]); pid = int(sys.argv[3])
def cpu():
    with open(f"/proc/{pid}/stat") as f: p = f.read().split(")")[1].split()
    return (int(p[11]) + int(p[12])) / os.sysconf("SC_CLK_TCK")
def healthz(timeout=5):
    t = time.time()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = s.recv(100); s.close()
        return f"{data[:12].decode(errors='replace')} {1000*(time.time()-t):.0f} ms"
    except Exception as e:
        return f"FAIL {type(e).__name__} after {1000*(time.time()-t):.0f} ms"
print("before:", healthz())
held = []; failed = 0
c0 = cpu(); t0 = time.time()
for i in range(n):
    try:
        s = socket.socket(); s.settimeout(2); s.connect(("127.0.0.1", port)); held.append(s)
    except Exception: failed += 1
print(f"opened {len(held)} (connect failures {failed}) in {time.time()-t0:.2f} s")
for k in range(5):
    time.sleep(1)
    c = cpu(); print(f"t+{time.time()-t0:.0f}s healthz: {healthz()}  server CPU so far {c-c0:.2f} s")
alive = 0
for s in held:
    try:
        s.setblocking(False)
        d = s.recv(1)
        if d == b"": pass
    except BlockingIOError: alive += 1
    except Exception: pass
print(f"still open from the server's side: {alive} of {len(held)}")
for s in held: s.close()
time.sleep(1)
c1 = cpu(); time.sleep(3); c2 = cpu()
print(f"after closing: healthz {healthz()}; server CPU over 3 idle s: {c2-c1:.2f} s")
