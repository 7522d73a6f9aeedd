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
       client.py udp-phases ADDRESS PORT SIZE COUNT READY GO
           connect a UDP socket, send COUNT datagrams of SIZE bytes, create
           the file READY, wait for the file GO (at most 20 s), send COUNT
           more on the same socket: one connection across a policy change;
           RESULT is OK, or the errno of the first refused send after GO
       client.py hold ADDRESS PORT OUT
           connect over TCP, create OUT.ready, then wait for data (at most
           20 s); write to OUT "RESULT EPOCH": the errno name of the error
           that ended the wait (ECONNABORTED when juris closed it), EOF or
           TIMEOUT, and when it came (time.time())

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


def wait_for(path):
    deadline = time.monotonic() + 20
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def udp_phases(addr, port, size, count, ready, go):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.connect((addr, port))
    payload = b"z" * size
    for _ in range(count):
        s.send(payload)
    open(ready, "w").close()
    if not wait_for(go):
        return "NOGO", 0.0
    t0 = time.perf_counter()
    result = "OK"
    for _ in range(count):
        try:
            s.send(payload)
        except OSError as e:
            if result == "OK":
                result = errno.errorcode.get(e.errno, str(e.errno))
    return result, time.perf_counter() - t0


def hold(addr, port, out):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.settimeout(3)
    s.connect((addr, port))
    open(out + ".ready", "w").close()
    s.settimeout(20)
    try:
        result = "EOF" if not s.recv(16) else "DATA"
    except socket.timeout:
        result = "TIMEOUT"
    except OSError as e:
        result = errno.errorcode.get(e.errno, str(e.errno))
    with open(out + ".tmp", "w") as f:
        f.write(f"{result} {time.time():.3f}\n")
    os.rename(out + ".tmp", out)
    return result, 0.0


def main():
    t0 = time.perf_counter()
    try:
        if sys.argv[1] == "tcp":
            result, elapsed = tcp(sys.argv[2], int(sys.argv[3]))
        elif sys.argv[1] == "udp-phases":
            result, elapsed = udp_phases(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                                         int(sys.argv[5]), sys.argv[6], sys.argv[7])
        elif sys.argv[1] == "hold":
            result, elapsed = hold(sys.argv[2], int(sys.argv[3]), sys.argv[4])
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
