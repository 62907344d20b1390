"""Clear to build's first-come-first-served allocation, worked out by (part, week) cell.

Internal to `accord.planning.netting.clear_to_build`, whose docstring gives the argument; here
on plain arrays (NumPy and scipy.sparse only). The flattened BOM ``per_top`` has one row per
demanded part and one column per part (purchased parts only, per-unit quantities, sorted
indices); ``by_part`` is its transpose. Builds are indexed 0..b-1 in row order.

Cells: part p in week w is
  COVERED  when R(w) <= A(w): every build due in week w gets its whole requirement of p;
  STARVED  when R(w - 1) >= A(w): every one gets none of it;
  OPEN     otherwise: worked out build by build,
where R(w) is the requirement of p of the builds due in weeks 0..w and A(w) = on_hand[p] plus
its receipts of weeks 0..w.

Floats. The definition's test that a build got its whole requirement is exact (allocated >=
required, with no tolerance), so the cell tests must not be looser than exact either. The
running sums of first come first served add the same non-negative terms as R, in another order
and grouping; with fewer than 2**30 builds (a few roundings of at most 2**-53 per term) they
differ by far less than ``RELATIVE_SLACK`` of the sum, plus underflow, far less than
``ABSOLUTE_SLACK``. The cell tests ask for both margins on the cautious side, so a covered or
starved cell is one for the running sums as allocation computes them; a cell too close to call
is open. An open entry's running sum is R(w - 1) plus the builds served before it that week
only when every sum of the part is exact (`classify_cells`); for the other parts, every cell is
open as soon as one is, and the running sum is taken from the part's first build, in the order
of the definition.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
StateArray = npt.NDArray[np.int8]
PositionArray = npt.NDArray[np.integer[Any]]  # int32 when that is enough

# Added before flooring allocated / per_unit so that 2.9999999999 units of float noise count as 3.
UNITS_EPSILON = 1e-9

COVERED = 0
STARVED = 1
OPEN = 2
RELATIVE_SLACK = 2.0**-20
ABSOLUTE_SLACK = 2.0**-1000
# Work in pieces of about this many (part, week) cells or (build, part) entries: temporaries stay
# a few MB, in cache and reused, instead of fresh arrays of hundreds of MB.
CHUNK = 1 << 18


def offsets(counts: IntArray) -> IntArray:
    """0 followed by the running totals of ``counts``: where each group starts, and the end."""
    result = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=result[1:])
    return result


def concatenated_ranges(starts: IntArray, lengths: IntArray) -> IntArray:
    """The indices start..start+length-1 of every range, one range after the other."""
    total = int(lengths.sum())
    range_offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - range_offsets, lengths) + np.arange(total, dtype=np.int64)


def running_sum_over_weeks(array: FloatArray) -> FloatArray:
    """``np.cumsum(array, axis=1, out=array)``, the same sums in the same order, a week at a
    time: one vector operation per week rather than NumPy's per-row loop, several times faster
    on many rows of a hundred weeks."""
    for week in range(1, array.shape[1]):
        array[:, week] += array[:, week - 1]
    return array


def stable_order(keys: IntArray) -> IntArray:
    """``np.argsort(keys, kind="stable")`` for keys that are not negative.

    Below 2**32, as two stable sorts of 16-bit digits (radix sorts in NumPy): several times
    faster than the general one on keys such as cells.
    """
    if keys.size and keys.max() >= 2**32:
        return np.argsort(keys, kind="stable").astype(np.int64)
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    return order[np.argsort((keys[order] >> 16).astype(np.uint16), kind="stable")].astype(np.int64)


def _group_offsets(keys: IntArray, group_count: int) -> tuple[IntArray, IntArray]:
    """Indices sorted by key (stable) and where each key's group starts in them."""
    return (
        np.argsort(keys, kind="stable").astype(np.int64),
        offsets(np.bincount(keys, minlength=group_count)),
    )


