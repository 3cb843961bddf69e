"""A simulated study end to end: ``humeresearch demo`` and :func:`run`.

The demo simulates a small within-subject study with the simulator (participants x
two conditions, one recording each with face, prosody with speakers, language with
sentiment and vocal bursts) with a few **planted** effects, writes it in the real v0
formats (predictions JSON and artifacts zip), reads it back with
:func:`humeresearch.read` like any user's data, aligns face to utterances,
summarises per participant, compares every expression with FDR control, fits mixed
models for the top expressions, draws the main figures and writes a self-contained
``report.html`` beside the Parquet tables. It needs no network.

Examples
--------
>>> from humeresearch import demo
>>> [(e.name, e.condition, e.shift, e.model) for e in demo.EFFECTS][:2]
[('Joy', 'treatment', 0.15, None), ('Tiredness', 'control', 0.08, 'face')]
"""

from __future__ import annotations

from humeresearch.demo._pipeline import EFFECTS, DemoResult, run

__all__ = ["EFFECTS", "DemoResult", "run"]
