"""Simulated v1 video (JPEG face) measurements (hume-v1.md sections 5 and 8)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from numbers import Real

import numpy as np

from humeresearch import vocabularies as voc
from humeresearch.errors import SimulationError
from humeresearch.simulate import _media
from humeresearch.simulate._blocks import face_boxes
from humeresearch.simulate._scores import Scorer, digest, rng_for
from humeresearch.simulate._sources import Media
from humeresearch.simulate._v1_audio import sparse

MAX_IMAGE_BYTES = 2_000_000
MAX_PIXELS = 8_294_400
MAX_REMEMBERED = 32
CUTOFF = 0.1
VIDEO_EXPRESSIONS = voc.V1_VIDEO_EXPRESSIONS_SEEN + (
    "calmness", "boredom", "confusion", "tiredness", "doubt", "awkwardness",
)  # fmt: skip
VIDEO_DESCRIPTIONS = voc.V1_VIDEO_DESCRIPTIONS_SEEN + ("frown", "squint", "eyes closed")
_STATE_KEY = b"humeresearch-simulated-face-state"


def _check_config(threshold: object, min_size: object) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, Real) or not 0 <= threshold <= 1:
        raise SimulationError(
            "config_invalid", f"face.threshold must be a number in 0-1, got {threshold!r}"
        )
    if isinstance(min_size, bool) or not isinstance(min_size, (int, np.integer)) or min_size < 1:
        raise SimulationError(
            "config_invalid", f"face.min_size must be an integer >= 1, got {min_size!r}"
        )


class VideoSession:
    """Face-id memory and frame counter of one v1 video session (realtime) or upload chain.

    The simulator shows one face per image; faces in images of the same width and height are taken
    to be the same person (a simulation device: "same camera, same person"), so they keep one
    ``face_id``; up to 32 faces are remembered.

    Examples
    --------
    >>> s = VideoSession()
    >>> s.frames, s.measured_faces
    (0, 0)
    """

    def __init__(self, *, threshold: float = 0.9, min_size: int = 60, seed: int = 0) -> None:
        _check_config(threshold, min_size)
        self.threshold = float(threshold)
        self.min_size = int(min_size)
        self.seed = seed
        self.frames = 0  # accepted frames (= results)
        self.measured_faces = 0
        self.known: dict[str, int] = {}
        self.next_id = 0

    # face-id memory ---------------------------------------------------------------------------

    def face_id(self, identity: str) -> int:
        """The ``face_id`` of a person (a new one for an identity not seen before).

        Examples
        --------
        >>> s = VideoSession()
        >>> s.face_id("320x240"), s.face_id("640x480"), s.face_id("320x240")
        (0, 1, 0)
        """
        if identity not in self.known:
            self.known[identity] = self.next_id
            self.next_id += 1
            while len(self.known) > MAX_REMEMBERED:
                self.known.pop(next(iter(self.known)))
        return self.known[identity]

    def state(self) -> str:
        """An opaque ``face_state`` string carrying the face-id memory.

        Examples
        --------
        >>> s = VideoSession()
        >>> s.face_id("320x240")
        0
        >>> later = VideoSession()
        >>> later.restore(s.state()), later.face_id("640x480")
        (True, 1)
        """
        body = json.dumps(
            {"v": 1, "known": self.known, "next": self.next_id}, sort_keys=True
        ).encode()
        mac = hmac.new(_STATE_KEY, body, hashlib.sha256).hexdigest()[:24]
        return base64.urlsafe_b64encode(body).decode().rstrip("=") + "." + mac

    def restore(self, face_state: str) -> bool:
        """Continue numbering from ``face_state``; altered or foreign states are ignored (False).

        Examples
        --------
        >>> VideoSession().restore("not.a-state")
        False
        """
        try:
            b64, mac = face_state.rsplit(".", 1)
            body = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
            good = hmac.new(_STATE_KEY, body, hashlib.sha256).hexdigest()[:24]
            if not hmac.compare_digest(mac, good):
                return False
            data = json.loads(body)
            self.known = {str(k): int(v) for k, v in data["known"].items()}
            self.next_id = int(data["next"])
        except (ValueError, KeyError, TypeError, AttributeError):
            return False
        return True

    # measuring --------------------------------------------------------------------------------

    def measure(self, jpeg: bytes, *, size: tuple[int, int]) -> list[dict]:
        """Faces of one checked JPEG of ``size`` (width, height).

        Examples
        --------
        >>> import io
        >>> from PIL import Image
        >>> buf = io.BytesIO()
        >>> Image.linear_gradient("L").convert("RGB").resize((320, 240)).save(buf, "JPEG")
        >>> s = VideoSession()
        >>> [sorted(face) for face in s.measure(buf.getvalue(), size=(320, 240))]
        [['bbox', 'confidence', 'descriptions', 'expressions', 'face_id']]
        >>> s.frames, s.measured_faces
        (1, 1)
        """
        index = self.frames
        self.frames += 1
        media = Media("frame", "image", digest("v1-video", size, self.seed), size=size)
        if _media.image_is_blank(jpeg, "jpeg"):
            return []
        scorer = Scorer(media.key)
        t = np.array([index / 3.0])
        x, y, w, h = face_boxes(media, scorer, t)[0].tolist()
        conf = round(float(scorer.smooth("confidence", t, 0.93, 0.9995)[0]), 4)
        if conf < self.threshold or min(w, h) < self.min_size:
            return []
        jitter = rng_for(hashlib.sha256(jpeg).digest(), self.seed)
        expr = scorer("video", VIDEO_EXPRESSIONS, t, family="v1_video")[0]
        expr = np.clip(expr + jitter.normal(0, 0.02, expr.size), 0, 1)
        desc = scorer("video", VIDEO_DESCRIPTIONS, t, family="description")[0]
        desc = np.clip(desc + jitter.normal(0, 0.02, desc.size), 0, 1)
        self.measured_faces += 1
        return [
            {
                "face_id": self.face_id(f"{size[0]}x{size[1]}"),
                "bbox": [x, y, x + w, y + h],
                "confidence": conf,
                "expressions": sparse(VIDEO_EXPRESSIONS, expr, np.round(expr, 4) > CUTOFF),
                "descriptions": sparse(VIDEO_DESCRIPTIONS, desc, np.round(desc, 4) > CUTOFF),
            }
        ]


def _check_jpeg(data: bytes, where: str, *, realtime: bool) -> tuple[int, int]:
    """Size of an acceptable JPEG; SimulationError with the upload or realtime code otherwise."""
    if realtime and len(data) > MAX_IMAGE_BYTES:
        raise SimulationError(
            "message_too_large", f"{where} is {len(data)} B; the limit is {MAX_IMAGE_BYTES} B"
        )
    bad_type = "invalid_image_frame" if realtime else "unsupported_media_type"
    if not data or data[:3] != b"\xff\xd8\xff":
        raise SimulationError(bad_type, f"{where} is not a JPEG image")
    if len(data) > MAX_IMAGE_BYTES:
        raise SimulationError(
            "image_too_large", f"{where} is {len(data)} B; the limit is {MAX_IMAGE_BYTES} B"
        )
    try:
        w, h = _media.jpeg_info(data)[:2]
    except ValueError as exc:
        code = "invalid_image_frame" if realtime else "image_decode_failed"
        raise SimulationError(code, f"{where} could not be decoded: {exc}") from None
    if w * h > MAX_PIXELS:
        code = "invalid_image_frame" if realtime else "image_too_large"
        raise SimulationError(code, f"{where} has {w}x{h} = {w * h} px; the limit is {MAX_PIXELS}")
    return w, h


def v1_video(
    images: list[bytes],
    *,
    threshold: float = 0.9,
    min_size: int = 60,
    face_state: str | None = None,
    return_face_state: bool = False,
    seed: int = 0,
) -> dict:
    """Simulate ``POST /v1/expression/video/file`` for one or more JPEG images.

    Every image shows at most one simulated face (none when the image is almost uniform, when the
    simulated detection confidence is under ``threshold`` or the box's short side under
    ``min_size``); its ``bbox`` ``[x0, y0, x1, y1]`` lies inside the image. Sizes come from the
    JPEG SOF header (nothing is decoded). Lists are sparse (> 0.1), lower-case, 4 decimals, sorted.

    Parameters
    ----------
    images : list of bytes
        JPEG files, in order (``frame_id`` = index).
    threshold, min_size : float, int
        Face selection (``face.threshold`` 0-1, ``face.min_size`` >= 1).
    face_state : str, optional
        A ``face_state`` from an earlier response; invalid ones are ignored (numbering restarts).
    return_face_state : bool
        Add ``face_state`` to the response.
    seed : int
        Changes every simulated score.

    Returns
    -------
    dict
        ``{"received": {"frames"}, "measurements": [{"frame_id", "faces"}], "face_state"?}``.

    Raises
    ------
    SimulationError
        ``unsupported_media_type`` (not JPEG), ``image_too_large`` (over 2 MB or 8 294 400 px),
        ``image_decode_failed`` (no readable frame header), ``config_invalid``; every image is
        checked before any is measured.

    Examples
    --------
    >>> v1_video([b"not a jpeg"])
    Traceback (most recent call last):
    ...
    humeresearch.errors.SimulationError: unsupported_media_type: image 0 is not a JPEG image
    """
    _check_config(threshold, min_size)
    if not images:
        raise SimulationError("invalid_request", "at least one image is required")
    sizes = [_check_jpeg(img, f"image {i}", realtime=False) for i, img in enumerate(images)]
    session = VideoSession(threshold=threshold, min_size=min_size, seed=seed)
    if face_state is not None:
        session.restore(face_state)
    measurements = [
        {"frame_id": i, "faces": session.measure(img, size=sizes[i])}
        for i, img in enumerate(images)
    ]
    out: dict = {"received": {"frames": len(images)}, "measurements": measurements}
    if return_face_state:
        out["face_state"] = session.state()
    return out


def v1_video_frame(jpeg: bytes, *, session: VideoSession) -> dict:
    """Simulate the reply to one realtime video frame: a ``measurement.result`` message.

    Raises SimulationError ``invalid_image_frame`` (empty, not JPEG, undecodable, over the pixel
    limit; the frame gets no ``frame_id``) or ``message_too_large`` (over 2 MB; ends a session).

    Examples
    --------
    >>> v1_video_frame(b"", session=VideoSession())
    Traceback (most recent call last):
    ...
    humeresearch.errors.SimulationError: invalid_image_frame: frame is not a JPEG image
    """
    size = _check_jpeg(jpeg, "frame", realtime=True)
    frame_id = session.frames
    faces = session.measure(jpeg, size=size)
    return {"type": "measurement.result", "frame_id": frame_id, "faces": faces}
