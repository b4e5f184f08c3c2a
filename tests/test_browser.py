"""The notebooks in a real browser: JupyterLab on 127.0.0.1, driven in headless Chromium by Playwright.

Opens notebooks 1 and 7, runs all their cells, and checks what a student would see: the %%graph widget's SVG
with the op names on its nodes, and an `%eval --interact` slider that changes the value shown when moved.
Screenshots go to the test's tmp dir. Skipped (with the reason) when /usr/bin/chromium or the `playwright`
package is missing; Playwright never downloads a browser here: it drives Debian's chromium.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
NB1 = "notebooks/01_session_vs_interactive_session.ipynb"
NB7 = "notebooks/07_magics_and_widgets_tour.ipynb"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
START_TIMEOUT = 90        # seconds for JupyterLab to answer
RUN_TIMEOUT = 180_000     # ms for "run all cells" of one notebook
UI_TIMEOUT = 60_000       # ms for the page to show something

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip("browser test skipped: %s is not installed (apt-get install chromium; .ci/run does this as root)"
                % CHROMIUM, allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="browser test skipped: the `playwright` package is not installed "
                                      "(pip install -e '.[test]')")
pytest.importorskip("jupyterlab", reason="browser test skipped: jupyterlab is not installed (pip install -e '.[test]')")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def _digest(paths) -> dict:
    return {p: hashlib.sha256((ROOT / p).read_bytes()).hexdigest() for p in paths}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over the repository (token auth, temp config/runtime/settings dirs); stopped at the end."""
    tmp = tmp_path_factory.mktemp("jupyterlab")
    port, token = _free_port(), secrets.token_hex(16)
    settings = tmp / "settings"
    # No autosave (the repository's notebooks must stay as they are), no windowing (every cell in the DOM),
    # no news pop-up.
    _write_json(settings / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings", {"autosave": False})
    _write_json(settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings",
                {"windowingMode": "none"})
    _write_json(tmp / "config" / "labconfig" / "page_config.json",
                {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    # Nothing reaches out to the internet: no news feed, no update check, no PyPI extension manager.
    _write_json(tmp / "config" / "jupyter_server_config.json",
                {"LabApp": {"news_url": None, "extension_manager": "readonly",
                            "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"}})
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
               JUPYTER_DATA_DIR=str(tmp / "data"), IPYTHONDIR=str(tmp / "ipython"), JUPYTER_PLATFORM_DIRS="1",
               PYTHONUNBUFFERED="1")
    env.pop("JUPYTER_PATH", None)
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", "--port=%d" % port,
           "--ServerApp.port_retries=0", "--IdentityProvider.token=%s" % token,
           "--ServerApp.root_dir=%s" % ROOT, "--LabApp.user_settings_dir=%s" % settings,
           "--LabApp.workspaces_dir=%s" % (tmp / "workspaces"), "--LabApp.expose_app_in_browser=True",
           "--FileCheckpoints.checkpoint_dir=%s" % (tmp / "checkpoints"), "--ServerApp.terminals_enabled=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")          # CI runs as root
    log_path = tmp / "jupyterlab.log"
    before = _digest([NB1, NB7])
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=str(tmp), env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = "http://127.0.0.1:%d" % port
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail("JupyterLab exited with %s:\n%s" % (proc.returncode, log_path.read_text()[-4000:]))
            try:
                with urllib.request.urlopen("%s/api/status?token=%s" % (base, token), timeout=5) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail("JupyterLab did not answer within %d s:\n%s" % (START_TIMEOUT, log_path.read_text()[-4000:]))
            time.sleep(0.5)
        yield {"base": base, "token": token, "tmp": tmp, "log": log_path}
    finally:
        _stop(proc)
        after = _digest([NB1, NB7])
        assert after == before, "the browser session changed a notebook file in the repository"


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server we started (its own process group: the kernels it started go too)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, 15)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser_context(lab, tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000})
        try:
            yield context
        finally:
            context.close()


def _open_and_run_all(context, lab, path: str, shots: Path):
    """Open a notebook, wait for its kernel, run all cells (to the end: raises-exception cells do not stop it)."""
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT)
    page.goto("%s/lab/tree/%s?reset&token=%s" % (lab["base"], path, lab["token"]))   # reset: only this notebook
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext"
                           " && window.jupyterapp.shell.currentWidget.context.isReady", timeout=UI_TIMEOUT)
    page.wait_for_function("() => { const s = window.jupyterapp.shell.currentWidget.sessionContext;"
                           " return s.session && s.session.kernel && s.session.kernel.connectionStatus === 'connected'"
                           " && s.session.kernel.status === 'idle'; }", timeout=UI_TIMEOUT)
    # Clear the saved outputs (and prompt numbers) first, so that what is checked below comes from this run.
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    # Finished when every non-empty code cell has a prompt number again and the kernel is idle. Cells tagged
    # raises-exception fail without stopping the run; any other failure leaves later cells unnumbered.
    try:
        page.wait_for_function(
            "() => { const nb = window.jupyterapp.shell.currentWidget;"
            " const cells = nb.content.widgets.filter(c => c.model.type === 'code'"
            "   && c.model.sharedModel.getSource().trim());"
            " return nb.sessionContext.session.kernel.status === 'idle'"
            "   && cells.every(c => c.model.executionCount !== null); }",
            timeout=RUN_TIMEOUT, polling=250)
    finally:
        page.screenshot(path=str(shots / ("%s-after-run.png" % Path(path).stem)), full_page=False)
    errors = page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.content.widgets"
        ".filter(c => c.model.type === 'code' && !(c.model.getMetadata('tags') || []).includes('raises-exception'))"
        ".filter(c => { const o = c.model.outputs; for (let i = 0; i < o.length; i++)"
        "   if (o.get(i).type === 'error') return true; return false; })"
        ".map(c => c.model.sharedModel.getSource().slice(0, 60))")
    assert errors == [], "cells failed in the browser: %r" % errors
    return page