def exclusive_cumsum_by_segment(values: FloatArray, lengths: IntArray) -> FloatArray:
    """For each value, the sum of the values before it in its segment, left to right.

    ``values`` is cut into consecutive segments of ``lengths``. Each segment is summed on its
    own so that a part's running total carries no rounding from the other parts' much larger
    totals, as one global cumsum minus the segment's start would. Segments are padded to the
    next power of two (plus a leading zero column, which makes the sums exclusive) and those
    of one width summed as the rows of one matrix: never more than twice the work, and one
    pass per width (about log2 of the longest segment).
    """
    result = np.zeros_like(values)
    segment_starts = offsets(lengths)[:-1]
    segments = np.flatnonzero(lengths > 1)
    exponents = np.ceil(np.log2(lengths[segments])).astype(np.int64)
    by_width, width_offsets = _group_offsets(exponents, int(exponents.max(initial=0)) + 1)
    for exponent in np.flatnonzero(np.diff(width_offsets)):
        group = segments[by_width[width_offsets[exponent] : width_offsets[exponent + 1]]]
        width = (1 << int(exponent)) + 1
        group_lengths = lengths[group]
        positions = concatenated_ranges(segment_starts[group], group_lengths)
        padded = np.arange(positions.size, dtype=np.int64) + np.repeat(
            np.arange(group.size, dtype=np.int64) * width - offsets(group_lengths)[:-1],
            group_lengths,
        )
        block = np.zeros(group.size * width)
        block[padded + 1] = values[positions]
        running = np.cumsum(block.reshape(group.size, width), axis=1).ravel()
        result[positions] = running[padded]
    return result


def fraction_bits(values: FloatArray) -> IntArray:
    """Binary digits after the point of each value: every value times 2**bits is whole."""
    mantissa, exponent = np.frexp(values)
    significand = np.abs(mantissa * 2.0**53).astype(np.int64)
    trailing_zeros = np.frexp((significand & -significand).astype(np.float64))[1] - 1
    bits = np.maximum(53 - exponent.astype(np.int64) - trailing_zeros, 0)
    return np.where(values == 0, 0, bits)


@dataclass(frozen=True, eq=False)
class Cells:
    """A state for every (part, week) cell, and the sums of the open ones.

    states (n, H): COVERED, STARVED or OPEN (parts never required: COVERED).
    limiting (n,): the part has a cell that is not covered: it may limit a build.
    exact (n,): the part's requirement sums are exact in float64.
    open_cells: part * H + week of every OPEN cell, ascending; required_before there is
    R(w - 1) and available is A(w).
    """

    states: StateArray
    limiting: BoolArray
    exact: BoolArray
    open_cells: IntArray
    required_before: FloatArray
    available: FloatArray


