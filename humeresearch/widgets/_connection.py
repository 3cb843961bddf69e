"""Where a :class:`SubmitPanel` sends its work, and the API key it sends (never shown or kept).

The key typed into the ``Password`` field is moved into a private attribute as soon as
it reaches the kernel and the field is emptied, so it is in no widget's state (and
never in a notebook saved with its widget state); without one, ``measure`` falls back
to ``HUME_API_KEY``.
"""

from __future__ import annotations

import os
from typing import Any, Literal

import ipywidgets as w

#: where the panel sends its work: a local server it starts, a server URL, Hume's cloud.
TARGETS: tuple[str, ...] = ("local", "url", "cloud")
Target = Literal["local", "url", "cloud"]
_TARGET_LABELS = {
    "local": "local server (started here)",
    "url": "server URL",
    "cloud": "Hume cloud",
}
_STYLE = {"description_width": "110px"}


def _label(text: str) -> w.HTML:
    """A label aligned with the descriptions of the other controls."""
    return w.HTML(
        f"<div style='text-align:right;padding-right:8px'>{text}</div>",
        layout=w.Layout(width="118px"),
    )


class Connection:
    """The connection controls: target, server URL, API version and API key.

    Parameters
    ----------
    target : {"local", "url", "cloud"}
        Where to send (``base_url`` given: ``"url"``).
    base_url : str, optional
        The server URL of ``target="url"``.
    api : {"v1", "v0"}
        The API version.
    api_key : str, optional
        A key to use (else one typed into the field, else ``HUME_API_KEY``).

    Examples
    --------
    >>> c = Connection(target="url", base_url="http://127.0.0.1:9", api="v0")
    >>> c.key.value = "sk-typed"
    >>> c.key.value, c.api_key(), "sk-typed" in str(c.key.get_state())
    ('', 'sk-typed', False)
    >>> c.base_url()
    'http://127.0.0.1:9'
    """

    def __init__(
        self,
        *,
        target: Target = "local",
        base_url: str | None = None,
        api: Literal["v1", "v0"] = "v1",
        api_key: str | None = None,
    ) -> None:
        self._api_key = api_key or None
        self.server: Any = None
        self.target = w.Dropdown(
            options=[(_TARGET_LABELS[t], t) for t in TARGETS],
            value=target,
            description="send to",
            style=_STYLE,
        )
        self.url = w.Text(
            value=base_url or "",
            placeholder="http://127.0.0.1:8000",
            description="server URL",
            style=_STYLE,
            continuous_update=False,
        )
        self.api = w.ToggleButtons(
            options=[("v1", "v1"), ("v0 (contract)", "v0")],
            value=api,
            style={"button_width": "110px"},
        )
        self.key = w.Password(
            value="",
            description="API key",
            placeholder="(typed here or $HUME_API_KEY)",
            style=_STYLE,
            continuous_update=False,
        )
        self.key_note = w.HTML()
        self.key.observe(self._take_key, names="value")
        self.target.observe(self._show, names="value")
        self.widget = w.VBox(
            [
                w.HBox([_label("API"), self.api]),
                w.HBox([self.target, self.url]),
                w.HBox([self.key, self.key_note]),
            ]
        )
        self._show()

    def _take_key(self, change: dict[str, Any]) -> None:
        """Move a typed key into the private attribute and empty the field."""
        if change["new"]:
            self._api_key = change["new"]
            self.key.value = ""
        self._show()

    def _show(self, change: dict[str, Any] | None = None) -> None:
        self.url.layout.display = None if self.target.value == "url" else "none"
        if self._api_key:
            note = "a key is set (hidden); type another to replace it"
        elif os.environ.get("HUME_API_KEY"):
            note = "using $HUME_API_KEY (hidden)"
        elif self.target.value == "local":
            note = "the local server needs no key"
        else:
            note = "no key yet"
        self.key_note.value = f"<span style='color:#6b7280'>{note}</span>"

    def api_key(self) -> str | None:
        """The key to send (None: ``measure`` reads ``HUME_API_KEY``)."""
        return self._api_key

    def base_url(self, *, start: bool = True) -> str | None:
        """The server root to send to; the local server is started on first use.

        Parameters
        ----------
        start : bool, default True
            Start the local server when it is the target and not running yet (False:
            None until it runs).

        Returns
        -------
        str or None
            None: Hume's cloud (``measure``'s default).
        """
        if self.target.value == "cloud":
            return None
        if self.target.value == "url":
            url = self.url.value.strip()
            if not url:
                raise ValueError("server URL: enter the URL of the server to send to")
            return url
        if self.server is None and start:
            from humeresearch import server

            self.server = server.start()
        return None if self.server is None else str(self.server.url)

    def scrub(self, text: str) -> str:
        """``text`` with the key (typed or from the environment) replaced by ``***``."""
        for secret in (self._api_key, os.environ.get("HUME_API_KEY")):
            if secret:
                text = text.replace(secret, "***")
        return text

    def close(self) -> None:
        """Stop the local server this connection started (if any)."""
        if self.server is not None:
            self.server.stop()
            self.server = None

    def __repr__(self) -> str:
        return f"<Connection {self.target.value} {self.api.value}>"
