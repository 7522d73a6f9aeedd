#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Client of the end-to-end suites. Prints one line "RESULT SECONDS PID":
RESULT is OK or the errno name (EPERM, ECONNREFUSED...) or TIMEOUT, SECONDS
the time the connect (or the sends) took, PID this process (the one the
kernel attributes the flow to).

usage: client.py tcp ADDRESS PORT            connect, expect "ok" back
       client.py udp ADDRESS PORT SIZE COUNT  COUNT datagrams of SIZE bytes
       client.py udp-early ADDRESS PORT READY GO
           connect a UDP socket, create the file READY, wait for the file GO
           (at most 20 s), then send 5 datagrams on the connected socket: a
           socket opened before juris started

Environment: CLIENT_SOURCE, an address to send from (gateway tests);
CLIENT_TIMEOUT, seconds a TCP connect may take (default 3).
"""
import errno
import os
import socket
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def bind_source(s):
    src = os.environ.get("CLIENT_SOURCE")
    if src:
        s.bind((src, 0))


def tcp(addr, port):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.settimeout(float(os.environ.get("CLIENT_TIMEOUT", "3")))
    bind_source(s)
    t0 = time.perf_counter()
    s.connect((addr, port))
    elapsed = time.perf_counter() - t0
    data = s.recv(16)
    return ("OK" if data == b"ok" else "NODATA"), elapsed


def udp(addr, port, size, count):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    bind_source(s)
    payload = b"x" * size
    t0 = time.perf_counter()
    for _ in range(count):
        if s.sendto(payload, (addr, port)) != size:
            return "SHORT", time.perf_counter() - t0
    return "OK", time.perf_counter() - t0


def udp_early(addr, port, ready, go):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.connect((addr, port))
    open(ready, "w").close()
    deadline = time.monotonic() + 20
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            return "NOGO", 0.0
        time.sleep(0.02)
    t0 = time.perf_counter()
    for _ in range(5):
        s.send(b"y" * 100)
    return "OK", time.perf_counter() - t0


def main():
    t0 = time.perf_counter()
    try:
        if sys.argv[1] == "tcp":
            result, elapsed = tcp(sys.argv[2], int(sys.argv[3]))
        elif sys.argv[1] == "udp-early":
            result, elapsed = udp_early(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
        else:
            result, elapsed = udp(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    except socket.timeout:
        result, elapsed = "TIMEOUT", time.perf_counter() - t0
    except OSError as e:
        result = errno.errorcode.get(e.errno, str(e.errno))
        elapsed = time.perf_counter() - t0
    print(result, f"{elapsed:.6f}", os.getpid())


if __name__ == "__main__":
    main()
