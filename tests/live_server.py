"""A real uvicorn server in a thread, on a loopback socket bound by the test (shared by the service tests)."""
from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

import uvicorn

from service import Settings, create_app


def free_port() -> int:
    """A loopback port free now (for servers started in another process)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def thread_server(settings: Settings, before_exit: Callable[[], None] = lambda: None) -> Iterator[str]:
    """Yield the base URL once the app has loaded its model; ``before_exit`` opens any test gates."""
    app = create_app(settings)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
            time.sleep(0.02)
        assert app.state.runtime.loaded.wait(30)
        yield f"http://127.0.0.1:{port}"
    finally:
        before_exit()
        server.should_exit = True
        thread.join(30)
        sock.close()
