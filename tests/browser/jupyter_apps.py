"""JupyterLab and Voila on 127.0.0.1, for the builder's browser tests and screenshots.

Each server runs in its own temporary Jupyter home (config, data, runtime and IPython
dirs), with a known token, no news, no update check and no extension manager, so it makes
no request beyond loopback. Every server is bounded twice: the context manager stops it
(kernels first, then the server, then anything it left behind), and coreutils `timeout`
kills it after `LIFETIME` seconds should the test run itself be killed.

    with jupyter_lab(folder) as lab:
        run_all_cells(page, lab, "quickstart.ipynb")
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

HOST = "127.0.0.1"
LIFETIME = 900  # seconds; no server outlives a stuck or killed test run by more
START_TIMEOUT = 120  # a first JupyterLab start on a busy 2-core machine takes 20-40 s
STOP_TIMEOUT = 30
# Opening JupyterLab, starting a kernel and running the quickstart, on a busy machine.
RUN_TIMEOUT_MS = 120_000
UI_TIMEOUT_MS = 30_000

# Tracebacks and anything written to stderr (a warning, say), as JupyterLab and Voila show them.
PROBLEM_OUTPUTS = (
    '[data-mime-type="application/vnd.jupyter.stderr"],'
    ' [data-mime-type="application/vnd.jupyter.error"]'
)

# Straight to loopback, whatever proxy the environment names.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# JupyterLab user settings: no news or update toasts over the notebook.
_LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


@dataclass(frozen=True)
class Server:
    """A running Jupyter server: where it listens and how to authenticate."""

    url: str
    token: str
    root: Path
    log: Path

    def api(self, method: str, path: str) -> Any:
        """Call the REST API (``/api/...``); the decoded JSON, or None for an empty body."""
        request = urllib.request.Request(
            f"{self.url}{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with _DIRECT.open(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def lab_url(self, notebook: str) -> str:
        return f"{self.url}/lab/tree/{notebook}?reset&token={self.token}"

    def voila_url(self) -> str:
        return f"{self.url}/?token={self.token}"

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def jupyter_home(base: Path) -> dict[str, str]:
    """Environment for a server whose Jupyter and IPython state lives under ``base``."""
    dirs = {name: base / name for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR")}
    dirs["JUPYTER_RUNTIME_DIR"] = base / "JUPYTER_DATA_DIR" / "runtime"
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    settings = dirs["JUPYTER_CONFIG_DIR"] / "lab" / "user-settings"
    for name, values in _LAB_SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    # No AISOULE_* settings reach the kernel: the builder's Send must go to the sandbox.
    env = {name: value for name, value in os.environ.items() if not name.startswith("AISOULE_")}
    env.update({name: str(path) for name, path in dirs.items()})
    env["JUPYTER_PLATFORM_DIRS"] = "1"  # the new paths; silences the migration warning
    env["PYTHONUNBUFFERED"] = "1"
    return env


@contextlib.contextmanager
def jupyter_lab(root: Path) -> Iterator[Server]:
    """JupyterLab serving ``root``; stopped, kernels and all, when the block ends."""
    token = secrets.token_hex(16)
    port = free_port()
    args = [
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    with _serve(args, root=root, port=port, token=token, ready="/api/status") as server:
        yield server


@contextlib.contextmanager
def voila(notebook: Path) -> Iterator[Server]:
    """Voila rendering ``notebook`` as an app; stopped when the block ends."""
    token = secrets.token_hex(16)
    port = free_port()
    args = [
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--Voila.ip={HOST}",
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--token={token}",
    ]
    root = notebook.parent
    with _serve(args, root=root, port=port, token=token, ready="/voila/static/voila.js") as server:
        yield server


@contextlib.contextmanager
def _serve(args: list[str], *, root: Path, port: int, token: str, ready: str) -> Iterator[Server]:
    home = root.parent / f".jupyter-home-{port}"
    log = root.parent / f"server-{port}.log"
    timeout = shutil.which("timeout")
    bounded = [timeout, "--kill-after=10", str(LIFETIME)] if timeout else []
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*bounded, sys.executable, *args],
            cwd=root,
            env=jupyter_home(home),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so teardown reaches all of it
        )
    server = Server(url=f"http://{HOST}:{port}", token=token, root=root, log=log)
    try:
        _wait_until_ready(server, process, ready)
        yield server
    finally:
        _stop(server, process)


def _wait_until_ready(server: Server, process: subprocess.Popen[bytes], path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{server.log_tail()}")
        request = urllib.request.Request(
            f"{server.url}{path}", headers={"Authorization": f"token {server.token}"}
        )
        try:
            with _DIRECT.open(request, timeout=10):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    raise TimeoutError(f"no answer from {server.url} in {START_TIMEOUT} s:\n{server.log_tail()}")


def _stop(server: Server, process: subprocess.Popen[bytes]) -> None:
    """Kernels first (through the API), then the server, then anything left behind."""
    started = _descendants(process.pid)
    with contextlib.suppress(Exception):
        for kernel in server.api("GET", "/api/kernels") or []:
            server.api("DELETE", f"/api/kernels/{kernel['id']}")
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)
    # Kernels run in sessions of their own, out of the server's process group.
    for pid in started | _descendants(process.pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid``, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


# --- driving the pages ---------------------------------------------------------------------


def run_all_cells(page: Page, lab: Server, notebook: str) -> None:
    """Open ``notebook`` in JupyterLab, wait for its kernel, and run every cell from the menu."""
    page.goto(lab.lab_url(notebook), timeout=RUN_TIMEOUT_MS)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    expect(panel.locator(".jp-Notebook .jp-Cell").first).to_be_visible(timeout=RUN_TIMEOUT_MS)
    wait_for_kernel(lab, notebook)
    wait_for_idle_kernel(page)
    prompts = panel.locator(".jp-CodeCell .jp-InputPrompt")
    count = prompts.count()
    assert count > 0, f"{notebook} has no code cells"
    # A stored notebook shows its saved outputs and numbers: cleared first, so what the
    # test sees afterwards is this run's, never a saved widget view.
    _menu(page, "Edit", "editmenu:clear-all")
    expect(prompts.filter(has_text=re.compile(r"\d"))).to_have_count(0, timeout=UI_TIMEOUT_MS)
    expect(panel.locator(".jp-OutputArea-output")).to_have_count(0, timeout=UI_TIMEOUT_MS)
    _menu(page, "Run", "runmenu:run-all")
    problems = panel.locator(f".jp-OutputArea-output:is({PROBLEM_OUTPUTS})")
    # Run All marks every code cell queued ("[*]:") at once and numbers each as it ends.
    # Done when all are numbered; stopped early (a cell failed) when none is queued any
    # more but some are still unnumbered, twice in a row.
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    started = stopped = False
    while True:
        shown = [text.strip() for text in prompts.all_text_contents()]
        numbered = [re.fullmatch(r"\[\d+\]:", text) is not None for text in shown]
        if all(numbered) and shown[-1] == f"[{count}]:":
            break
        running = any("*" in text for text in shown)
        started = started or running or any(numbered)
        if started and not running:
            if stopped:
                found = "\n".join(problems.all_text_contents()) or "no error shown"
                raise AssertionError(f"Run All stopped early in {notebook}: {shown}\n{found}")
            stopped = True
        else:
            stopped = False
        if time.monotonic() > deadline:
            raise TimeoutError(f"{notebook} still running after {RUN_TIMEOUT_MS} ms: {shown}")
        time.sleep(0.25)
    wait_for_idle_kernel(page)


def _menu(page: Page, menu: str, command: str) -> None:
    """Choose a command from JupyterLab's menu bar, as a person would."""
    page.locator(".lm-MenuBar-item", has_text=menu).first.click()
    page.locator(f'.lm-Menu-item[data-command="{command}"]').click()


