#!/usr/bin/python3
"""Relays connections made to Unix sockets to TCP ports inside a network namespace.

A test JVM in the root network namespace cannot open TCP connections into a namespace it made
(the namespace has only its own loopback and a veth pair with a 127.x address); a Unix socket on
the file system can be reached from both. Run inside the namespace as
    unix_tcp_relay.py /tmp/x/http.sock=127.0.0.1:18080 /tmp/x/driver.sock=127.0.0.1:9515 ...
it listens on each socket path and connects each accepted stream to its TCP address; the test
side (io.stagecast.signaling.e2e.NetNamespace) forwards a loopback TCP port to the socket. Prints
"ready" once every socket listens. Runs until killed.
"""
import asyncio
import sys


async def pump(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


def handler(host, port):
    async def on_connection(reader, writer):
        try:
            target_reader, target_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(pump(reader, target_writer), pump(target_reader, writer))
    return on_connection


async def main(specs):
    servers = []
    for spec in specs:
        path, target = spec.split("=", 1)
        host, port = target.rsplit(":", 1)
        servers.append(await asyncio.start_unix_server(handler(host, int(port)), path=path))
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
