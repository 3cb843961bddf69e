"""The public vocabulary of ``docs/conventions.md``, checked on every public signature.

Every public function and method reachable from ``humeresearch.__all__`` (the
top-level functions, the public functions of the public subpackages and the public
methods of the public classes) must

* take only its data argument(s) positionally, everything else keyword-only;
* use the names of the vocabulary, not a banned synonym;
* have type hints on every parameter and on the return;
* have a numpydoc Examples section (the doctests run them);
* name ``by`` with the default None;
* return no private class;

and every plot function returns its Axes (``timeline``: an array of Axes) and takes
``hue=``, never ``by=``. The allow-lists below are the documented exceptions.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

import humeresearch as hr

#: public subpackages and modules whose public functions are checked.
SUBPACKAGES = (
    "plot",
    "stats",
    "clocks",
    "aggregate",
    "vocabularies",
    "simulate",
    "server",
    "testing",
    "wire",
    "define",
    "errors",
    "dataset",
    "clients",
    "media",
    "measure",
    "widgets",
)

#: parameters that may be positional, beyond a first parameter named ``data``.
POSITIONAL: dict[str, tuple[str, ...]] = {
    # two-table functions
    "align": ("data", "onto"),
    "annotate": ("data", "design"),
    "epochs": ("data", "events"),
    "agreement": ("a", "b"),
    "match_tracks": ("face", "voice"),
    # the one input of a function that is not an analysis of a table
    "correct": ("p",),
    "read": ("src",),
    "read_parquet": ("path",),
    "concat": ("items",),
    "validate": ("data", "kind"),
    "Measurements.to_parquet": ("path",),
    "plot.palette": ("names",),
    "plot.group_palette": ("levels",),
    "plot.color": ("name",),
    "plot.style": ("context",),
    "vocabularies.names": ("key",),
    "vocabularies.families": ("api", "model"),
    "vocabularies.map_names": ("v0_names", "v1_names"),
    "simulate.v0_predictions": ("sources",),
    "simulate.v0_artifacts_zip": ("predictions",),
    "simulate.v0_default_models": ("models",),
    "simulate.v0_stream_reply": ("message",),
    "simulate.v1_audio": ("audio",),
    "simulate.v1_video": ("images",),
    "simulate.v1_video_frame": ("jpeg",),
    "simulate.AudioStream.feed": ("pcm",),
    "simulate.VideoSession.measure": ("jpeg",),
    "simulate.VideoSession.restore": ("face_state",),
    "simulate.VideoSession.face_id": ("identity",),
    "server.parse_faults": ("spec",),
    "content_hash": ("config", "files"),
    "to_dataset": ("inputs", "path"),
    "open_dataset": ("path",),
    # clients: the one input of a request, a stream or a reader
    "clients.place": ("m",),
    "clients.resolve_key": ("api_key",),
    "clients.HttpClient.request": ("method", "path"),
    "clients.AsyncHttpClient.request": ("method", "path"),
    "clients.RetryPolicy.delay": ("attempt",),
    "clients.V0BatchClient.job": ("job_id",),
    "clients.V0BatchClient.wait": ("job_id",),
    "clients.V0BatchClient.predictions": ("job_id",),
    "clients.V0BatchClient.artifacts": ("job_id",),
    "clients.V0StreamClient.send": ("payloads",),
    "clients.V0StreamClient.text": ("text",),
    "clients.V0StreamClient.stream_text_async": ("text",),
    "clients.V0StreamClient.media": ("media",),
    "clients.V0StreamClient.stream_media_async": ("media",),
    "clients.V1Client.measure_audio": ("audio",),
    "clients.V1Client.measure_images": ("images",),
    "clients.V1Client.measure_frames": ("frames",),
    "clients.V1Client.run": ("run_id",),
    "clients.V1Client.events": ("run_id",),
    "clients.V1Client.iter_events": ("run_id",),
    "clients.V1RealtimeClient.audio": ("audio",),
    "clients.V1RealtimeClient.audio_async": ("audio",),
    "clients.V1RealtimeClient.video": ("frames",),
    "clients.V1RealtimeClient.video_async": ("frames",),
    "clients.StreamResult.save": ("path",),
    "clients.RealtimeResult.save": ("path",),
    "clients.media_stream": ("source",),
    "clients.text_stream": ("text",),
    "clients.read_stream": ("replies",),
    "clients.read_sessions": ("sessions",),
    "clients.pack_frames": ("sizes",),
    # media: the recording, image, frame or text prepared
    "media.probe": ("source",),
    "media.load_audio": ("source",),
    "media.video_frames": ("source",),
    "media.frame_times": ("source",),
    "media.prepare_image": ("source",),
    "media.image_payload": ("source",),
    "media.encode_jpeg": ("frame",),
    "media.split_audio": ("audio",),
    "media.audio_payloads": ("audio",),
    "media.text_payloads": ("text",),
    "media.Audio.cut": ("begin", "end"),
    "media.Frame.to_original": ("bbox",),
    # measure: the inputs measured, the project read, the pattern expanded
    "measure.measure": ("inputs",),
    "measure.measure_async": ("inputs",),
    "measure.find_files": ("pattern",),
    "measure.ledger_table": ("project",),
    "measure.run_seconds": ("taken",),
    # widgets: the value shown
    "widgets.ConfigForm.set_value": ("value",),
}

#: banned synonyms and the vocabulary name to use instead.
BANNED: dict[str, str] = {
    "dv": "value",
    "y": "value",
    "groups": "subject",
    "models": "model",
    "tracks": "track",
    "names": "name",
    "aggregate": "agg",
    "how": "agg or method",
    "stats": "agg",
    "score": "method (or value)",
    "results": "data",
    "embedding": "data",
}

#: (function, parameter) pairs where a banned word names something else.
ALLOWED_NAMES: dict[str, frozenset[str]] = {
    # axis mappings of matrix-like figures: columns drawn on the x and y axes
    "plot.heatmap": frozenset({"y"}),
    "plot.agreement_matrix": frozenset({"y"}),
    "plot.expression_map": frozenset({"y"}),
    # builders name what they build, not a selection
    "testing.long_table": frozenset({"models", "tracks", "names"}),
    "testing.spans_table": frozenset({"models", "tracks", "names"}),
    "testing.wide_table": frozenset({"models", "tracks", "names"}),
    "testing.measurements": frozenset({"models", "tracks", "names"}),
    "testing.study": frozenset({"names"}),
    "simulate.study": frozenset({"models"}),
    # the ``models`` object of a Hume v0 job request
    "simulate.v0_predictions": frozenset({"models"}),
    "simulate.v0_default_models": frozenset({"models"}),
    # the expressions whose colours are wanted
    "plot.palette": frozenset({"names"}),
}

#: plot functions that do not draw (so need not return Axes).
PLOT_HELPERS = frozenset({"plot.palette", "plot.group_palette", "plot.color", "plot.style"})
EXAMPLES = re.compile(r"^\s*Examples\s*\n\s*-{3,}\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Public:
    """One public callable: the name it is checked under and the object."""

    name: str
    obj: Callable[..., object] | None
    error: str | None = None

    @property
    def short(self) -> str:
        return self.name.rpartition(".")[2]


def _methods(prefix: str, cls: type) -> list[Public]:
    if issubclass(cls, BaseException):
        return []
    out = []
    for attr, value in vars(cls).items():
        if attr.startswith("_") or not inspect.isfunction(value):
            continue
        if not getattr(value, "__module__", "").startswith("humeresearch"):
            continue
        out.append(Public(f"{prefix}{cls.__name__}.{attr}", value))
    return out


def _members(module: object, prefix: str) -> list[Public]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith("_")]
    out: list[Public] = []
    for name in names:
        try:
            value = getattr(module, name)
        except Exception as exc:  # a lazy name that does not resolve
            out.append(Public(prefix + name, None, f"{type(exc).__name__}: {exc}"))
            continue
        if not getattr(value, "__module__", "humeresearch").startswith("humeresearch"):
            continue
        if inspect.isfunction(value):
            out.append(Public(prefix + name, value))
        elif inspect.isclass(value):
            out += _methods(prefix, value)
    return out


def collect() -> list[Public]:
    """Every public callable, each once (the top-level name wins)."""
    found = _members(hr, "")
    for package in SUBPACKAGES:
        try:
            module = importlib.import_module(f"humeresearch.{package}")
        except Exception as exc:
            found.append(Public(f"{package}.<import>", None, f"{type(exc).__name__}: {exc}"))
            continue
        found += _members(module, f"{package}.")
    seen: set[int] = set()
    unique = []
    for item in found:
        key = id(item.obj) if item.obj is not None else id(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


PUBLIC = collect()
FUNCTIONS = [p for p in PUBLIC if p.obj is not None]


def _signature(item: Public) -> inspect.Signature:
    assert item.obj is not None
    return inspect.signature(item.obj)


def _parameters(item: Public) -> list[inspect.Parameter]:
    params = list(_signature(item).parameters.values())
    if params and params[0].name in ("self", "cls") and "." in item.obj.__qualname__:
        params = params[1:]  # a method: self is not an argument
    return params


def _annotation_text(annotation: object) -> str:
    if isinstance(annotation, str):
        return annotation
    return inspect.formatannotation(annotation)


def _ids(items: list[Public]) -> list[str]:
    return [p.name for p in items]


@pytest.mark.parametrize("item", PUBLIC, ids=_ids(PUBLIC))
def test_public_names_resolve(item: Public):
    assert item.error is None, f"{item.name}: {item.error}"


@pytest.mark.parametrize("item", FUNCTIONS, ids=_ids(FUNCTIONS))
def test_keyword_only_after_data(item: Public):
    params = _parameters(item)
    allowed = POSITIONAL.get(item.name, POSITIONAL.get(item.short, ()))
    if not allowed and params and params[0].name == "data":
        allowed = ("data",)
    positional = [
        p.name
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
    ]
    assert positional == list(allowed)[: len(positional)] and set(positional) <= set(allowed), (
        f"{item.name}: positional parameters {positional}; only {list(allowed)} may be "
        "positional, every other parameter must be keyword-only (after *)"
    )


@pytest.mark.parametrize("item", FUNCTIONS, ids=_ids(FUNCTIONS))
def test_no_banned_parameter_names(item: Public):
    allowed = ALLOWED_NAMES.get(item.name, frozenset())
    bad = {
        p.name: BANNED[p.name]
        for p in _parameters(item)
        if p.name in BANNED and p.name not in allowed
    }
    assert not bad, f"{item.name}: rename " + ", ".join(f"{k}= -> {v}=" for k, v in bad.items())


@pytest.mark.parametrize("item", FUNCTIONS, ids=_ids(FUNCTIONS))
def test_type_hints(item: Public):
    sig = _signature(item)
    missing = [p.name for p in _parameters(item) if p.annotation is inspect.Parameter.empty]
    if sig.return_annotation is inspect.Signature.empty:
        missing.append("return")
    assert not missing, f"{item.name}: no type hint for {missing}"


@pytest.mark.parametrize("item", FUNCTIONS, ids=_ids(FUNCTIONS))
def test_docstring_has_examples(item: Public):
    doc = inspect.getdoc(item.obj) or ""
    assert EXAMPLES.search(doc), f"{item.name}: the docstring has no 'Examples' section"


@pytest.mark.parametrize("item", FUNCTIONS, ids=_ids(FUNCTIONS))
def test_by_defaults_to_none(item: Public):
    for p in _parameters(item):
        if p.name == "by":
            assert p.default is None, f"{item.name}: by= defaults to {p.default!r}, not None"


@pytest.mark.parametrize("item", FUNCTIONS, ids=_ids(FUNCTIONS))
def test_returns_no_private_class(item: Public):
    text = _annotation_text(_signature(item).return_annotation)
    private = re.findall(r"(?<![\w.])_[A-Za-z]\w*", text)
    assert not private, f"{item.name}: returns private {private} ({text})"


PLOTS = [
    p
    for p in FUNCTIONS
    if p.name.startswith("plot.")
    and p.name not in PLOT_HELPERS
    and "." not in getattr(p.obj, "__qualname__", "")
]


@pytest.mark.parametrize("item", PLOTS, ids=_ids(PLOTS))
def test_plot_returns_axes_and_uses_hue(item: Public):
    params = _parameters(item)
    assert params and params[0].name == "data", f"{item.name}: first parameter must be data"
    assert "by" not in {p.name for p in params}, f"{item.name}: colour grouping is hue=, not by="
    text = _annotation_text(_signature(item).return_annotation)
    if item.short == "timeline":
        assert re.search(r"\b(ndarray|NDArray)\b", text), f"timeline returns {text}, not an array"
    elif "col" in {p.name for p in params}:  # faceted: one Axes, or a 2-D array of them
        assert re.search(r"\bAxes\b", text) and re.search(r"\b(ndarray|NDArray)\b", text), text
    else:
        assert re.fullmatch(r"(\w+\.)*Axes", text.strip()), f"{item.name} returns {text}, not Axes"


def test_the_collection_is_complete():
    names = {p.name for p in FUNCTIONS}
    for expected in ("read", "align", "Measurements.wide", "plot.heatmap", "testing.study"):
        assert expected in names