def wait_for_kernel(lab: Server, notebook: str) -> None:
    """The notebook's kernel has started and the page holds a connection to it.

    The toolbar says Idle before any kernel exists, so the server is the one to ask: a
    Run All sent before the connection is made runs nothing.
    """
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        for session in lab.api("GET", "/api/sessions"):
            kernel = session.get("kernel") or {}
            if (
                session.get("path") == notebook
                and kernel.get("connections", 0) >= 1
                and kernel.get("execution_state") == "idle"
            ):
                return
        time.sleep(0.25)
    raise TimeoutError(f"no kernel connected to {notebook}:\n{lab.log_tail()}")


def wait_for_idle_kernel(page: Page) -> None:
    """The notebook toolbar's kernel indicator says Idle (the kernel started and is free)."""
    status = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator")
    expect(status).to_have_attribute("data-status", "idle", timeout=RUN_TIMEOUT_MS)


def open_voila(page: Page, app: Server) -> None:
    """Load the Voila app and wait until every cell has run and every widget has rendered."""
    page.goto(app.voila_url(), timeout=RUN_TIMEOUT_MS, wait_until="domcontentloaded")
    # Voila's lab template hides its loading spinner once the kernel ran the last cell.
    expect(page.locator("#loading")).to_be_hidden(timeout=RUN_TIMEOUT_MS)
