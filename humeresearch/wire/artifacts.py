"""The v0 artifacts zip (``GET /v0/batch/jobs/{id}/artifacts``): member paths and CSV layout.

Layout (hume-v0.md section 9)::

    <type>-<n>-<basename>/csv/<file>/<model>.csv            e.g. url-0-IMG_4648.mp4/csv/IMG_4648.mp4/face.csv
    <type>-<n>-<basename>/faces/<file>/<id>/frame=<N>.png   face crops (face.save_faces)

``<type>`` is the source type (``url``, ``file``), ``<n>`` the source's position in
the job and ``<file>`` the prediction's ``file``. Each CSV has a header row, CRLF line
ends, UTF-8 text and one row per prediction, sorted by time across groups; ``Id`` is
the group id and an empty cell is a null. Its columns are the model's fixed columns
(:data:`LAYOUTS`) followed by one column per score name, family after family, in the
"CSV order" name lists of :mod:`humeresearch.vocabularies` (:func:`csv_header`). The
layouts of ``ner.csv`` and ``facemesh.csv`` were never observed; :data:`FIXED_COLUMNS`
holds a guess for ner's columns so that such a file can still be read.
:func:`member_path` makes every member name safe to unpack (no ``..``, absolute path,
drive letter or control character), whatever the uploaded file names hold.

Examples
--------
>>> from humeresearch.wire import artifacts
>>> path = artifacts.member_path(
...     kind="url", index=0, basename="talk.mp4", file="talk.mp4", model="prosody"
... )
>>> path
'url-0-talk.mp4/csv/talk.mp4/prosody.csv'
>>> artifacts.parse_member(tuple(path.split("/")))
('url-0-talk.mp4', 'talk.mp4', 'prosody')
>>> artifacts.csv_header("prosody")[:7]
('Id', 'Text', 'BeginTime', 'EndTime', 'Confidence', 'SpeakerConfidence', 'Admiration')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from humeresearch import vocabularies

__all__ = [
    "ENCODING",
    "FIXED_COLUMNS",
    "LAYOUTS",
    "LINE_END",
    "SCORE_COLUMNS",
    "SOURCE_FOLDER",
    "csv_header",
    "is_face_crop",
    "member_path",
    "model_from_header",
    "parse_member",
]

#: ``<type>-<n>-<basename>``: the folder of one source.
SOURCE_FOLDER = re.compile(r"^(?P<type>[A-Za-z]+)-(?P<index>\d+)-(?P<base>.+)$")
#: line end of every CSV row.
LINE_END = "\r\n"
#: text encoding of the CSVs.
ENCODING = "utf-8"

#: fixed (non-score) CSV column -> (contract column, value type). ``time`` is an
#: instant (begin = end); ``Entity`` ... ``LinkWord`` are a guess at ner.csv.
FIXED_COLUMNS: dict[str, tuple[str, type]] = {
    "Id": ("track", str),
    "Frame": ("frame", int),
    "Time": ("time", float),
    "Probability": ("prob", float),
    "FaceX0": ("box_x", float),
    "FaceY0": ("box_y", float),
    "FaceWidth": ("box_w", float),
    "FaceHeight": ("box_h", float),
    "Text": ("text", str),
    "BeginTime": ("begin", float),
    "EndTime": ("end", float),
    "BeginPosition": ("char_begin", int),
    "EndPosition": ("char_end", int),
    "Confidence": ("confidence", float),
    "SpeakerConfidence": ("speaker_confidence", float),
    "Entity": ("entity", str),
    "EntityConfidence": ("entity_confidence", float),
    "Support": ("support", float),
    "Uri": ("uri", str),
    "URI": ("uri", str),
    "LinkWord": ("link_word", str),
}

#: model -> its fixed columns, in file order (models with an observed layout).
LAYOUTS: dict[str, tuple[str, ...]] = {
    "face": ("Id", "Frame", "Time", "Probability", "FaceX0", "FaceY0", "FaceWidth", "FaceHeight"),
    "prosody": ("Id", "Text", "BeginTime", "EndTime", "Confidence", "SpeakerConfidence"),
    "language": (
        "Id",
        "Text",
        "BeginPosition",
        "EndPosition",
        "BeginTime",
        "EndTime",
        "Confidence",
        "SpeakerConfidence",
    ),
    "burst": ("Id", "BeginTime", "EndTime"),
}

#: model -> the vocabulary keys of its score columns, family after family.
SCORE_COLUMNS: dict[str, tuple[str, ...]] = {
    "face": ("v0_emotions_48_csv_order", "v0_facs_36", "v0_face_descriptions_27"),
    "prosody": ("v0_emotions_48_csv_order",),
    "language": ("v0_language_emotions_53_csv_order", "v0_sentiment", "v0_toxicity"),
    "burst": ("v0_emotions_48_csv_order", "v0_burst_descriptions_67"),
}


@cache
def csv_header(model: str) -> tuple[str, ...]:
    """The header row of ``<model>.csv``: fixed columns, then every score column.

    Parameters
    ----------
    model : str
        One of :data:`LAYOUTS` (``face``, ``prosody``, ``language``, ``burst``).

    Returns
    -------
    tuple of str
        The column names in file order (the same object for every call).

    Raises
    ------
    ValueError
        For a model without a known layout.

    Examples
    --------
    >>> len(csv_header("face")), len(csv_header("prosody")), len(csv_header("language"))
    (119, 54, 76)
    """
    if model not in LAYOUTS:
        known = ", ".join(repr(m) for m in LAYOUTS)
        raise ValueError(f"csv_header: model must be one of {known}; got {model!r}")
    scores = [name for key in SCORE_COLUMNS[model] for name in vocabularies.names(key)]
    return (*LAYOUTS[model], *scores)


def model_from_header(header: Sequence[str]) -> str | None:
    """The v0 model whose CSV layout ``header`` is, or None.

    Decided by the fixed columns (``FaceX0`` or ``Frame``: face; ``Entity`` or
    ``LinkWord``: ner; ``BeginPosition``: language; ``Text`` with ``BeginTime``:
    prosody; ``BeginTime``: burst); a header with ``Id`` and v0 emotion names only is
    facemesh.

    Parameters
    ----------
    header : sequence of str
        Column names of a CSV.

    Returns
    -------
    str or None

    Examples
    --------
    >>> model_from_header(csv_header("burst")), model_from_header(["Id", "Joy"])
    ('burst', 'facemesh')
    >>> model_from_header(["a", "b"]) is None
    True
    """
    cols = set(header)
    if "Id" not in cols:
        return None
    if "FaceX0" in cols or "Frame" in cols:
        return "face"
    if "Entity" in cols or "LinkWord" in cols:
        return "ner"
    if "BeginPosition" in cols:
        return "language"
    if "Text" in cols and "BeginTime" in cols:
        return "prosody"
    if "BeginTime" in cols:
        return "burst"
    if cols & set(vocabularies.V0_EMOTIONS):
        return "facemesh"
    return None


def _segment(name: str) -> str:
    r"""``name`` as one path segment that no unzip tool reads as a path.

    Separators (``/`` and ``\``), colons (drive letters) and control characters become
    ``_``; a segment of only dots and spaces (``.``, ``..``, empty) becomes ``_``.

    Examples
    --------
    >>> _segment("../../outside/x.mp4"), _segment("C:x.wav"), _segment(".."), _segment("a.mp4")
    ('.._.._outside_x.mp4', 'C_x.wav', '_', 'a.mp4')
    """
    out = "".join("_" if c in "/\\:" or ord(c) < 32 else c for c in name)
    return "_" if out.strip(". ") == "" else out


def _relative(name: str) -> str:
    r"""``name`` as a relative path: backslashes are separators, each segment :func:`_segment`.

    Empty segments (a leading ``/``, ``//``) are dropped; an empty result becomes ``_``.

    Examples
    --------
    >>> _relative("../../outside/x.mp4"), _relative(r"C:\a\..\b.wav"), _relative("/")
    ('_/_/outside/x.mp4', 'C_/a/_/b.wav', '_')
    >>> _relative("clips/a.mp4")
    'clips/a.mp4'
    """
    parts = [_segment(p) for p in name.replace("\\", "/").split("/") if p != ""]
    return "/".join(parts) or "_"


def member_path(*, kind: str, index: int, basename: str, file: str, model: str) -> str:
    r"""The zip member of one model's CSV for one file of one source.

    The result never leaves the archive root, whatever the names hold (an uploaded file
    may be named ``../../x.mp4`` or ``a\..\b.wav``): ``kind``, ``basename`` and
    ``model`` each become one segment, and in ``file`` backslashes count as separators;
    separators in a single segment, colons (drive letters) and control characters become
    ``_``, and so does every ``.``, ``..`` or empty segment. Names without these
    characters are kept as they are.

    Parameters
    ----------
    kind : str
        The source type (``url``, ``file``, ``text``).
    index : int
        The source's position in the job, from 0.
    basename : str
        The source's base name (the URL's last path segment, the uploaded file name).
    file : str
        The prediction's ``file``; may span several segments (a file inside an archive).
    model : str
        The model.

    Returns
    -------
    str
        A relative ``/``-separated path without ``.``, ``..``, empty segments, colons,
        backslashes or control characters.

    Examples
    --------
    >>> member_path(kind="file", index=1, basename="webcam.png", file="webcam.png", model="face")
    'file-1-webcam.png/csv/webcam.png/face.csv'
    >>> member_path(kind="file", index=0, basename="../x.mp4", file="..\\C:\\x.mp4", model="face")
    'file-0-.._x.mp4/csv/_/C_/x.mp4/face.csv'
    """
    folder = f"{_segment(kind)}-{int(index)}-{_segment(basename)}"
    return f"{folder}/csv/{_relative(file)}/{_segment(model)}.csv"


def parse_member(parts: Sequence[str]) -> tuple[str, str, str] | None:
    """``(source folder, file, model)`` of a CSV path inside the layout, else None.

    Parameters
    ----------
    parts : sequence of str
        The path's segments; segments before the source folder are ignored (an
        unpacked zip inside other folders), and ``<file>`` may span several.

    Returns
    -------
    tuple of str or None

    Examples
    --------
    >>> parse_member(("x", "url-0-a.zip", "csv", "faces", "1.jpg", "face.csv"))
    ('url-0-a.zip', 'faces/1.jpg', 'face')
    >>> parse_member(("face.csv",)) is None
    True
    """
    parts = tuple(parts)
    if len(parts) < 4 or not parts[-1].endswith(".csv"):
        return None
    for i in range(len(parts) - 3, 0, -1):
        if parts[i] == "csv" and SOURCE_FOLDER.match(parts[i - 1]):
            return parts[i - 1], "/".join(parts[i + 1 : -1]), parts[-1][:-4]
    return None


def is_face_crop(parts: Sequence[str]) -> bool:
    """Whether a path lies under a source folder's ``faces/`` (a saved face crop).

    Parameters
    ----------
    parts : sequence of str
        The path's segments.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_face_crop(("file-0-a.mp4", "faces", "a.mp4", "face_0", "frame=3.png"))
    True
    """
    parts = tuple(parts)
    return any(
        parts[i] == "faces" and SOURCE_FOLDER.match(parts[i - 1]) for i in range(1, len(parts) - 1)
    )
