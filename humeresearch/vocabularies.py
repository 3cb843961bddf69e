"""Known Hume name lists, a check for names outside them, and an explicit v0/v1 name map.

The lists come from ``humeresearch/data/vocabularies.json``, a byte-identical copy of
``shared/spec/vocabularies.json`` (see its ``_about`` and each entry's ``_source_note``
for provenance and certainty). v0 lists are complete; v1 lists are only the few names
seen in Hume's documentation (``v1_*_seen``): v1 vocabularies are open-ended, so a v1
name outside them is normal, not an error.

v0 names are Title Case, v1 names lower case. The two APIs are never merged silently:
:func:`map_names` is the one documented way to pair them.

Examples
--------
>>> from humeresearch import vocabularies as voc
>>> len(voc.V0_EMOTIONS), len(voc.V0_LANGUAGE_EMOTIONS), voc.V0_SENTIMENT[:3]
(48, 53, ('1', '2', '3'))
>>> voc.families("v0", "language")["toxicity"][:2]
('toxic', 'severe_toxic')
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from humeresearch.define import Api, Model

if TYPE_CHECKING:  # pandas is imported where it is used: ``wire`` stays light
    import pandas as pd

    from humeresearch._tables import TableLike

__all__ = [
    "V0_BURST_DESCRIPTIONS",
    "V0_EMOTIONS",
    "V0_EMOTIONS_CSV_ORDER",
    "V0_FACE_DESCRIPTIONS",
    "V0_FACS",
    "V0_LANGUAGE_EMOTIONS",
    "V0_LANGUAGE_EMOTIONS_CSV_ORDER",
    "V0_SENTIMENT",
    "V0_TOXICITY",
    "V1_AUDIO_EXPRESSIONS_SEEN",
    "V1_AUDIO_VOICE_ATTRIBUTES_SEEN",
    "V1_VIDEO_DESCRIPTIONS_SEEN",
    "V1_VIDEO_EXPRESSIONS_SEEN",
    "NameMap",
    "check",
    "families",
    "keys",
    "map_names",
    "names",
]


@cache
def _data() -> dict[str, Any]:
    text = resources.files("humeresearch").joinpath("data/vocabularies.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def keys() -> list[str]:
    """Keys of every name list in the packaged vocabularies.

    Examples
    --------
    >>> "v0_facs_36" in keys()
    True
    """
    return [k for k, v in _data().items() if isinstance(v, dict) and "names" in v]


def names(key: str) -> tuple[str, ...]:
    """The names of one list, in its documented order.

    Parameters
    ----------
    key : str
        One of :func:`keys`, e.g. ``"v0_emotions_48"`` (alphabetical, as in the 2024
        JSON) or ``"v0_emotions_48_csv_order"`` (the artifacts CSV column order).

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> names("v0_toxicity")
    ('toxic', 'severe_toxic', 'obscene', 'threat', 'insult', 'identity_hate')
    """
    entry = _data().get(key)
    if not isinstance(entry, dict) or "names" not in entry:
        raise ValueError(f"key must be one of {keys()}, got {key!r}")
    return tuple(entry["names"])


V0_EMOTIONS = names("v0_emotions_48")
V0_EMOTIONS_CSV_ORDER = names("v0_emotions_48_csv_order")
V0_LANGUAGE_EMOTIONS = names("v0_language_emotions_53")
V0_LANGUAGE_EMOTIONS_CSV_ORDER = names("v0_language_emotions_53_csv_order")
V0_FACS = names("v0_facs_36")
V0_FACE_DESCRIPTIONS = names("v0_face_descriptions_27")
V0_BURST_DESCRIPTIONS = names("v0_burst_descriptions_67")
V0_SENTIMENT = names("v0_sentiment")
V0_TOXICITY = names("v0_toxicity")
V1_AUDIO_EXPRESSIONS_SEEN = names("v1_audio_expressions_seen")
V1_AUDIO_VOICE_ATTRIBUTES_SEEN = names("v1_audio_voice_attributes_seen")
V1_VIDEO_EXPRESSIONS_SEEN = names("v1_video_expressions_seen")
V1_VIDEO_DESCRIPTIONS_SEEN = names("v1_video_descriptions_seen")

_FAMILIES: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    ("v0", "face"): {
        "emotion": V0_EMOTIONS,
        "facs": V0_FACS,
        "description": V0_FACE_DESCRIPTIONS,
    },
    ("v0", "burst"): {"emotion": V0_EMOTIONS, "description": V0_BURST_DESCRIPTIONS},
    ("v0", "prosody"): {"emotion": V0_EMOTIONS},
    ("v0", "language"): {
        "emotion": V0_LANGUAGE_EMOTIONS,
        "sentiment": V0_SENTIMENT,
        "toxicity": V0_TOXICITY,
    },
    ("v0", "ner"): {"emotion": V0_LANGUAGE_EMOTIONS},
    ("v0", "facemesh"): {"emotion": V0_EMOTIONS},
    ("v1", "audio"): {
        "emotion": V1_AUDIO_EXPRESSIONS_SEEN,
        "voice_attribute": V1_AUDIO_VOICE_ATTRIBUTES_SEEN,
    },
    ("v1", "video"): {
        "emotion": V1_VIDEO_EXPRESSIONS_SEEN,
        "description": V1_VIDEO_DESCRIPTIONS_SEEN,
    },
}


def families(api: Api, model: Model) -> dict[str, tuple[str, ...]]:
    """The known names of each score family of one model.

    Parameters
    ----------
    api : {"v0", "v1"}
    model : str
        v0: ``face``, ``burst``, ``prosody``, ``language``, ``ner``, ``facemesh``;
        v1: ``audio``, ``video`` (v1 lists hold only the names seen so far).

    Returns
    -------
    dict
        family -> names in their documented order.

    Examples
    --------
    >>> sorted(families("v0", "face"))
    ['description', 'emotion', 'facs']
    """
    try:
        return dict(_FAMILIES[(api, model)])
    except KeyError:
        choices = sorted({f"{a}/{m}" for a, m in _FAMILIES})
        raise ValueError(f"(api, model) must be one of {choices}, got {api}/{model}") from None


def check(data: TableLike, *, api: Api = "v0", model: Model = "face") -> pd.DataFrame:
    """Names in measurements that are outside the known lists of one API and model.

    Useful to catch a mixed-up model (language names in a face table) or a renamed
    column. For v1 the known lists hold only the names seen in Hume's documentation,
    so most real v1 names are reported: that is expected (v1 vocabularies are open).

    Parameters
    ----------
    data : Measurements or DataFrame
        Measurements, or a long table (columns ``model``, ``family``, ``name``).
    api : {"v0", "v1"}, default "v0"
        The API whose lists are used (v0 and v1 model names differ, so rows are
        selected by ``model`` alone).
    model : str, default "face"
        The model whose rows are checked, and whose lists they are checked against.

    Returns
    -------
    DataFrame
        One row per unknown (family, name), most frequent first, columns:

        ``family``
            the score family of the rows;
        ``name``
            the name as it appears in the data;
        ``count``
            number of score rows with this (family, name);
        ``known_in``
            comma-separated keys of other known lists that hold this exact name
            ("" when none), e.g. ``v0_language_emotions_53`` for ``Annoyance``.

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"model": ["face"] * 3, "family": ["emotion"] * 3,
    ...                      "name": ["Joy", "Annoyance", "Annoyance"]})
    >>> check(long, api="v0", model="face").to_dict("records")
    [{'family': 'emotion', 'name': 'Annoyance', 'count': 2, 'known_in': 'v0_language_emotions_53,v0_language_emotions_53_csv_order'}]
    """
    from humeresearch._tables import as_frame, require_columns

    known = families(api, model)
    long = as_frame(data, func="check")
    require_columns(long, ("model", "family", "name"), func="check")
    rows = long.loc[long["model"].astype(str) == model, ["family", "name"]].astype(str)
    counts = rows.value_counts(sort=False).rename("count").reset_index()
    known_pairs = {(f, n) for f, ns in known.items() for n in ns}
    unknown = [
        (f, n) not in known_pairs for f, n in zip(counts["family"], counts["name"], strict=True)
    ]
    out = counts.loc[unknown].copy()
    index: dict[str, list[str]] = {}
    for key in keys():
        for n in names(key):
            index.setdefault(n, []).append(key)
    out["known_in"] = [",".join(index.get(n, [])) for n in out["name"]]
    out = out.sort_values(["count", "family", "name"], ascending=[False, True, True], kind="stable")
    return out.reset_index(drop=True)[["family", "name", "count", "known_in"]].astype(
        {"count": "int64"}
    )


@dataclass(frozen=True)
class NameMap:
    """Result of :func:`map_names`.

    Attributes
    ----------
    table : DataFrame
        Columns ``v0`` and ``v1``: one row per pair of names equal up to case, in the
        order of ``v0_names``.
    v0_only : tuple of str
        v0 names with no v1 counterpart.
    v1_only : tuple of str
        v1 names with no v0 counterpart.
    """

    table: pd.DataFrame
    v0_only: tuple[str, ...]
    v1_only: tuple[str, ...]

    def as_dict(self) -> dict[str, str]:
        """The mapping v0 name -> v1 name.

        Examples
        --------
        >>> map_names(["Joy", "Awe"], ["awe", "joy"]).as_dict()
        {'Joy': 'joy', 'Awe': 'awe'}
        """
        return dict(zip(self.table["v0"], self.table["v1"], strict=True))


def _casefolded(values: Iterable[str], side: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in dict.fromkeys(str(v) for v in values):
        key = name.casefold()
        if key in out:
            raise ValueError(
                f"{side} names {out[key]!r} and {name!r} differ only in case; "
                "map them by hand (pass one of them)"
            )
        out[key] = name
    return out


def map_names(v0_names: Iterable[str], v1_names: Iterable[str]) -> NameMap:
    """Pair v0 and v1 names that are equal up to letter case.

    v0 and v1 are different products with different vocabularies (v0 Title Case,
    v1 lower case, and the lists need not be the same). This helper makes the
    pairing explicit instead of merging names silently; nothing else in
    humeresearch compares names across APIs.

    Parameters
    ----------
    v0_names, v1_names : iterable of str
        Names as they appear in the data (e.g. ``m.long()["name"].unique()``) or a
        known list (``V0_EMOTIONS``). Duplicates are ignored.

    Returns
    -------
    NameMap
        ``table`` (columns ``v0``, ``v1``), ``v0_only`` and ``v1_only``.

    Raises
    ------
    ValueError
        When two names of one side differ only in case (the pairing is ambiguous).

    Examples
    --------
    >>> nm = map_names(["Joy", "Awe", "Desire"], ["joy", "awe", "neutral"])
    >>> nm.as_dict(), nm.v0_only, nm.v1_only
    ({'Joy': 'joy', 'Awe': 'awe'}, ('Desire',), ('neutral',))
    """
    import pandas as pd

    left = _casefolded(v0_names, "v0")
    right = _casefolded(v1_names, "v1")
    pairs = [(name, right[key]) for key, name in left.items() if key in right]
    table = pd.DataFrame(pairs, columns=["v0", "v1"], dtype=object)
    v0_only = tuple(name for key, name in left.items() if key not in right)
    v1_only = tuple(name for key, name in right.items() if key not in left)
    return NameMap(table, v0_only, v1_only)
