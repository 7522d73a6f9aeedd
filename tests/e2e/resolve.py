#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""DNS client of the end-to-end suites: asks SERVER (never /etc/resolv.conf)
for NAME and prints "OK ANCOUNT RCODE", or TIMEOUT, or the errno name.

usage: resolve.py SERVER NAME [A|AAAA] [udp|tcp]
"""
import errno
import os
import socket
import struct
import sys

TYPES = {"A": 1, "AAAA": 28}


def query(name, qtype):
    qid = os.getpid() & 0xffff
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", qtype, 1)


def ask(server, msg, transport):
    fam = socket.AF_INET6 if ":" in server else socket.AF_INET
    if transport == "udp":
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.settimeout(3)
        s.sendto(msg, (server, 53))
        return s.recv(4096)
    s = socket.create_connection((server, 53), timeout=3)
    s.sendall(struct.pack("!H", len(msg)) + msg)
    n = struct.unpack("!H", s.recv(2))[0]
    reply = b""
    while len(reply) < n:
        reply += s.recv(n - len(reply))
    return reply


def main():
    server, name = sys.argv[1], sys.argv[2]
    qtype = TYPES[sys.argv[3] if len(sys.argv) > 3 else "A"]
    transport = sys.argv[4] if len(sys.argv) > 4 else "udp"
    try:
        reply = ask(server, query(name, qtype), transport)
        ancount = struct.unpack("!H", reply[6:8])[0]
        print("OK", ancount, reply[3] & 0x0f)
    except socket.timeout:
        print("TIMEOUT")
    except OSError as e:
        print(errno.errorcode.get(e.errno, str(e.errno)))


if __name__ == "__main__":
    main()
