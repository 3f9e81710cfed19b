"""Where the matrix's round numbers go: a deterministic greedy placement that keeps each label
off the other labels, the markers, the trajectories and the zone names."""

from collections.abc import Sequence
from dataclasses import dataclass
from math import hypot

# Plot areas (pixels) a placement must suit. Plotly keeps a label's offset from its point in
# pixels while the distance between points grows with the chart, so a placement is checked
# at the narrowest and the widest plot of its layout: what is clear at both stays clear.
WIDE_PLOTS = ((470.0, 380.0), (900.0, 400.0))
NARROW_PLOTS = ((230.0, 320.0), (420.0, 340.0))
# Each ring lies 14 px further out; beyond the first, a leader line joins label and point.
RING_STEP = 14.0
RINGS = 6
GAP = 2.0
# Preference order around the point: up-right first (where the numbers always were).
DIRECTIONS = ((1, 1), (1, 0), (0, 1), (-1, 1), (1, -1), (-1, 0), (0, -1), (-1, -1))
# Further out, where labels crowd, also the directions in between.
BETWEEN = ((2, 1), (1, 2), (-1, 2), (-2, 1), (-2, -1), (-1, -2), (1, -2), (2, -1))
LABEL_WEIGHT, MARKER_WEIGHT, FIXED_WEIGHT, LINE_WEIGHT, OUTSIDE_WEIGHT = 10.0, 6.0, 6.0, 2.0, 4.0

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels, y upwards


@dataclass(frozen=True, slots=True)
class Anchored:
    """A box fixed to a point in data units (0-100 on both axes) by pixel offsets."""

    x: float
    y: float
    box: Rect  # relative to the point, pixels


@dataclass(frozen=True, slots=True)
class Segment:
    """A line between two points in data units (a trajectory's arrow)."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    y: float
    text: str
    radius: float  # the marker's, pixels


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a label's centre sits relative to its point, in pixels (dy upwards)."""

    dx: float
    dy: float
    leader: bool


def label_size(text: str, font_size: float) -> tuple[float, float]:
    """A generous box for digits in the chart's sans-serif with a 1 px border and padding."""
    return 0.62 * font_size * len(text) + 6, 1.25 * font_size + 5


def text_box(x: float, y: float, text: str, font_size: float, anchor: tuple[str, str]) -> Anchored:
    """A text's box from Plotly's anchor words ("left"/"right", "top"/"bottom")."""
    width, height = 0.62 * font_size * len(text) + 4, 1.4 * font_size
    x0 = 0.0 if anchor[0] == "left" else -width
    y0 = -height if anchor[1] == "top" else 0.0
    return Anchored(x, y, (x0, y0, x0 + width, y0 + height))


def candidates(radius: float, size: tuple[float, float]) -> list[tuple[int, Placement]]:
    """Positions around a marker, nearest ring first, each ring in the preferred order."""
    half_w, half_h = size[0] / 2, size[1] / 2
    found = []
    for ring in range(RINGS):
        for ux, uy in DIRECTIONS + (BETWEEN if ring > 1 else ()):
            norm = hypot(ux, uy)
            # The box just clear of the marker in this direction, then further out per ring.
            dx = ux / max(abs(ux), abs(uy)) * (radius + GAP + half_w) + ux / norm * RING_STEP * ring
            dy = uy / max(abs(ux), abs(uy)) * (radius + GAP + half_h) + uy / norm * RING_STEP * ring
            found.append((ring, Placement(dx, dy, leader=ring > 0)))
    return found


CELL = 32.0  # px: the grid that finds what lies under a candidate without looking at the rest
Line = tuple[float, float, float, float]


