"""What `%load_ext tfsess` adds to a shell (session, names, magics, formatter, hooks) and the views it keeps.

Everything a load adds is recorded on one `Extension` object kept on the shell (`shell._tfsess`), and
`close` takes it all back. Views are bounded: only the last KEEP_INTERACTIVE pictures (plus `--live` ones)
stay interactive; older ones freeze into their last static picture, and a view the page no longer shows
(its front-end view count drops to 0) is closed.
"""
from __future__ import annotations

import collections
import contextlib
import time
import weakref
from typing import Any, Iterable, Optional

from . import cell_errors, render
from .errors import shorten, tfsess_error_lines
from .magics import TfsessMagics
from .snapshot import GraphSnapshot, snapshot

__all__ = ["Extension", "KEEP_INTERACTIVE"]

WATCH_INTERVAL = 0.25   # seconds between --watch refreshes inside one cell (the last run is always shown)
KEEP_INTERACTIVE = 20   # %%graph / %eval pictures that stay interactive (older ones freeze; --live ones stay)
_MAGICS = (("cell", "graph"), ("line", "eval"))


class Extension:
    """What one `%load_ext tfsess` added to a shell, and the live views it keeps up to date."""

    def __init__(self, shell):
        self.shell = shell
        self.session = None
        self.pushed: dict = {}
        self.views: collections.deque = collections.deque()   # interactive GraphViews, oldest first
        self.evals: list = []        # EvalViews that can re-run (--watch or --interact)
        self._hidden: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()   # graph -> ops %eval made
        self.graph_dirty = False
        self._refreshing = False
        self._last_watch = 0.0
        self._old_magics: dict = {}
        self._old_formatter: Any = None
        self._formatter_set = False
        self._hooked = None          # (graph, session) the listeners are attached to
        self._events = False
        self.magics = None
        self.tensorflow_note, self._tf_alias_installed = "", False

    # --- load / unload -----------------------------------------------------------------------
    def start(self) -> None:
        import tfsess

        self.tf = tfsess
        self.session = tfsess.InteractiveSession()
        ns = self.shell.user_ns
        push = {}
        if "tf" not in ns:
            push["tf"] = tfsess
        if "sess" not in ns:
            push["sess"] = self.session
        self.shell.push(push, interactive=False)
        self.pushed = push
        from ..compat.aliases import install_for_notebook
        self.tensorflow_note, self._tf_alias_installed = install_for_notebook()
        mm = self.shell.magics_manager
        for kind, name in _MAGICS:
            self._old_magics[(kind, name)] = mm.magics[kind].get(name)
        self.magics = TfsessMagics(self.shell, self)
        self.shell.register_magics(self.magics)
        ptf = self.shell.display_formatter.formatters["text/plain"]
        self._old_formatter = ptf.for_type(tfsess.Graph, _pretty_graph)
        self._formatter_set = True
        self.shell.events.register("post_run_cell", self._post_run_cell)
        self._events = True
        self._hook()
        render.warm_up()

    def close(self) -> None:
        """Undo `start` (tolerates a half-finished start)."""
        if self._events:
            with contextlib.suppress(ValueError):
                self.shell.events.unregister("post_run_cell", self._post_run_cell)
            self._events = False
        self._unhook()
        self._detach_views()
        if self.magics is not None:
            mm = self.shell.magics_manager
            for (kind, name), old in self._old_magics.items():
                fn = mm.magics[kind].get(name)
                if getattr(fn, "__self__", None) is self.magics:
                    if old is None:
                        del mm.magics[kind][name]
                    else:
                        mm.magics[kind][name] = old
            if mm.registry.get(type(self.magics).__name__) is self.magics:
                del mm.registry[type(self.magics).__name__]
            self.magics = None
        if self._formatter_set:
            ptf = self.shell.display_formatter.formatters["text/plain"]
            if self._old_formatter is None:
                ptf.pop(self.tf.Graph, None)
            else:
                ptf.for_type(self.tf.Graph, self._old_formatter)
            self._formatter_set = False
        if self.pushed:
            self.shell.drop_by_id(self.pushed)
            self.pushed = {}
        if self.session is not None:
            self.session.close()
        if self._tf_alias_installed:
            from ..compat.aliases import uninstall_tensorflow_alias
            uninstall_tensorflow_alias()
            self._tf_alias_installed = False

    def status_line(self) -> str:
        who = "sess" if self.pushed.get("sess") is self.session else "tf.get_default_session() (`sess` was taken)"
        tf_note = "" if self.shell.user_ns.get("tf") is self.tf else "; `tf` was taken, import tfsess yourself"
        return ("tfsess: an InteractiveSession on the default graph is ready as %s%s. "
                "Magics: %%%%graph, %%eval (help: %%eval?). %s" % (who, tf_note, self.tensorflow_note)).rstrip()

    # --- the session and its graph -------------------------------------------------------------
    def ensure_current(self) -> None:
        """Follow tf.reset_default_graph() with a new InteractiveSession on the new default graph.

        A session the user closed stays closed (closing it is a lesson: `t.eval()` then has no default
        session); `%%graph --new` starts a new one.
        """
        sess = self.session
        if getattr(sess, "_closed", False):
            return
        if self.tf.get_default_graph() is not sess.graph and not self.tf.has_default_graph():
            self._replace_session()
            name = "sess" if self.pushed.get("sess") is self.session else "tf.get_default_session()"
            print("tfsess: the default graph was reset; %s is now a new InteractiveSession on the default graph."
                  % name)

    def new_graph(self) -> None:
        """%%graph --new: a fresh default graph and a new InteractiveSession (the old one is closed)."""
        from IPython.core.error import UsageError
        if self.tf.has_default_graph():
            raise UsageError("--new cannot reset the default graph inside `with graph.as_default():`")
        self.session.close()
        self.tf.reset_default_graph()
        self._replace_session()

    def _replace_session(self) -> None:
        old = self.session
        self._unhook()
        self._stop_following()
        if not getattr(old, "_closed", False):
            old.close()
        self.session = self.tf.InteractiveSession()
        if self.pushed.get("sess") is old and self.shell.user_ns.get("sess") is old:
            self.shell.user_ns["sess"] = self.session
            self.pushed["sess"] = self.session
        self._hook()

    def _hook(self) -> None:
        graph, sess = self.session.graph, self.session
        graph.add_op_listener(self._on_op)
        sess._add_run_listener(self._on_run)
        self._hooked = (graph, sess)
        self.graph_dirty = False

    def _unhook(self) -> None:
        if self._hooked is None:
            return
        graph, sess = self._hooked
        with contextlib.suppress(ValueError):
            graph.remove_op_listener(self._on_op)
        sess._remove_run_listener(self._on_run)
        self._hooked = None

    def run_cell_in_graph(self, cell: str, graph, scope: Optional[str]) -> Optional[BaseException]:
        """Run a %%graph cell with `graph` as default (inside `scope`); return its error, already shortened."""
        from IPython.core.error import UsageError

        shell = self.shell
        captured = []
        old_exc, old_tb = shell.custom_exceptions, shell.CustomTB

        def handler(sh, etype, value, tb, tb_offset=None):
            if old_exc and isinstance(value, old_exc):
                return old_tb(etype, value, tb, tb_offset)
            captured.append(shorten(value, tfsess_error_lines(shell, etype, value, tb)))
            return None

        outer_result = shell.displayhook.exec_result   # the nested run_cell resets it: keep the outer one
        shell.set_custom_exc((Exception,), handler)
        try:
            with contextlib.ExitStack() as stack:
                if self.tf.get_default_graph() is not graph:
                    stack.enter_context(graph.as_default())
                if scope is not None:
                    try:
                        stack.enter_context(graph.name_scope(scope))
                    except ValueError as e:
                        raise UsageError("--scope %r: %s" % (scope, e)) from None
                result = shell.run_cell(cell, store_history=False)
        finally:
            shell.custom_exceptions, shell.CustomTB = old_exc, old_tb
            shell.displayhook.exec_result = outer_result
        return captured[0] if captured else cell_errors.uncaught_error(result)

    # --- live views --------------------------------------------------------------------------------
    def snapshot(self, graph, only: Optional[Iterable[str]] = None) -> GraphSnapshot:
        """The graph as it is now, without the ops `%eval` expressions created (only the `only` ops if given)."""
        snap = snapshot(graph, hidden=self._hidden.get(graph, ()))
        if only is not None:
            keep = set(only)
            snap = GraphSnapshot(r for r in snap.ops if r.name in keep)
        return snap

    def hide_ops(self, graph, ops) -> None:
        """Leave these ops (made by `%eval` expressions) out of later pictures of `graph`."""
        if ops:
            self._hidden.setdefault(graph, set()).update(op.name for op in ops)

    def add_graph_view(self, view) -> None:
        """Keep a new picture interactive; freeze the oldest non-live ones past KEEP_INTERACTIVE."""
        self.views.append(view)
        with contextlib.suppress(Exception):
            view._view_count = 0               # the page reports how many views show it (ipywidgets 8)
            view.observe(self._on_view_count, names="_view_count")
        self._trim()

    def _trim(self) -> None:
        interactive = [v for v in self.views if not v.frozen and not v.live]
        for v in interactive[:max(0, len(interactive) - KEEP_INTERACTIVE)]:
            v.freeze()
        self.views = collections.deque(v for v in self.views if not v.frozen)

    def _on_view_count(self, change) -> None:
        """A picture the page stopped showing (output cleared, cell re-run) is closed."""
        view = change["owner"]
        if (change["old"] or 0) > 0 and change["new"] == 0:
            with contextlib.suppress(Exception):
                view.unobserve(self._on_view_count, names="_view_count")
                view.close()
            self.views = collections.deque(v for v in self.views if v is not view)

    def add_eval_view(self, view) -> None:
        if view.graph_view is not None:
            self.add_graph_view(view.graph_view)
        if view.watch or view.controls:
            self.evals.append(view)

    def live_views(self) -> list:
        return [v for v in self.views if v.live and not v.frozen]

    def _stop_following(self) -> None:
        """A new graph: live pictures stop following (they keep their boxes); evals of the old session stop."""
        for v in self.views:
            if v.live:
                v.follow.value = False
                v.follow.disabled = True
        for e in self.evals:
            e.detach()
        self.evals = []

    def _detach_views(self) -> None:
        for v in self.views:
            v.freeze()
        for e in self.evals:
            e.detach()
        self.views, self.evals = collections.deque(), []

    def _on_op(self, op) -> None:
        self.graph_dirty = True          # O(1): called for every op added to the graph

    def _on_run(self, session) -> None:
        if self._refreshing:
            return
        watchers = [e for e in self.evals if e.watch]
        if not watchers:
            return
        for w in watchers:
            w.stale = True
        if time.monotonic() - self._last_watch >= WATCH_INTERVAL:
            self._refresh_watchers()

    def _refresh_watchers(self) -> None:
        stale = [e for e in self.evals if e.watch and e.stale]
        if not stale:
            return
        self._refreshing = True
        try:
            for w in stale:
                w.stale = False
                w.refresh()
        finally:
            self._refreshing = False
            self._last_watch = time.monotonic()

    def _post_run_cell(self, result=None) -> None:
        """Once per cell: follow a reset graph, redraw live graphs that grew, show the last watched values."""
        try:
            self.ensure_current()
            if self.graph_dirty:
                self.graph_dirty = False
                live = self.live_views()
                if live:
                    snap = self.snapshot(self.session.graph)
                    for v in live:
                        v.refresh_live(snap)
            self._refresh_watchers()
        except Exception:  # a live view must never turn a cell into an error
            pass


def _pretty_graph(graph, p, cycle) -> None:
    """text/plain for tf.Graph: a summary and the op listing (TF's repr shows a memory address)."""
    from . import dot
    p.text("<tf.Graph: %s>" % dot.summary(graph))
    if graph.get_operations():
        p.text("\n" + dot.graph_to_text(graph))
