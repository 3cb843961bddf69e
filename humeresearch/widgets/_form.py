"""Controls generated from a configuration dataclass, with errors shown next to their field.

Every field of a frozen configuration dataclass (``V1Config``, ``BatchConfig`` and the
per-model objects of :mod:`humeresearch.clients`) becomes a control chosen from its type
hint: a ``Literal`` a dropdown of its values, a ``bool`` a default/yes/no dropdown, a
number or a string a text box (blank: the API's default), a nested configuration a block
of its own (switched on with a checkbox when it is optional). The object is built by its
own constructor, so the checks are those of the clients; a
:class:`~humeresearch.errors.ConfigError` is shown next to the field it names.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, Union

import ipywidgets as w

from humeresearch.errors import ConfigError

DEFAULT_LABEL = "default"
#: the dropdown value of an unset field (ipywidgets reads a None value as "nothing selected").
UNSET = "(default)"
_SET = "set"
_DESCRIPTION = {"description_width": "170px"}
_LAYOUT = {"width": "360px"}


def _args(hint: Any) -> tuple[Any, ...]:
    """Members of a union (the hint itself when it is not one)."""
    if typing.get_origin(hint) in (Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def _field_docs(cls: type) -> dict[str, str]:
    """Each parameter's first description line from a numpydoc class docstring."""
    docs: dict[str, str] = {}
    lines = (cls.__doc__ or "").splitlines()
    for i, line in enumerate(lines[:-1]):
        m = re.match(r"^\s*([\w, ]+?) : ", line)
        if m:
            text = lines[i + 1].strip()
            for name in m.group(1).split(","):
                docs[name.strip()] = text
    return docs


@dataclasses.dataclass
class _Leaf:
    """One scalar field: its control and how to read it."""

    path: tuple[str, ...]
    kind: Literal["choice", "flag", "int", "float", "text", "check"]
    control: w.Widget
    message: w.HTML

    def read(self) -> Any:
        """The control's value as the field's Python value (None: unset); raises ValueError."""
        value = self.control.value
        if self.kind not in ("int", "float", "text"):
            return None if value == UNSET else value
        text = str(value).strip()
        if not text:
            return None
        if self.kind == "text":
            return text
        try:
            return int(text) if self.kind == "int" else float(text)
        except ValueError:
            try:
                return float(text)  # the configuration says "must be an integer"
            except ValueError:
                raise ValueError(f"not a number: {text!r}") from None

    def show(self, value: Any) -> None:
        """Put a field's value into the control."""
        if self.kind in ("int", "float", "text"):
            self.control.value = "" if value is None else str(value)
        else:
            self.control.value = UNSET if value is None and self.kind != "check" else value


@dataclasses.dataclass
class _Block:
    """A nested configuration: its class, switch (when optional) and fields."""

    path: tuple[str, ...]
    cls: type
    mode: Literal["always", "optional", "switch"]
    switch: w.Widget | None
    body: w.VBox
    message: w.HTML
    fields: dict[str, _Leaf | _Block] = dataclasses.field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        if self.mode == "always":
            return True
        return bool(self.switch.value) if self.mode == "optional" else self.switch.value == _SET

    def off_value(self) -> Any:
        """What the field is when the block is not enabled (None, or False for 'off')."""
        if self.mode == "switch" and self.switch is not None and self.switch.value is False:
            return False
        return None


