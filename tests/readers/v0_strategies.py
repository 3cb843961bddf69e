"""Hypothesis strategies that generate valid v0 batch predictions documents."""

from __future__ import annotations

import string

from hypothesis import strategies as st

NAMES = ["Joy", "Calmness", "Anger", "Awe", "Sadness", "Tiredness", "Brand New Name"]
FACS = ["AU1 Inner Brow Raise", "AU4 Brow Lowerer", "AU12 Lip Corner Puller"]
DESC = ["Smile", "Frown", "Grin"]
text = st.text(alphabet=string.ascii_letters + " ,.'", min_size=0, max_size=12)
score = st.floats(min_value=0, max_value=1, allow_nan=False)
maybe_float = st.one_of(st.none(), score)
unknown = st.dictionaries(
    st.sampled_from(["weird_key", "extra", "file_size"]), st.integers(), max_size=2
)


def score_list(names: list[str], min_size: int = 1):
    """A list of {name, score} in a random order with unique names."""
    return st.lists(
        st.sampled_from(names), min_size=min_size, max_size=len(names), unique=True
    ).flatmap(
        lambda ns: st.tuples(*[st.tuples(st.just(n), score) for n in ns]).map(
            lambda items: [{"name": n, "score": s} for n, s in items]
        )
    )


def interval():
    return st.one_of(
        st.none(),
        st.tuples(st.floats(0, 100), st.floats(0, 5)).map(
            lambda t: {"begin": t[0], "end": t[0] + t[1]}
        ),
    )


def face_prediction():
    return st.fixed_dictionaries(
        {
            "frame": st.integers(0, 10_000),
            "time": st.one_of(st.floats(0, 500), st.integers(0, 500)),
            "prob": score,
            "box": st.fixed_dictionaries({k: st.floats(0, 2000) for k in "xywh"}),
            "emotions": score_list(NAMES),
        },
        optional={
            "facs": st.one_of(st.none(), score_list(FACS)),
            "descriptions": st.one_of(st.none(), score_list(DESC)),
        },
    ).flatmap(lambda d: unknown.map(lambda u: {**u, **d}))


def prosody_prediction():
    return st.fixed_dictionaries(
        {"time": interval().filter(lambda x: x is not None), "emotions": score_list(NAMES)},
        optional={
            "text": st.one_of(st.none(), text),
            "confidence": maybe_float,
            "speaker_confidence": maybe_float,
        },
    )


def burst_prediction():
    return st.fixed_dictionaries(
        {
            "time": interval().filter(lambda x: x is not None),
            "emotions": score_list(NAMES),
            "descriptions": score_list(DESC),
        }
    )


def language_prediction():
    return st.fixed_dictionaries(
        {
            "text": text,
            "position": st.tuples(st.integers(0, 500), st.integers(0, 30)).map(
                lambda t: {"begin": t[0], "end": t[0] + t[1]}
            ),
            "emotions": score_list(NAMES),
        },
        optional={
            "time": interval(),
            "confidence": maybe_float,
            "speaker_confidence": maybe_float,
            "sentiment": st.one_of(st.none(), score_list([str(i) for i in range(1, 10)])),
            "toxicity": st.one_of(st.none(), score_list(["toxic", "insult", "threat"])),
        },
    )


def ner_prediction():
    return st.fixed_dictionaries(
        {
            "entity": text,
            "position": st.tuples(st.integers(0, 500), st.integers(0, 30)).map(
                lambda t: {"begin": t[0], "end": t[0] + t[1]}
            ),
            "entity_confidence": score,
            "support": st.floats(0, 10),
            "uri": text,
            "link_word": text,
            "emotions": score_list(NAMES),
        },
        optional={"time": interval(), "confidence": maybe_float},
    )


PREDICTIONS = {
    "face": face_prediction,
    "prosody": prosody_prediction,
    "burst": burst_prediction,
    "language": language_prediction,
    "ner": ner_prediction,
    "facemesh": lambda: st.fixed_dictionaries({"emotions": score_list(NAMES)}),
}
GROUP_IDS = {"face": ["face_0", "face_1", "unknown"], "prosody": ["spk_0", "spk_1", "unknown"]}


def model_block(model: str):
    ids = GROUP_IDS.get(model, ["unknown", "spk_0"])
    metadata = (
        st.none()
        if model in ("face", "burst", "facemesh")
        else st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"confidence": score, "detected_language": st.sampled_from(["en", None])}
            ),
        )
    )
    groups = st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)).flatmap(
        lambda gids: st.tuples(*[st.lists(PREDICTIONS[model](), max_size=4) for _ in gids]).map(
            lambda preds: [{"id": g, "predictions": list(p)} for g, p in zip(gids, preds)]
        )
    )
    return st.fixed_dictionaries({"metadata": metadata, "grouped_predictions": groups})


def file_prediction(i: int):
    models = st.lists(st.sampled_from(list(PREDICTIONS)), unique=True, max_size=4).flatmap(
        lambda ms: st.tuples(*[model_block(m) for m in ms]).map(
            lambda blocks: dict(zip(ms, blocks))
        )
    )
    return st.fixed_dictionaries(
        {"file": st.just(f"file{i}.mp4"), "models": models},
        optional={"file_type": st.sampled_from(["video", "audio", "image", "video_no_audio"])},
    )


def source_entry(i: int):
    source = st.one_of(
        st.just({"type": "url", "url": f"https://example.org/{i}.zip"}),
        st.just(
            {"type": "file", "filename": f"upload{i}.mp4", "content_type": None, "md5sum": "0" * 32}
        ),
        st.just({"type": "text"}),
    )
    results = (
        st.integers(0, 2)
        .flatmap(lambda k: st.tuples(*[file_prediction(j) for j in range(k)]).map(list))
        .flatmap(
            lambda preds: st.lists(
                st.fixed_dictionaries({"file": text, "message": text}), max_size=2
            ).map(lambda errs: {"predictions": preds, "errors": errs})
        )
    )
    return st.fixed_dictionaries({"source": source}, optional={"results": results, "error": text})


documents = st.integers(0, 3).flatmap(
    lambda n: st.tuples(*[source_entry(i) for i in range(n)]).map(list)
)
