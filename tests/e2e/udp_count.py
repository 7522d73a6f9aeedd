#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Traffic of the live-reload tests: datagrams to several addresses until
told to stop, counted at both ends.

usage: udp_count.py send PORT STOP_FILE OUT_JSON ADDRESS...
           round-robin one datagram to each ADDRESS (unconnected sendto)
           until STOP_FILE exists; writes {address: {"ok": n, "eperm": n}}
       udp_count.py recv PORT STOP_FILE OUT_JSON ADDRESS...
           one socket bound to each ADDRESS; creates OUT_JSON.ready when
           listening, counts what each receives until STOP_FILE exists,
           then writes {address: n}
"""
import errno
import json
import os
import selectors
import socket
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def send(port, stop, out, addrs):
    socks = {a: socket.socket(family(a), socket.SOCK_DGRAM) for a in addrs}
    counts = {a: {"ok": 0, "eperm": 0} for a in addrs}
    while not os.path.exists(stop):
        for a, s in socks.items():
            try:
                s.sendto(b"juris", (a, port))
                counts[a]["ok"] += 1
            except OSError as e:
                if e.errno != errno.EPERM:
                    raise
                counts[a]["eperm"] += 1
        time.sleep(0.0005)
    with open(out, "w") as f:
        json.dump(counts, f)


def recv(port, stop, out, addrs):
    sel = selectors.DefaultSelector()
    counts = {a: 0 for a in addrs}
    for a in addrs:
        s = socket.socket(family(a), socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        s.bind((a, port))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, a)
    open(out + ".ready", "w").close()
    while not os.path.exists(stop):
        for key, _ in sel.select(0.1):
            while True:
                try:
                    key.fileobj.recv(2048)
                except BlockingIOError:
                    break
                counts[key.data] += 1
    with open(out, "w") as f:
        json.dump(counts, f)


if __name__ == "__main__":
    mode, port, flag, out, *addrs = sys.argv[1:]
    (send if mode == "send" else recv)(int(port), flag, out, addrs)