class ConfigForm:
    """The controls of a configuration dataclass, generated from its fields.

    Parameters
    ----------
    cls : type
        A configuration dataclass of :mod:`humeresearch.clients` (``V1Config``,
        ``BatchConfig``, ``AudioConfig``, ``FaceConfig`` ...).
    value : instance of cls, optional
        Initial values (default: every field unset).
    on_change : callable, optional
        Called with the form after every change (once it is checked).

    Attributes
    ----------
    widget : ipywidgets.VBox
        What to display.
    controls : dict of str to Widget
        The control of every scalar field, by dotted path (``"video.threshold"``,
        ``"language.granularity"``); nested blocks' switches by their path.
    messages : dict of str to ipywidgets.HTML
        The message shown next to every field and block (empty when valid).
    errors : dict of str to str
        The current errors by dotted path (``""``: not tied to one field).

    Examples
    --------
    >>> from humeresearch.clients import BatchConfig
    >>> form = ConfigForm(BatchConfig)
    >>> form.controls["language"].value = True
    >>> form.controls["language.granularity"].value = "passage"
    >>> form.value() is None, list(form.errors)
    (True, ['language.granularity'])
    >>> form.controls["language.granularity"].value = "sentence"
    >>> form.value().to_dict()
    {'models': {'language': {'granularity': 'sentence'}}}
    """

    def __init__(
        self,
        cls: type,
        *,
        value: Any | None = None,
        on_change: Callable[[ConfigForm], None] | None = None,
    ) -> None:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"ConfigForm: cls must be a dataclass, got {cls!r}")
        self.cls = cls
        self.controls: dict[str, w.Widget] = {}
        self.messages: dict[str, w.HTML] = {}
        self.errors: dict[str, str] = {}
        self._on_change = on_change
        self._quiet = True
        self.message = _message()
        self._root = self._block(cls, (), "always")
        self.widget = w.VBox([self._root.body, self.message])
        self.widget.add_class("hr-config-form")
        if value is not None:
            self.set_value(value)
        self._quiet = False

    # -- building -----------------------------------------------------------------------

    def _block(self, cls: type, path: tuple[str, ...], mode: str, switch: Any = None) -> _Block:
        hints = typing.get_type_hints(cls)
        docs = _field_docs(cls)
        block = _Block(path, cls, mode, switch, w.VBox(), _message())  # type: ignore[arg-type]
        rows: list[w.Widget] = []
        for f in dataclasses.fields(cls):
            child = self._field(f, hints[f.name], (*path, f.name), docs.get(f.name, ""))
            block.fields[f.name] = child
            if isinstance(child, _Leaf):
                rows.append(w.HBox([child.control, child.message]))
            else:
                rows.extend(_block_rows(child))
        block.body.children = rows
        if path:
            block.body.layout = w.Layout(margin="0 0 0 24px")
        if path:
            self.messages[".".join(path)] = block.message
        return block

    def _field(self, f: Any, hint: Any, path: tuple[str, ...], doc: str) -> _Leaf | _Block:
        members = [a for a in _args(hint) if a is not type(None)]
        optional = len(members) < len(_args(hint))
        nested = [a for a in members if dataclasses.is_dataclass(a)]
        name = path[-1]
        if nested:
            return self._nested(nested[0], members, optional, path, doc)
        member = members[0]
        if typing.get_origin(member) is Literal:
            options = [(str(c), c) for c in typing.get_args(member)]
            control: w.Widget = w.Dropdown(options=_with_default(options, optional))
            kind = "choice"
        elif member is bool and optional:
            control = w.Dropdown(options=_with_default([("yes", True), ("no", False)], True))
            kind = "flag"
        elif member is bool:
            control = w.Checkbox(value=bool(f.default), indent=False)
            kind = "check"
        else:
            kind = {int: "int", float: "float"}.get(member, "text")
            start = "" if f.default in (None, dataclasses.MISSING) else str(f.default)
            control = w.Text(value=start, placeholder=DEFAULT_LABEL, continuous_update=False)
        control.description = name
        control.tooltip = doc or name
        control.style = _DESCRIPTION
        control.layout = w.Layout(**_LAYOUT)
        leaf = _Leaf(path, kind, control, _message())  # type: ignore[arg-type]
        key = ".".join(path)
        self.controls[key] = control
        self.messages[key] = leaf.message
        control.observe(self._changed, names="value")
        return leaf

    def _nested(
        self, cls: type, members: list[Any], optional: bool, path: tuple[str, ...], doc: str
    ) -> _Block:
        name = path[-1]
        if not optional:
            return self._block(cls, path, "always")
        if len(members) > 1:  # e.g. TranscriptionConfig | Literal[False] | None
            switch: w.Widget = w.Dropdown(
                options=[(DEFAULT_LABEL, UNSET), ("off", False), ("set options", _SET)],
                description=name,
                style=_DESCRIPTION,
                layout=w.Layout(**_LAYOUT),
            )
            mode = "switch"
        else:
            switch = w.Checkbox(value=False, description=name, indent=False)
            mode = "optional"
        switch.tooltip = doc or name
        block = self._block(cls, path, mode, switch)
        self.controls[".".join(path)] = switch
        switch.observe(self._changed, names="value")
        _toggle(block)
        return block

    # -- values -------------------------------------------------------------------------

    def _changed(self, change: dict[str, Any]) -> None:
        for block in self._blocks(self._root):
            _toggle(block)
        if self._quiet:
            return
        self.value()
        if self._on_change is not None:
            self._on_change(self)

    def _blocks(self, block: _Block) -> list[_Block]:
        found = [block]
        for child in block.fields.values():
            if isinstance(child, _Block):
                found.extend(self._blocks(child))
        return found

    def value(self) -> Any | None:
        """The configuration object, or None when a field is invalid (messages shown).

        Returns
        -------
        instance of cls or None

        Examples
        --------
        >>> from humeresearch.clients import AudioConfig
        >>> form = ConfigForm(AudioConfig)
        >>> form.controls["measurement_timer_ms"].value = "20000"
        >>> form.value() is None, form.errors
        (True, {'measurement_timer_ms': 'must be an integer in 3000-10000, got 20000'})
        >>> form.controls["measurement_timer_ms"].value = "4000"
        >>> form.value()
        AudioConfig(measurement_timer_ms=4000)
        """
        self.errors = {}
        for message in self.messages.values():
            _say(message, "")
        _say(self.message, "")
        try:
            return self._build(self._root)
        except _Invalid:
            return None

    def _build(self, block: _Block) -> Any:
        kwargs: dict[str, Any] = {}
        failed = False
        for name, child in block.fields.items():
            try:
                if isinstance(child, _Leaf):
                    value = child.read()
                elif child.enabled:
                    value = self._build(child)
                else:
                    value = child.off_value()
            except _Invalid:
                failed = True
                continue
            except ValueError as exc:
                self._report(".".join(child.path), str(exc))
                failed = True
                continue
            if value is not None:
                kwargs[name] = value
        if failed:
            raise _Invalid
        try:
            return block.cls(**kwargs)
        except ConfigError as exc:
            self._report(self._locate(exc.field, block.path), exc.reason)
            raise _Invalid from None

    def _report(self, key: str, reason: str) -> None:
        self.errors[key] = reason
        _say(self.messages.get(key, self.message), reason)

    def _locate(self, field: str, within: tuple[str, ...]) -> str:
        """The form path an error's dotted field names (best overlap of path parts)."""
        parts = field.split(".")
        best, score = "", -1
        for key in self.messages:
            path = tuple(key.split(".")) if key else ()
            if not path or path[-1] != parts[-1] or path[: len(within)] != within:
                continue
            overlap = len(set(path) & set(parts))
            if overlap > score:
                best, score = key, overlap
        return best or ".".join(within)

    def set_value(self, value: Any) -> None:
        """Show the fields of a configuration object (an instance of ``cls``).

        Examples
        --------
        >>> from humeresearch.clients import VideoConfig
        >>> form = ConfigForm(VideoConfig)
        >>> form.set_value(VideoConfig(threshold=0.5))
        >>> form.controls["threshold"].value, form.value()
        ('0.5', VideoConfig(threshold=0.5, min_size=None, return_face_state=None, face_state=None))
        """
        quiet, self._quiet = self._quiet, True
        try:
            _show(self._root, value)
        finally:
            self._quiet = quiet
        for block in self._blocks(self._root):
            _toggle(block)


