#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Forged DNS traffic for the end-to-end suites (standard library only).

usage: dns_forge.py udp SOURCE DEST PORT NAME ADDRESS
           one unsolicited answer from SOURCE:53 to DEST:PORT saying that
           NAME has the IPv4 ADDRESS (TTL 300)
       dns_forge.py tcp-midstream LISTEN NAME ADDRESS READY_FILE
           a TCP server on LISTEN:53 that answers one query with NXDOMAIN
           whose declared length runs on into a second segment, and that
           second segment looks like a whole answer (its own length
           prefix, the query's id and question, NAME has ADDRESS): only a
           reader that parses mid-stream sees it
"""
import ipaddress
import socket
import struct
import sys
import time


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def question(name, qtype=1):
    return wire_name(name) + struct.pack("!HH", qtype, 1)


def a_answer(qid, name, address):
    rdata = ipaddress.ip_address(address).packed
    rr = struct.pack("!H", 0xc00c) + struct.pack("!HHIH", 1, 1, 300, 4) + rdata
    return struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + question(name) + rr


def udp(source, dest, port, name, address):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((source, 53))
    s.sendto(a_answer(0x4242, name, address), (dest, int(port)))


def tcp_midstream(listen, name, address, ready):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((listen, 53))
    srv.listen(1)
    open(ready, "w").close()
    conn, _ = srv.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    n = struct.unpack("!H", conn.recv(2))[0]
    query = b""
    while len(query) < n:
        query += conn.recv(n - len(query))
    qid = struct.unpack("!H", query[:2])[0]
    qend = 12 + query[12:].index(b"\0") + 5
    nx = struct.pack("!HHHHHH", qid, 0x8183, 1, 0, 0, 0) + query[12:qend]
    forged = a_answer(qid, name, address)
    second = struct.pack("!H", len(forged)) + forged
    # One message of len(nx) + len(second) bytes, sent as two segments.
    conn.sendall(struct.pack("!H", len(nx) + len(second)) + nx)
    time.sleep(0.3)
    conn.sendall(second)
    time.sleep(0.5)
    conn.close()


def main():
    if sys.argv[1] == "udp":
        udp(*sys.argv[2:7])
    elif sys.argv[1] == "tcp-midstream":
        tcp_midstream(*sys.argv[2:6])
    else:
        sys.exit("unknown mode " + sys.argv[1])


if __name__ == "__main__":
    main()