def _cell(page, source_start: str):
    """The code cell whose source starts with `source_start`."""
    index = page.evaluate("(start) => window.jupyterapp.shell.currentWidget.content.widgets"
                          ".findIndex(c => c.model.sharedModel.getSource().startsWith(start))", source_start)
    assert index >= 0, "no cell starts with %r" % source_start
    panel = page.evaluate("() => window.jupyterapp.shell.currentWidget.id")
    return page.locator("[id='%s'] .jp-Notebook .jp-Cell" % panel).nth(index)


def _svg_texts(cell) -> list:
    svg = cell.locator(".jp-OutputArea-output svg").first
    svg.wait_for(state="attached")
    return [t.strip() for t in svg.locator("text").all_text_contents()]


def test_notebook_1_draws_the_graph_widget(browser_context, lab, tmp_path):
    page = _open_and_run_all(browser_context, lab, NB1, tmp_path)
    try:
        graph_cell = _cell(page, "%%graph --new")
        graph_cell.scroll_into_view_if_needed()
        texts = _svg_texts(graph_cell)
        assert "Const" in texts and "add" in texts and "Const_1" in texts, texts
        assert "AddV2" in texts and "() int32" in texts, texts
        assert "graph: 3 ops: 2 constants; 3 new" in graph_cell.inner_text()
        eval_cell = _cell(page, "%eval z")
        eval_cell.scroll_into_view_if_needed()
        assert "ran 3 ops" not in eval_cell.inner_text()      # the widget is shown, not its text/plain fallback
        assert "= 3" in " ".join(_svg_texts(eval_cell))      # values on the nodes that ran
        graph_cell.screenshot(path=str(tmp_path / "notebook1-graph-widget.png"))
        print("screenshots in", tmp_path)
    finally:
        page.close()


def test_notebook_7_slider_changes_the_value(browser_context, lab, tmp_path):
    page = _open_and_run_all(browser_context, lab, NB7, tmp_path)
    try:
        graph_cell = _cell(page, "%%graph --new\nradius")
        texts = _svg_texts(graph_cell)
        assert "radius" in texts and "circle" in texts and "PlaceholderWithDefault" in texts, texts

        cell = _cell(page, "%eval circle --interact")
        cell.scroll_into_view_if_needed()
        value = cell.locator(".jp-OutputArea-output .widget-html-content div[style*='font-size:2em']").first
        value.wait_for()
        assert value.inner_text().strip() == "3.1415927"
        slider = cell.locator(".widget-slider", has_text="radius").first
        readout = slider.locator(".widget-readout")
        assert readout.inner_text().strip() in ("1", "1.0", "1.00")
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("2")
        page.keyboard.press("Enter")
        expect = sync_api.expect
        expect(value).to_have_text(re.compile(r"^\s*12\.56637\d*\s*$"), timeout=UI_TIMEOUT)
        # the drawing below the value follows the new feed too
        expect(cell.locator(".jp-OutputArea-output svg text", has_text="= 12.57").first).to_be_attached(
            timeout=UI_TIMEOUT)
        cell.screenshot(path=str(tmp_path / "notebook7-slider.png"))
        print("screenshots in", tmp_path)
    finally:
        page.close()


def _drawn_nodes(cell) -> int:
    svg = cell.locator(".jp-OutputArea-output svg").first
    svg.wait_for(state="attached")
    return svg.locator("g.node").count()


def test_notebook_7_decluttered_views_snapshots_and_boxes(browser_context, lab, tmp_path):
    page = _open_and_run_all(browser_context, lab, NB7, tmp_path)
    try:
        mlp = _cell(page, "%%graph --new\nx = tf.placeholder(tf.float32, [None, 784]")
        mlp.scroll_into_view_if_needed()
        assert 0 < _drawn_nodes(mlp) <= 60                       # 121 ops, decluttered (a later cell opened one box)
        mlp.screenshot(path=str(tmp_path / "notebook7-mlp-adam.png"))
        chain = _cell(page, "%%graph --new\ny = tf.placeholder")
        chain.scroll_into_view_if_needed()
        assert _drawn_nodes(chain) == 2                          # y and the add_* stack of 150 ops
        assert "doubled" not in chain.inner_text()               # later cells did not change this picture
        stack = chain.locator(".jp-OutputArea-output svg [data-id='scope:add_*']").first
        stack.scroll_into_view_if_needed()
        stack.click()                                            # a click on the stack draws its 150 ops
        sync_api.expect(chain.locator(".jp-OutputArea-output svg [data-id='cluster_scope:add_*']").first
                        ).to_be_attached(timeout=UI_TIMEOUT)
        live = _cell(page, "%%graph --live")
        texts = " ".join(_svg_texts(live))
        assert "truediv" in texts                                # the --live picture followed the next cell
        chain.screenshot(path=str(tmp_path / "notebook7-chain.png"))
    finally:
        page.close()
