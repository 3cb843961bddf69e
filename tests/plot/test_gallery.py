"""scripts/gallery.py renders every figure into non-trivial PNG files."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import matplotlib.image as mpimg
import matplotlib.pyplot as plt

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gallery.py"
EXPECTED = {
    "palette",
    "timeline_study",
    "timeline_real",
    "timeline_faces_real",
    "heatmap_participants",
    "heatmap_time_real",
    "distribution_violin",
    "distribution_point",
    "radar_conditions",
    "forest_compare",
    "forest_mixed",
    "volcano",
    "agreement_matrix",
    "correlation_matrix_real",
    "expression_map",
}


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def test_gallery_writes_every_figure(tmp_path, fixtures, capsys):
    spec = importlib.util.spec_from_file_location("gallery", SCRIPT)
    gallery = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gallery)
    written = gallery.main([str(tmp_path / "out"), "--quick"])
    assert {p.stem for p in written} == EXPECTED
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{s}.png" for s in EXPECTED
    )
    for path in written:
        width, height = png_size(path)
        assert width >= 400 and height >= 150, path
        assert path.stat().st_size > 10_000, path
        pixels = mpimg.imread(path)[..., :3]
        assert pixels.std() > 0.05, path  # not a blank canvas
        assert (pixels.min(axis=2) < 0.5).mean() > 0.005, path  # some ink
    assert plt.get_fignums() == []  # every figure closed
    assert capsys.readouterr().out.splitlines()[-1].startswith("RESULT figures=15 ")
