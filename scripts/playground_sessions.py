#!/usr/bin/env python3
"""How many playground sessions one neurite-playground process sustains.

Opens N WebSockets to a running server, configures each with the spiral (ReLU, hidden [8, 8],
Adam), presses play, counts the frames each socket receives over a window, and prints the
frames per second of the slowest and the median socket. Run it for growing N; the answer is the
largest N whose slowest socket still gets >= 10 frames/s.

    swift build -c release --product neurite-playground
    .build/release/neurite-playground --port 8099 --max-sessions 64 &
    /work/pyenv/bin/python scripts/playground_sessions.py --port 8099 --sessions 1 2 4 8 16

Only loopback: the script connects to 127.0.0.1 and stops by itself.
"""
import argparse
import json
import statistics
import threading
import time

import websocket  # websocket-client

CONFIG = {"dataset": "spiral", "activation": "relu", "hidden": [8, 8], "optimizer": "adam",
          "learningRate": 0.01, "samples": 500}


def session(port, seconds, counts, index, start_barrier):
    socket = websocket.create_connection(f"ws://127.0.0.1:{port}/ws", timeout=30)
    try:
        json.loads(socket.recv())  # ready
        socket.send(json.dumps({"type": "configure", "config": CONFIG}))
        start_barrier.wait()
        socket.send(json.dumps({"type": "play"}))
        warmup_end = time.monotonic() + 1.0
        while time.monotonic() < warmup_end:
            socket.recv()
        frames, end = 0, time.monotonic() + seconds
        while time.monotonic() < end:
            message = json.loads(socket.recv())
            if message.get("type") == "frame" and message.get("playing"):
                frames += 1
        counts[index] = frames / seconds
        socket.send(json.dumps({"type": "pause"}))
    finally:
        socket.close()


def measure(port, sessions, seconds):
    counts = [0.0] * sessions
    barrier = threading.Barrier(sessions)
    threads = [threading.Thread(target=session, args=(port, seconds, counts, i, barrier)) for i in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--seconds", type=float, default=5.0)
    arguments = parser.parse_args()
    print("sessions  slowest fps  median fps  total fps")
    for sessions in arguments.sessions:
        counts = measure(arguments.port, sessions, arguments.seconds)
        print(f"{sessions:8d}  {min(counts):11.1f}  {statistics.median(counts):10.1f}  {sum(counts):9.1f}", flush=True)
        time.sleep(1)


if __name__ == "__main__":
    main()
