#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Server of the end-to-end suites: on every address of its network namespace,
TCP on PORT answers "ok" and closes, UDP on PORT swallows datagrams.

usage: server.py PORT READY_FILE   (READY_FILE is created once listening)
"""
import selectors
import socket
import sys


def listener(kind, port):
    s = socket.socket(socket.AF_INET6, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # One dual-stack socket serves the IPv4 addresses too.
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    return s


def main():
    port, ready = int(sys.argv[1]), sys.argv[2]
    tcp = listener(socket.SOCK_STREAM, port)
    tcp.listen(128)
    udp = listener(socket.SOCK_DGRAM, port)
    sel = selectors.DefaultSelector()
    sel.register(tcp, selectors.EVENT_READ)
    sel.register(udp, selectors.EVENT_READ)
    open(ready, "w").close()
    while True:
        for key, _ in sel.select():
            if key.fileobj is tcp:
                conn, _ = tcp.accept()
                try:
                    conn.sendall(b"ok")
                except OSError:
                    pass
                conn.close()
            else:
                udp.recvfrom(65536)


if __name__ == "__main__":
    main()
