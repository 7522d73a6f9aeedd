#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""DNS responder of the end-to-end suites (standard library only): answers
over UDP and TCP, on ADDRESS port 53, for the test names below, with
documentation addresses. Names match without regard to case, and the
question is echoed as asked (as real servers do). CNAME chains are answered
whole; owner names are compression pointers to names written earlier.

  malformed.example.test  an answer whose record name is a compression
                          pointer to itself (a loop): juris must count it
                          and carry on
  anything else           NXDOMAIN

usage: dns_server.py ADDRESS READY_FILE
"""
import ipaddress
import selectors
import socket
import struct
import sys

TTL = 300
RECORDS = {
    "www.example.test": [("A", "192.0.2.241", TTL)],
    "us.test": [("A", "192.0.2.241", TTL)],
    "v6.example.test": [("AAAA", "2001:db8:3::10", TTL)],
    "alias.example.test": [("CNAME", "cdn.example.net", TTL)],
    "cdn.example.net": [("CNAME", "edge.example.org", TTL)],
    "edge.example.org": [("A", "192.0.2.130", TTL)],
    "short.gouv.test": [("A", "198.51.100.10", 2)],
}
TYPES = {"A": 1, "CNAME": 5, "AAAA": 28}


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def read_question(msg):
    """The question's name (as asked), its end offset, QTYPE."""
    off, labels = 12, []
    while msg[off]:
        n = msg[off]
        labels.append(msg[off + 1:off + 1 + n].decode())
        off += 1 + n
    qtype = struct.unpack("!H", msg[off + 1:off + 3])[0]
    return ".".join(labels), off + 5, qtype


def record(owner, rtype, ttl, rdata):
    return owner + struct.pack("!HHIH", TYPES[rtype], 1, ttl, len(rdata)) + rdata


def answer(query):
    qid = query[:2]
    name, qend, qtype = read_question(query)
    question = query[12:qend]
    if name.lower() == "malformed.example.test":
        # The record's name points at its own offset: a loop.
        loop = struct.pack("!H", 0xc000 | qend)
        body = loop + struct.pack("!HHIH", 1, 1, TTL, 4) + bytes([192, 0, 2, 241])
        return qid + struct.pack("!HHHHH", 0x8180, 1, 1, 0, 0) + question + body
    answers, owner_ptr, cur = [], 12, name.lower()
    msg_len = qend
    for _ in range(8):
        recs = RECORDS.get(cur)
        if not recs:
            break
        owner = struct.pack("!H", 0xc000 | owner_ptr)
        nxt = None
        for rtype, value, ttl in recs:
            if rtype == "CNAME":
                rdata = wire_name(value)
                owner_ptr = msg_len + len(owner) + 10   # where the target lands
                nxt = value
            else:
                if TYPES[rtype] != qtype and qtype != 255:
                    continue
                rdata = ipaddress.ip_address(value).packed
            rr = record(owner, rtype, ttl, rdata)
            answers.append(rr)
            msg_len += len(rr)
        if not nxt:
            break
        cur = nxt
    rcode = 0 if answers or name.lower() in RECORDS else 3
    head = qid + struct.pack("!HHHHH", 0x8180 | rcode, 1, len(answers), 0, 0)
    return head + question + b"".join(answers)


def main():
    addr, ready = sys.argv[1], sys.argv[2]
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    udp = socket.socket(fam, socket.SOCK_DGRAM)
    udp.bind((addr, 53))
    tcp = socket.socket(fam, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((addr, 53))
    tcp.listen(16)
    sel = selectors.DefaultSelector()
    sel.register(udp, selectors.EVENT_READ)
    sel.register(tcp, selectors.EVENT_READ)
    open(ready, "w").close()
    while True:
        for key, _ in sel.select():
            if key.fileobj is udp:
                query, peer = udp.recvfrom(4096)
                udp.sendto(answer(query), peer)
                continue
            conn, _ = tcp.accept()
            conn.settimeout(3)
            try:
                n = struct.unpack("!H", conn.recv(2))[0]
                query = b""
                while len(query) < n:
                    query += conn.recv(n - len(query))
                reply = answer(query)
                conn.sendall(struct.pack("!H", len(reply)) + reply)
            except (OSError, struct.error):
                pass
            conn.close()


if __name__ == "__main__":
    main()
