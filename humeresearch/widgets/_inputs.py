"""The inputs of a :class:`SubmitPanel`: uploads, a path or glob, URLs and texts (v0)."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from humeresearch.measure import Text

#: the folder of the project uploads are saved into.
UPLOADS = "uploads"
_STYLE = {"description_width": "110px"}
_WIDE = {"width": "560px"}


def count_files(value: str) -> int:
    """How many media files ``measure`` would take from a path, folder or glob.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("a.wav", "b.wav", "notes.txt"):
    ...     _ = (root / name).write_bytes(b"")
    >>> count_files(str(root)), count_files(str(root / "*.wav")), count_files(str(root / "x"))
    (2, 2, 0)
    """
    from humeresearch.measure import find_files as _files

    try:
        return len(_files(value))
    except (FileNotFoundError, OSError):
        return 0


class Inputs:
    """Upload, path or glob (with a live count of matching files), URLs and texts.

    Parameters
    ----------
    project : callable
        Returns the project folder (uploads are saved into its ``uploads/``).
    path : str, optional
        Initial path or glob.

    Examples
    --------
    >>> import tempfile
    >>> inputs = Inputs(lambda: tempfile.mkdtemp())
    >>> inputs.texts.value = "I am glad.\\nSo sad."
    >>> inputs.urls.value = "https://example.org/a.mp4"
    >>> [type(i).__name__ for i in inputs.collect("v0")]
    ['str', 'Text', 'Text']
    >>> inputs.collect("v1") is None, inputs.errors
    (True, {'urls': 'URLs are measured with v0 only', 'texts': 'texts are measured with v0 only'})
    """

    def __init__(self, project: Callable[[], Path], *, path: str = "") -> None:
        self._project = project
        self.uploaded: list[Path] = []
        self.errors: dict[str, str] = {}
        self.upload = w.FileUpload(multiple=True, description="Upload files")
        self.upload_note = w.HTML()
        self.path = w.Text(
            value=path,
            description="path or glob",
            placeholder="a folder, a file or a glob such as data/*.wav",
            style=_STYLE,
            layout=w.Layout(**_WIDE),
        )
        self.count = w.HTML()
        self.count.add_class("hr-count")
        self.urls = w.Textarea(
            description="URLs (v0)",
            placeholder="one http(s) URL per line",
            style=_STYLE,
            layout=w.Layout(height="52px", **_WIDE),
        )
        self.texts = w.Textarea(
            description="texts (v0)",
            placeholder="one text per line",
            style=_STYLE,
            layout=w.Layout(height="52px", **_WIDE),
        )
        self.messages = {name: w.HTML() for name in ("path", "urls", "texts", "upload")}
        self.upload.observe(self._save_uploads, names="value")
        self.path.observe(self._count, names="value")
        self._v0 = w.VBox(
            [
                w.HBox([self.urls, self.messages["urls"]]),
                w.HBox([self.texts, self.messages["texts"]]),
            ]
        )
        self.widget = w.VBox(
            [
                w.HBox([self.upload, self.upload_note, self.messages["upload"]]),
                w.HBox([self.path, self.count, self.messages["path"]]),
                self._v0,
            ]
        )
        self._count()

    def show_v0(self, shown: bool) -> None:
        """Show the URL and text fields (v0 only)."""
        self._v0.layout.display = None if shown else "none"

    def _count(self, change: dict[str, Any] | None = None) -> None:
        value = self.path.value.strip()
        if not value:
            self.count.value = ""
            return
        n = count_files(value)
        color = "#15803d" if n else "#b91c1c"
        self.count.value = (
            f"<span style='color:{color}'>{n} matching file{'' if n == 1 else 's'}</span>"
        )

    def _save_uploads(self, change: dict[str, Any]) -> None:
        """Write uploaded files into ``project/uploads`` and empty the widget's value."""
        files = change["new"]
        if not files:
            return
        folder = Path(self._project()) / UPLOADS
        folder.mkdir(parents=True, exist_ok=True)
        for f in files:
            target = folder / Path(f["name"]).name
            target.write_bytes(bytes(f["content"]))
            if target not in self.uploaded:
                self.uploaded.append(target)
        self.upload.value = ()  # the bytes leave the widget state
        names = ", ".join(html.escape(p.name) for p in self.uploaded)
        self.upload_note.value = f"{len(self.uploaded)} uploaded: {names}"

    def collect(self, api: str) -> list[str | Text] | None:
        """The inputs for ``measure``, or None when one is invalid (``errors`` shown)."""
        self.errors = {}
        out: list[str | Text] = [str(p) for p in self.uploaded]
        value = self.path.value.strip()
        if value:
            if count_files(value) == 0:
                self.errors["path"] = "no media file matches"
            out.append(value)
        urls = [u.strip() for u in self.urls.value.splitlines() if u.strip()]
        texts = [t.strip() for t in self.texts.value.splitlines() if t.strip()]
        bad = [u for u in urls if not u.startswith(("http://", "https://"))]
        if bad:
            self.errors["urls"] = f"not an http(s) URL: {bad[0]}"
        if api != "v0":
            if urls:
                self.errors["urls"] = "URLs are measured with v0 only"
            if texts:
                self.errors["texts"] = "texts are measured with v0 only"
        out.extend(urls)
        out.extend(Text(t) for t in texts)
        if not out and not self.errors:
            self.errors["path"] = "choose files: upload them, or give a path or a glob"
        for name, message in self.messages.items():
            text = self.errors.get(name, "")
            message.value = (
                f"<span style='color:#b00020'>&#9888; {html.escape(text)}</span>" if text else ""
            )
        return None if self.errors else out