def classify_cells(
    per_top: sparse.csr_array,
    by_part: sparse.csr_array,
    due_by_week: FloatArray,
    receipts: FloatArray,
    on_hand: FloatArray,
    build_qty: FloatArray,
) -> Cells:
    """Every cell's state, a block of parts at a time.

    ``due_by_week[t, w]``: quantity of demanded part t due in weeks 0..w; R = by_part times it.
    ``receipts`` (n, H) and ``on_hand`` as netting has them; A their running sum.

    Exact sums: when every per-unit quantity of part p is a multiple of 2**-a and every build
    quantity one of 2**-b, the products and all their sums are multiples of 2**-(a + b), exact
    while below 2**(53 - a - b) (the sums of build quantities: below 2**(53 - b)); twice the
    margin covers the rounding of the totals that tell.
    """
    part_count, horizon = receipts.shape
    part_bits = np.zeros(part_count, dtype=np.int64)
    fractional = per_top.data != np.floor(per_top.data)
    np.maximum.at(part_bits, per_top.indices[fractional], fraction_bits(per_top.data[fractional]))
    quantity_bits = int(fraction_bits(build_qty).max(initial=0))
    quantities_exact = bool(build_qty.sum() < 2.0 ** (52 - quantity_bits))
    # A starved entry is short of its whole requirement only when that is not 0: so unless
    # some per-unit quantity times a build quantity underflows (then no cell is starved).
    positive = build_qty[build_qty > 0]
    may_starve = per_top.nnz == 0 or float(per_top.data.min()) * positive.min(initial=1.0) > 0

    # A part whose whole requirement is there in week 0 has every cell covered (R and A only
    # grow); the other parts are looked at week by week.
    needed = np.flatnonzero(np.diff(by_part.indptr))
    whole_requirement = by_part[needed] @ due_by_week[:, -1]
    in_week_0 = receipts[needed, 0] + on_hand[needed]
    needed = needed[whole_requirement * (1 + RELATIVE_SLACK) + ABSOLUTE_SLACK > in_week_0]

    states = np.zeros((part_count, horizon), dtype=np.int8)
    limiting = np.zeros(part_count, dtype=np.bool_)
    exact = np.zeros(part_count, dtype=np.bool_)
    open_cells, open_before, open_available = [], [], []
    block = max(1, CHUNK // horizon)
    for start in range(0, needed.size, block):
        parts = needed[start : start + block]
        required = np.asarray(by_part[parts] @ due_by_week)
        available = running_sum_over_weeks(receipts[parts])
        available += on_hand[parts, None]
        required_before = np.zeros_like(required)
        required_before[:, 1:] = required[:, :-1]
        limit = 2.0 ** (52 - (part_bits[parts] + quantity_bits).astype(np.float64))
        part_exact = quantities_exact & (required[:, -1] < limit)
        bound = required * (1 + RELATIVE_SLACK)
        bound += ABSOLUTE_SLACK
        covered = (bound <= available) & np.isfinite(bound)
        np.multiply(required_before, 1 - RELATIVE_SLACK, out=bound)
        bound -= ABSOLUTE_SLACK
        starved = (bound >= available) & np.isfinite(required_before) & may_starve
        block_states = np.full(required.shape, OPEN, dtype=np.int8)
        block_states[starved] = STARVED
        block_states[covered] = COVERED
        # Without exact sums, an open cell needs the part's running sum from its first build.
        block_states[~part_exact & (block_states == OPEN).any(axis=1)] = OPEN
        states[parts] = block_states
        limiting[parts] = block_states.any(axis=1)
        exact[parts] = part_exact
        opened = np.flatnonzero(block_states == OPEN)
        open_cells.append(parts[opened // horizon] * horizon + opened % horizon)
        open_before.append(required_before.ravel()[opened])
        open_available.append(available.ravel()[opened])
    return Cells(
        states=states,
        limiting=limiting,
        exact=exact,
        open_cells=np.concatenate([np.zeros(0, dtype=np.int64), *open_cells]),
        required_before=np.concatenate([np.zeros(0), *open_before]),
        available=np.concatenate([np.zeros(0), *open_available]),
    )


@dataclass(frozen=True, eq=False)
class Entries:
    """The (build, part) entries in STARVED and OPEN cells, found a chunk of builds at a time.

    An entry is named by its position in ``per_top`` (which holds its part and per-unit
    quantity) and its build. Chunk c covers builds chunk_bounds[c] to chunk_bounds[c + 1];
    starved_at[c] holds the positions of its starved entries, in build and part order.
    starved_count: per build. The open entries of all chunks, in build and part order: their
    position, build, chunk, and slot: how many of the chunk's starved entries come before them.
    """

    chunk_bounds: IntArray
    starved_at: list[PositionArray]
    starved_count: IntArray
    open_at: IntArray
    open_build: IntArray
    open_chunk: IntArray
    open_slot: IntArray


def find_entries(
    per_top: sparse.csr_array, states: StateArray, tops: IntArray, weeks: IntArray
) -> Entries:
    """Expand the builds' rows of ``per_top`` chunk by chunk, keeping what is not covered."""
    part_count = states.shape[0]
    # Week-major, so that the cells of one build's parts lie close together.
    states_by_week = np.ascontiguousarray(states.T).ravel()
    # Expanded rows copy the parts of the entries and a byte each, not the quantities.
    pattern = sparse.csr_array(
        (np.zeros(per_top.nnz, dtype=np.int8), per_top.indices, per_top.indptr),
        shape=per_top.shape,
    )
    row_starts = per_top.indptr[tops].astype(np.int64)
    ends = np.cumsum(np.diff(per_top.indptr)[tops])
    total = int(ends[-1]) if ends.size else 0
    cuts = np.searchsorted(ends, np.arange(CHUNK, total, CHUNK), side="right")
    bounds = np.unique(np.concatenate([[0], cuts, [tops.size]]))
    position_type = np.int32 if per_top.nnz < 2**31 else np.int64
    starved_at: list[PositionArray] = []
    starved_count = []
    open_at, open_build, open_chunk, open_slot = [], [], [], []
    for chunk, (first, end) in enumerate(itertools.pairwise(bounds)):
        entries = pattern[tops[first:end]]
        entry_offsets = entries.indptr.astype(np.int64)
        cell = np.repeat(weeks[first:end] * part_count, np.diff(entry_offsets))
        cell += entries.indices
        state = states_by_week[cell]
        del cell
        # Positions rather than boolean masks, which are slow to index with.
        starved = np.flatnonzero(state == STARVED)
        opened = np.flatnonzero(state == OPEN)
        counts = np.diff(np.searchsorted(starved, entry_offsets))
        starved_count.append(counts)
        open_slot.append(np.searchsorted(starved, opened))
        shift = row_starts[first:end] - entry_offsets[:-1]
        starved += np.repeat(shift, counts)
        starved_at.append(starved.astype(position_type))
        build = np.searchsorted(entry_offsets, opened, side="right") - 1
        open_at.append(opened + shift[build])
        open_build.append(first + build)
        open_chunk.append(np.full(opened.size, chunk, dtype=np.int64))
    none = np.zeros(0, dtype=np.int64)
    return Entries(
        chunk_bounds=bounds.astype(np.int64),
        starved_at=starved_at,
        starved_count=np.concatenate([none, *starved_count]),
        open_at=np.concatenate([none, *open_at]),
        open_build=np.concatenate([none, *open_build]),
        open_chunk=np.concatenate([none, *open_chunk]),
        open_slot=np.concatenate([none, *open_slot]),
    )


def allocate_open_entries(
    cells: Cells, per_top: sparse.csr_array, found: Entries, qty: FloatArray, weeks: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Allocated quantity and units of every open entry, as netting's docstring defines them.

    The entries of a cell are served in row order, being due the same week; what the builds
    before took is R(w - 1) plus their running sum (exact parts), or the running sum from the
    part's first build (the other parts, all of whose entries are then open).
    """
    horizon = cells.states.shape[1]
    open_part = per_top.indices[found.open_at].astype(np.int64)
    cell = open_part * horizon + weeks[found.open_build]
    order = stable_order(cell)
    cell, part = cell[order], open_part[order]
    per_unit, entry_qty = per_top.data[found.open_at[order]], qty[found.open_build[order]]
    required = per_unit * entry_qty
    exact = cells.exact[part]
    segment_key = np.where(exact, cell, part * horizon)
    segment_starts = np.flatnonzero(np.diff(segment_key, prepend=-1))
    required_before = exclusive_cumsum_by_segment(
        required, np.diff(segment_starts, append=segment_key.size)
    )
    at = np.searchsorted(cells.open_cells, cell)
    required_before += np.where(exact, cells.required_before[at], 0.0)
    available = cells.available[at]
    available -= required_before
    allocated = np.minimum(np.maximum(available, 0.0, out=available), required)
    units = allocated / per_unit
    units += UNITS_EPSILON
    np.floor(units, out=units)
    whole = allocated >= required
    units[whole] = entry_qty[whole]
    results = np.empty((2, order.size))
    results[:, order] = allocated, units
    return results[0], results[1]


def limiting_entries(
    per_top: sparse.csr_array,
    found: Entries,
    qty: FloatArray,
    allocated: FloatArray,
    units: FloatArray,
) -> tuple[FloatArray, IntArray, IntArray, FloatArray]:
    """Buildable units and how many limiting parts per build; the parts and their shortfalls.

    A starved entry has 0 units: its build's buildable is 0, and it is limiting, short of its
    whole requirement. Each chunk's starved entries are written out with its limiting open
    entries slotted in, which keeps every build's parts in order.
    """
    fewest_units = np.full(qty.size, np.inf)
    np.minimum.at(fewest_units, found.open_build, units)
    buildable = np.minimum(qty, fewest_units)
    buildable[found.starved_count > 0] = 0.0
    limiting = (units == buildable[found.open_build]) & (units < qty[found.open_build])
    counts = found.starved_count + np.bincount(found.open_build[limiting], minlength=qty.size)
    parts = np.empty(int(counts.sum()), dtype=np.int64)
    shortfall = np.empty(parts.size)
    open_chunks = offsets(np.bincount(found.open_chunk, minlength=len(found.starved_at)))
    start = 0
    for chunk, starved_at in enumerate(found.starved_at):
        in_chunk = slice(open_chunks[chunk], open_chunks[chunk + 1])
        chosen = np.flatnonzero(limiting[in_chunk]) + open_chunks[chunk]
        slots = found.open_slot[chosen] + np.arange(chosen.size)
        end = start + starved_at.size + chosen.size
        from_open = np.zeros(end - start, dtype=np.bool_)
        from_open[slots] = True
        at = np.empty(end - start, dtype=np.int64)
        at[slots] = found.open_at[chosen]
        at[~from_open] = starved_at
        parts[start:end] = per_top.indices[at]
        here = shortfall[start:end]
        np.take(per_top.data, at, out=here)
        builds = slice(found.chunk_bounds[chunk], found.chunk_bounds[chunk + 1])
        here *= np.repeat(qty[builds], counts[builds])
        here[slots] -= allocated[chosen]
        start = end
    return buildable, counts, parts, shortfall
