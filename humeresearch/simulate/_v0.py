"""Simulated v0 batch predictions (hume-v0.md section 7)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from humeresearch.simulate._blocks import file_prediction
from humeresearch.simulate._config import transcription_config, v0_default_models
from humeresearch.simulate._scores import Scorer
from humeresearch.simulate._sources import Source, resolve

#: characters of text one call simulates in all (raw text, text files, archive members);
#: predictions are ~600 bytes of JSON per character, so this bounds the output (~60 MB).
MAX_TEXT_CHARS = 100_000


def _within_text_budget(media: list, errors: list, used: int) -> tuple[list, int]:
    """Media whose text fits the remaining budget; the others become per-file errors."""
    kept = []
    for m in media:
        n = len(m.text or "") if m.file_type == "text" else 0
        if used + n > MAX_TEXT_CHARS:
            errors.append(
                {
                    "file": m.file,
                    "message": f"simulated: not measured: {n} characters of text would pass the "
                    f"simulator's limit of {MAX_TEXT_CHARS} characters per job",
                }
            )
            continue
        used += n
        kept.append(m)
    return kept, used


def source_json(source: Source) -> dict:
    """The ``source`` object of a predictions entry."""
    if source.kind == "url":
        return {"type": "url", "url": source.name}
    if source.kind == "text":
        return {"type": "text"}
    return {
        "type": "file",
        "filename": source.name,
        "content_type": source.content_type,
        "md5sum": hashlib.md5(source.data or b"").hexdigest(),
    }


def v0_predictions(
    sources: Sequence[Source],
    *,
    models: dict | None = None,
    transcription: dict | bool | None = None,
    seed: int = 0,
) -> list[dict]:
    """Simulate the v0 batch predictions JSON (``GET /v0/batch/jobs/{id}/predictions``).

    Deterministic from (content hash, model, configuration, seed). WAV audio is decoded and
    segmented by an energy voice-activity detector: voiced stretches of at least 0.8 s are
    utterances (prosody, transcript for language/NER), shorter ones are vocal bursts, silence yields
    nothing. Images (JPEG/PNG/GIF/BMP sizes read from their headers) get one face inside the image
    bounds, none when the image is (almost) uniform. Video and compressed audio are not decoded:
    their duration is derived from the file size, speech is simulated, and the entry carries a
    ``simulation_warnings`` list (a :class:`SimulationWarning` is also issued). Archives (zip, tar)
    expand to one prediction per member. A URL without data is simulated from the URL string.
    Undecodable bytes give a ``results.errors[]`` entry. Raw text gets ``language`` and ``ner``
    only, with ``time`` null. At most ``MAX_TEXT_CHARS`` (100 000) characters of text are
    measured per call (raw text, text files and archive members together; predictions take
    about 600 bytes per character); text beyond it gets a ``results.errors[]`` entry, as do
    archive members beyond 64 MiB inflated.

    Every output says it is simulated: each ``results.predictions[]`` item has ``"simulated": true``
    and the ``metadata`` objects of prosody, language and NER carry ``"simulated": true``
    (face, burst and facemesh metadata stay null, as in real output).

    Parameters
    ----------
    sources : sequence of Source
        The submitted sources, in order; one output entry each.
    models : dict, optional
        The request's ``models`` object; ``None`` runs every model (as the real service did),
        ``{}`` values mean defaults (see :func:`v0_default_models`).
    transcription : dict, optional
        The request's ``transcription`` options; ``None`` = defaults, ``False`` = the request sent
        ``null`` (transcription off: prosody without text, no language/NER on media).
    seed : int
        Changes every simulated value.

    Returns
    -------
    list of dict
        ``[{"source": {...}, "results": {"predictions": [...], "errors": [...]}}]``; each
        prediction is ``{"file", "file_type", "models", "simulated"}`` with model blocks
        ``{"metadata", "grouped_predictions": [{"id", "predictions"}]}`` shaped as in the spec.

    Examples
    --------
    >>> out = v0_predictions([Source("text", "text:0", text="We met Maria in Paris.")])
    >>> block = out[0]["results"]["predictions"][0]["models"]["language"]
    >>> [p["text"] for p in block["grouped_predictions"][0]["predictions"]]
    ['We', 'met', 'Maria', 'in', 'Paris']
    """
    config = v0_default_models(models)
    trans = transcription_config(transcription)
    out = []
    used = 0
    for i, src in enumerate(sources):
        if not isinstance(src, Source):
            raise TypeError(f"sources[{i}] must be a Source, got {type(src).__name__}")
        media, errors = resolve(src, seed)
        media, used = _within_text_budget(media, errors, used)
        preds = [file_prediction(m, config, trans, Scorer(m.key)) for m in media]
        out.append(
            {"source": source_json(src), "results": {"predictions": preds, "errors": errors}}
        )
    return out