class _Invalid(Exception):
    """Internal: a field is invalid (its message is shown)."""


def _show(block: _Block, value: Any) -> None:
    for name, child in block.fields.items():
        got = getattr(value, name)
        if isinstance(child, _Leaf):
            child.show(got)
        elif child.switch is None:
            _show(child, got)
        elif got is None or got is False:
            off = UNSET if got is None else False
            child.switch.value = off if child.mode == "switch" else False
        else:
            child.switch.value = _SET if child.mode == "switch" else True
            _show(child, got)


def _with_default(options: list[tuple[str, Any]], optional: bool) -> list[tuple[str, Any]]:
    return [(DEFAULT_LABEL, UNSET), *options] if optional else options


def _block_rows(block: _Block) -> list[w.Widget]:
    if block.switch is not None:
        return [w.HBox([block.switch, block.message]), block.body]
    header = w.HTML(f"<b>{block.path[-1]}</b>")
    return [w.HBox([header, block.message]), block.body]


def _toggle(block: _Block) -> None:
    block.body.layout.display = None if block.enabled else "none"


def _message() -> w.HTML:
    message = w.HTML("", layout=w.Layout(display="none"))
    message.add_class("hr-field-error")
    return message


def _say(message: w.HTML, text: str) -> None:
    """Show ``text`` (escaped, in red) in a message widget, or hide it when empty."""
    import html

    if not text:
        message.value = ""
        message.layout.display = "none"
        return
    message.value = f'<span style="color:#b00020">&#9888; {html.escape(text)}</span>'
    message.layout.display = None
