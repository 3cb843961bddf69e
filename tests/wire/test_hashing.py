"""content_hash: its definition, computed independently, and its one home."""

from __future__ import annotations

import hashlib
import json

from humeresearch import server, wire


def _independent(config, files):
    doc = {"config": {} if config is None else config}
    doc["files"] = [hashlib.sha256(f).hexdigest() for f in files]
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_content_hash_definition():
    config = {"b": [1, 2], "a": {"y": None, "x": "é"}}
    files = [b"one", b""]
    assert wire.content_hash(config, files) == _independent(config, files)


def test_known_values():
    # sha256 of '{"config":{},"files":[]}'
    empty = "fbf311f99e22819bb23c50d6bf02de482c7ead6956e3534f25c251c8f215ed23"
    assert wire.content_hash(None, []) == empty
    assert wire.content_hash({}, []) == empty
    # sha256 of '{"config":{"text":["hi"]},"files":["<sha256 of b"x">"]}'
    x = hashlib.sha256(b"x").hexdigest()
    doc = '{"config":{"text":["hi"]},"files":["' + x + '"]}'
    assert wire.content_hash({"text": ["hi"]}, [b"x"]) == hashlib.sha256(doc.encode()).hexdigest()


def test_key_order_does_not_matter_but_file_order_does():
    a = wire.content_hash({"text": ["hi"], "notify": False}, [b"1", b"2"])
    assert a == wire.content_hash({"notify": False, "text": ["hi"]}, [b"1", b"2"])
    assert a != wire.content_hash({"notify": False, "text": ["hi"]}, [b"2", b"1"])


def test_the_server_re_exports_the_one_definition():
    assert server.content_hash is wire.content_hash
