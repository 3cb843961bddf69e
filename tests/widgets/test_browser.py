"""End to end in a real browser: notebook 06 in JupyterLab, driven by headless Chromium.

JupyterLab runs on 127.0.0.1 with a token in a temporary folder (a copy of notebook 06,
its own settings, runtime and workspace folders); Playwright drives Debian's Chromium
(``/usr/bin/chromium``, never Playwright's own download) with a fresh profile. The test
runs the cells up to the panel, types a key, presses Plan and Submit with real clicks
(the panel measures against the local server it starts), waits for every input to be
done and for the timeline, runs the Explorer cells, changes a selector, checks that
the figure changed, saves the notebook and checks that the key is not in it.
Screenshots are written to the test's temporary folder and their paths printed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "06_measure_with_widgets.ipynb"
KEY = "sk-browser-secret-" + "7" * 20
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
    "@jupyter-widgets/jupyterlab-manager/plugin.jupyterlab-settings": {"saveState": True},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
#: true once the notebook's kernel is ready and idle (``window.jupyterapp`` is exposed).
KERNEL_IDLE = (
    "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
    " const k = w && w.sessionContext && w.sessionContext.session"
    " && w.sessionContext.session.kernel;"
    " return !!k && w.sessionContext.isReady && k.status === 'idle'; }"
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def lab(tmp_path):
    """JupyterLab on 127.0.0.1 serving a copy of notebook 06: (url, notebook path)."""
    pytest.importorskip("jupyterlab")
    httpx = pytest.importorskip("httpx")
    root = tmp_path / "lab"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    for name, value in SETTINGS.items():
        path = tmp_path / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), MPLBACKEND="Agg")
    env.pop("HUME_API_KEY", None)
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}", f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}", "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly", "--ServerApp.terminals_enabled=False",
        "--LabApp.expose_app_in_browser=True",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers
    log = open(tmp_path / "jupyterlab.log", "wb")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/status", params={"token": token}).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail((tmp_path / "jupyterlab.log").read_text()[-3000:])
            time.sleep(0.3)
        yield f"{url}/lab/tree/{NOTEBOOK.name}?token={token}", root / NOTEBOOK.name
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _cell_index(nb_path: Path, text: str) -> int:
    cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
    return next(
        i for i, c in enumerate(cells) if c["cell_type"] == "code" and text in "".join(c["source"])
    )


def _run_cells(page, start: int, stop: int) -> None:
    """Run cells ``start`` to ``stop``, one at a time, with JupyterLab's own command."""
    page.evaluate(
        """async ([start, stop]) => {
            const app = window.jupyterapp;
            const notebook = app.shell.currentWidget.content;
            for (let i = start; i <= stop; i++) {
                notebook.activeCellIndex = i;
                notebook.mode = "command";
                await app.commands.execute("notebook:run-cell");
            }
        }""",
        [start, stop],
    )


def _changed_figure(page, old: str | None) -> str:
    """Wait until the Explorer shows another image than ``old``; return its ``src``."""
    handle = page.wait_for_function(
        "(old) => { const i = document.querySelector('.hr-explorer .hr-explorer-figure img');"
        " return i && i.getAttribute('src') !== old && i.getAttribute('src'); }",
        arg=old,
    )
    return str(handle.json_value())


def _shot(page, folder: Path, name: str, locator=None) -> Path:
    path = folder / f"{name}.png"
    (locator or page).screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path


def test_notebook_06_in_jupyterlab(lab, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    url, nb_path = lab
    shots = tmp_path / "screenshots"
    shots.mkdir()
    t0 = time.monotonic()
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 1800},
        )
        try:
            page = context.new_page()
            page.set_default_timeout(60_000)
            _drive(page, url, nb_path, shots)
        except Exception:
            _shot(page, shots, "failure")
            raise
        finally:
            context.close()
    text = nb_path.read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-state+json" in text  # saved with the widget state
    assert KEY not in text and "sk-browser-secret" not in text
    print(f"browser test: {time.monotonic() - t0:.1f} s")


def _drive(page, url: str, nb_path: Path, shots: Path) -> None:
    panel_cell = _cell_index(nb_path, "panel = SubmitPanel(")
    selection_cell = _cell_index(nb_path, "explorer.selection")
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.wait_for_function(KERNEL_IDLE)
    _run_cells(page, 0, panel_cell)
    panel = page.locator(".hr-submit-panel")
    panel.wait_for(state="visible")
    page.locator(".hr-count").get_by_text("3 matching files").wait_for()
    password = panel.locator("input[type=password]")
    password.fill(KEY)
    password.press("Enter")
    panel.get_by_text("a key is set (hidden)").wait_for()
    assert password.input_value() == ""
    _shot(page, shots, "1-panel", panel)
    panel.locator(".hr-plan").click()
    panel.locator(".hr-plan-summary").wait_for()
    summary = panel.locator(".hr-plan-summary").inner_text()
    assert (
        "3 input(s), 15.0 s of media, 0 frame(s), 3 request(s); estimated billed 30.0 s" in summary
    )
    assert panel.locator(".hr-table .hr-state.hr-planned").count() == 3
    _shot(page, shots, "2-plan", panel)
    panel.locator(".hr-submit").click()
    page.wait_for_function(
        "() => { const s = [...document.querySelectorAll('.hr-submit-panel .hr-table .hr-state')];"
        " return s.length === 3 && s.every(e => e.classList.contains('hr-done')); }"
    )
    figure = panel.locator(".hr-figure img")
    figure.wait_for(state="visible")
    assert figure.bounding_box()["width"] > 300
    assert "3/3 finished" in panel.locator(".hr-progress-label").inner_text()
    _shot(page, shots, "3-submitted", panel)
    _run_cells(page, panel_cell + 1, selection_cell)
    explorer = page.locator(".hr-explorer")
    image = explorer.locator(".hr-explorer-figure img")
    image.wait_for(state="visible")
    before = image.get_attribute("src")
    _shot(page, shots, "4-explorer", explorer)
    explorer.locator("select").first.select_option(index=1)  # the second recording
    second = _changed_figure(page, before)
    _shot(page, shots, "5-explorer-second-recording", explorer)
    explorer.get_by_role("button", name="heatmap").click()
    _changed_figure(page, second)
    _shot(page, shots, "6-explorer-heatmap", explorer)
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)
    page.wait_for_timeout(500)