class _Plot:
    """One plot size and what is already on it, in its pixels, filed in grid cells."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.boxes: list[tuple[Rect, float]] = []
        self.lines: list[tuple[Line, float]] = []
        self.cells: dict[tuple[int, int], list[tuple[bool, int]]] = {}

    def at(self, x: float, y: float) -> tuple[float, float]:
        return x / 100 * self.width, y / 100 * self.height

    def add_box(self, box: Rect, weight: float) -> None:
        self._file(box, (True, len(self.boxes)))
        self.boxes.append((box, weight))

    def add_line(self, line: Line, weight: float) -> None:
        # Filed in short pieces, so a long trajectory does not land in every cell it spans.
        x0, y0, x1, y1 = line
        pieces = max(1, int(hypot(x1 - x0, y1 - y0) // CELL) + 1)
        for i in range(pieces):
            a, b = i / pieces, (i + 1) / pieces
            piece = (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a, x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)
            self._file(_bounds(piece), (False, len(self.lines)))
            self.lines.append((piece, weight))

    def under(self, box: Rect) -> tuple[list[tuple[Rect, float]], list[tuple[Line, float]]]:
        found: set[tuple[bool, int]] = set()
        for cell in _cells(box):
            found.update(self.cells.get(cell, ()))
        boxes = [self.boxes[i] for is_box, i in found if is_box]
        return boxes, [self.lines[i] for is_box, i in found if not is_box]

    def _file(self, box: Rect, item: tuple[bool, int]) -> None:
        for cell in _cells(box):
            self.cells.setdefault(cell, []).append(item)


def _cells(box: Rect) -> list[tuple[int, int]]:
    x0, y0, x1, y1 = (int(v // CELL) for v in box)
    return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def _bounds(line: Line) -> Rect:
    return (
        min(line[0], line[2]),
        min(line[1], line[3]),
        max(line[0], line[2]),
        max(line[1], line[3]),
    )


def place_labels(
    labels: Sequence[Label],
    *,
    font_size: float,
    fixed: Sequence[Anchored] = (),
    segments: Sequence[Segment] = (),
    plots: Sequence[tuple[float, float]] = WIDE_PLOTS,
) -> list[Placement]:
    """One placement per label, in the given order of importance: each label takes the
    nearest position that overlaps nothing at every plot size, else the least overlap."""
    canvases = [_canvas(w, h, labels, fixed, segments) for w, h in plots]
    placed: list[Placement] = []
    for label in labels:
        size = label_size(label.text, font_size)
        best = _best(label, size, canvases)
        placed.append(best)
        for canvas in canvases:
            px, py = canvas.at(label.x, label.y)
            canvas.add_box(_box(px + best.dx, py + best.dy, size), LABEL_WEIGHT)
            if best.leader:
                canvas.add_line((px, py, px + best.dx, py + best.dy), LINE_WEIGHT)
    return placed


def _canvas(
    width: float,
    height: float,
    labels: Sequence[Label],
    fixed: Sequence[Anchored],
    segments: Sequence[Segment],
) -> _Plot:
    canvas = _Plot(width, height)
    for label in labels:
        px, py = canvas.at(label.x, label.y)
        r = label.radius
        canvas.add_box((px - r, py - r, px + r, py + r), MARKER_WEIGHT)
    for item in fixed:
        px, py = canvas.at(item.x, item.y)
        x0, y0, x1, y1 = item.box
        canvas.add_box((px + x0, py + y0, px + x1, py + y1), FIXED_WEIGHT)
    for s in segments:
        canvas.add_line((*canvas.at(s.x0, s.y0), *canvas.at(s.x1, s.y1)), LINE_WEIGHT)
    return canvas


def _best(label: Label, size: tuple[float, float], canvases: list[_Plot]) -> Placement:
    best, best_cost = None, float("inf")
    for order, (ring, option) in enumerate(candidates(label.radius, size)):
        # A ring further out is worth it only for a clearly smaller overlap.
        penalty = 40 * ring + order * 0.01
        if penalty >= best_cost:
            break  # penalties only grow from here: no later option can win
        cost = penalty
        for canvas in canvases:
            if cost >= best_cost:
                break  # this option can no longer win: spare the arithmetic
            px, py = canvas.at(label.x, label.y)
            cost += _cost(_box(px + option.dx, py + option.dy, size), canvas)
            if option.leader:
                leader = (px, py, px + option.dx, py + option.dy)
                labels, _lines = canvas.under(_bounds(leader))
                # Lightly: a faint line under a label beats two labels on top of each other.
                cost += sum(_clipped(leader, b) for b, w in labels if w == LABEL_WEIGHT)
        if cost == penalty:
            return option  # overlaps nothing: the nearest such place is the best
        if cost < best_cost:
            best, best_cost = option, cost
    assert best is not None
    return best


def _cost(box: Rect, canvas: _Plot) -> float:
    boxes, lines = canvas.under(box)
    cost = 0.0
    x0, y0, x1, y1 = box
    for (a0, b0, a1, b1), weight in boxes:
        # Inline rather than _overlap: this loop is where the placement spends its time.
        if a0 < x1 and x0 < a1 and b0 < y1 and y0 < b1:
            cost += weight * ((min(x1, a1) - max(x0, a0)) * (min(y1, b1) - max(y0, b0)) + 20)
    for line, weight in lines:
        cost += weight * _clipped(line, box)
    inside = _overlap(box, (0, 0, canvas.width, canvas.height))
    return cost + OUTSIDE_WEIGHT * ((x1 - x0) * (y1 - y0) - inside)


def _box(cx: float, cy: float, size: tuple[float, float]) -> Rect:
    return cx - size[0] / 2, cy - size[1] / 2, cx + size[0] / 2, cy + size[1] / 2


def _overlap(a: Rect, b: Rect) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _clipped(line: Line, box: Rect) -> float:
    """Length of the part of a line inside a box (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = line
    if (
        max(x0, x1) <= box[0]
        or min(x0, x1) >= box[2]
        or max(y0, y1) <= box[1]
        or min(y0, y1) >= box[3]
    ):
        return 0.0  # the common case, without the divisions
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        if p == 0:
            if q < 0:
                return 0.0
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low >= high:
            return 0.0
    return (high - low) * hypot(dx, dy)
