#!/usr/bin/env python3
"""A loopback proxy that loses the answers to key creation: it forwards each request to the real
server, and for POST /v1/api-keys closes the client's connection instead of passing the answer
back, as a network that drops mid-request would; with "hold", it keeps the connection open and
silent instead, as a server that is slow to answer. Prints the port it listens on, then one line per
answer it lost. Usage: drop-answers.py TARGET_PORT [hold]"""
import socket
import sys
import threading
import time


def read_message(sock, first=b""):
    """One HTTP/1.1 message (head and Content-Length body); b"" when the peer closed first."""
    data = first
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return b""
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def handle(client, target, hold):
    with client, socket.create_connection(("127.0.0.1", target)) as upstream:
        while True:
            request = read_message(client)
            if not request:
                return
            upstream.sendall(request)
            answer = read_message(upstream)
            if request.startswith(b"POST /v1/api-keys "):
                print("lost the answer to", request.split(b"\r\n", 1)[0].decode(), flush=True)
                while hold:
                    time.sleep(1)
                return  # closes the client's connection: the server did the work, nobody hears of it
            client.sendall(answer)


def main():
    target = int(sys.argv[1])
    hold = sys.argv[2:] == ["hold"]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=handle, args=(client, target, hold), daemon=True).start()


main()
