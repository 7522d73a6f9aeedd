#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Scrapes a metrics endpoint behind many idle connections (the metrics
suite): opens N connections from FLOOD_ADDR that send nothing, then GETs
/metrics from SCRAPE_ADDR, retrying until LIMIT seconds have passed.

usage: idle_flood.py PORT N FLOOD_ADDR SCRAPE_ADDR LIMIT
prints "held H" (connections the server kept open), then "scrape_ok
SECONDS" or "scrape_failed SECONDS ERROR"; closes every socket on exit."""
import resource
import socket
import sys
import time

port, n, flood_addr, scrape_addr, limit = (int(sys.argv[1]), int(sys.argv[2]), sys.argv[3],
                                           sys.argv[4], float(sys.argv[5]))
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = min(hard, n + 64) if hard != resource.RLIM_INFINITY else n + 64
if soft < want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

idle = []
try:
    for _ in range(n):
        s = socket.socket()
        s.settimeout(2)
        s.bind((flood_addr, 0))
        try:
            s.connect(("127.0.0.1", port))
        except OSError:
            s.close()
            continue
        idle.append(s)
    # Let the server accept (or refuse) them all before counting.
    time.sleep(0.5)
    held = 0
    for s in idle:
        s.setblocking(False)
        try:
            held += s.recv(1, socket.MSG_PEEK) != b""
        except BlockingIOError:
            held += 1
        except OSError:
            pass
    print("held", held, flush=True)

    start = time.monotonic()
    err = "no attempt"
    while time.monotonic() - start < limit:
        c = socket.socket()
        c.settimeout(max(0.1, limit - (time.monotonic() - start)))
        try:
            c.bind((scrape_addr, 0))
            c.connect(("127.0.0.1", port))
            c.sendall(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            data = b""
            while True:
                chunk = c.recv(65536)
                if not chunk:
                    break
                data += chunk
            if data.startswith(b"HTTP/1.") and b" 200 " in data.split(b"\r\n", 1)[0] and \
                    b"juris_build_info" in data:
                print("scrape_ok %.3f" % (time.monotonic() - start))
                sys.exit(0)
            err = "reply: " + data[:40].decode(errors="replace")
        except OSError as e:
            err = str(e)
        finally:
            c.close()
        time.sleep(0.1)
    print("scrape_failed %.3f %s" % (time.monotonic() - start, err))
    sys.exit(1)
finally:
    for s in idle:
        s.close()
