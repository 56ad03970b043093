"""Reading a people file (CSV/XLSX with the registry import columns) for `amparo dedupe --input`.

Uses the registry's reader (`amparo.registry.importing.files.open_table` and
`amparo.registry.columns.column_for_header`: encodings, delimiters, Spanish and English
headers), so a file is read exactly as its import would read it: cells as the import reads
them (`cell_text`), nationality and country as codes (`vocabulary.country_code`: "hondureña",
"Honduras" and "HND" are HN). Every row becomes a record: a value that does not parse (a bad
date, "1988", a local phone) is matched on what is usable or left out of the comparison, never
a reason to drop the row.

Two ways to the same rows:
- `read_table`: the file as columns (pyarrow's multi-threaded CSV reader on the data after the
  header line the registry's reader found), for the batch (`columns.encode`). A CSV the columnar
  reader refuses (rows with missing or extra cells, a blank line holding spaces) and XLSX files
  are read row by row with the registry's reader into the same columns;
- `read_rows`: one InputRow per row (the reference the columnar path is tested against, and the
  online check's benchmark).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings

from amparo.core.text import clean_text, has_control_characters
from amparo.matching import features as feat
from amparo.registry.columns import ALL_COLUMNS, column_for_header
from amparo.registry.importing import vocabulary
from amparo.registry.importing.files import MAX_LINE, UnreadableFile, open_table
from amparo.registry.importing.rows import cell_text

# What str.strip() removes (Python's whitespace), for stripping cells in bulk the same way.
_WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
# amparo.core.text.CONTROL_CHARACTERS for pyarrow's RE2 (UTF-8 strings cannot hold surrogates)
_CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}\x{fffe}\x{ffff}]"
_SPLIT_COUNTRIES = re.compile(r"\s*[;/|,]\s*|\s+y\s+", re.IGNORECASE)


class UnreadableInput(Exception):
    """The file itself cannot be read."""


@dataclass
class InputRow:
    number: int  # row number in the file (header = 1)
    source_record_id: str
    cells: dict[str, str]


@lru_cache(maxsize=4096)
def country(text: str) -> str:
    """A nationality or country cell as an ISO code (the first of several), "" when unknown."""
    code = vocabulary.country_code(text)
    if code:
        return code
    for part in _SPLIT_COUNTRIES.split(text or ""):
        if part:
            return vocabulary.country_code(part) or ""
    return ""


def _open(path: Path):
    try:
        return open_table(path)
    except UnreadableFile as exc:
        raise UnreadableInput(str(exc)) from exc


def _columns_of(path: Path, headers: list[str]) -> list[str | None]:
    columns = [column_for_header(h) for h in headers]
    if "given_names" not in columns and "first_surname" not in columns:
        raise UnreadableInput(
            f"{path.name}: no name column found (expected given_names or first_surname, got {', '.join(headers)})"
        )
    return [c if c in ALL_COLUMNS else None for c in columns]


def _read_cells(record: dict[str, str]) -> dict[str, str]:
    for name in ("nationality", "country"):
        if name in record:
            record[name] = country(record[name])
            if not record[name]:
                del record[name]
    return record


def read_rows(path: str | Path) -> list[InputRow]:
    path = Path(path)
    table = _open(path)
    columns = _columns_of(path, table.headers)
    out = []
    for number, cells in table.rows:
        record: dict[str, str] = {}
        for column, value in zip(columns, cells, strict=False):
            text = _cell(value)
            if column and text:
                record[column] = text
        record = _read_cells(record)
        source_id = record.get("source_record_id", "") or f"row-{number}"
        out.append(InputRow(number=number, source_record_id=source_id, cells=record))
    return out


# --- columns -----------------------------------------------------------------------------------


@dataclass
class FileTable:
    """A people file as columns: each registry import column present, as strings read as the
    import reads them ("" when empty); rows without any value are left out, as the import does."""

    columns: dict[str, pa.Array]
    numbers: np.ndarray  # each row's number in the file (header = 1)
    read_by: str = "columns"  # or "rows": the registry's row reader (XLSX, an irregular CSV)

    @property
    def n(self) -> int:
        return int(self.numbers.size)

    def column(self, name: str) -> pa.Array:
        found = self.columns.get(name)
        return found if found is not None else pa.array([""] * self.n, type=pa.string())

    def source_ids(self) -> pa.Array:
        """source_record_id, or `row-N` (its row number) for a row without one."""
        numbered = pa.array(np.char.add("row-", self.numbers.astype(str)).tolist(), type=pa.string())
        return pc.if_else(pc.not_equal(self.column("source_record_id"), ""), self.column("source_record_id"), numbered)

    def m_means_female(self) -> bool:
        """The sex column holds H (hombre): then M is mujer, as the import reads it."""
        return bool(pc.any(pc.equal(pc.utf8_upper(self.column("sex")), "H")).as_py())


def read_table(path: str | Path) -> FileTable:
    path = Path(path)
    table = _open(path)
    columns = _columns_of(path, table.headers)
    if table.encoding != "xlsx":
        table.close()
        try:
            found = _from_cells(*_read_csv_columns(path, table, len(columns)), columns)
            pa.default_memory_pool().release_unused()  # the parser's blocks, back to the system
            return found
        except pa.ArrowInvalid:
            table = _open(path)  # an irregular file: row by row, as the import reads it
    found = _from_rows(table.rows, columns)
    found.read_by = "rows"
    return found


_LINE_END = re.compile(rb"\r\n|\n|\r")


def _header_end(data: bytes, encoding: str) -> int:
    """Where the data starts: after the first line holding more than spaces, as open_table
    reads it (lines end at LF, CR LF or CR)."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) and encoding == "utf-8-sig" else 0
    position = start
    while position < len(data):
        match = _LINE_END.search(data, position)
        end = match.end() if match else len(data)
        line = data[position : match.start() if match else len(data)]
        if line.decode(encoding.replace("-sig", ""), errors="replace").strip():
            return end
        position = end
    raise pa.ArrowInvalid("no header line")


def _read_csv_columns(path: Path, table, width: int) -> tuple[list[pa.Array], np.ndarray]:
    """The cells after the header, column by column (pyarrow.csv, multi-threaded). Raises
    pa.ArrowInvalid for what it cannot read as the row reader would (a row with missing or
    extra cells, a blank line holding spaces)."""
    import pyarrow.csv as pv

    with pa.memory_map(str(path)) as source:  # the file's pages, not a copy of them
        data = source.read_buffer()
    start = _header_end(data.slice(0, min(data.size, 1 << 20)).to_pybytes(), table.encoding)
    end = data.size
    while end > start and data[end - 1] in (0x0A, 0x0D):
        end -= 1  # blank lines at the end: the row reader skips them
    body = data.slice(start, end - start)
    names = [f"c{k}" for k in range(width)]
    frame = pv.read_csv(
        pa.BufferReader(body),
        read_options=pv.ReadOptions(
            column_names=names,
            encoding="utf8" if table.encoding.startswith("utf-8") else table.encoding,
            block_size=1 << 24,
        ),
        parse_options=pv.ParseOptions(
            delimiter=table.delimiter,
            # quoted line breaks (slower to read in parallel): only when the file has quotes
            newlines_in_values=_has_quotes(body),
            ignore_empty_lines=False,  # a blank line is a row (skipped later) so rows keep their numbers
        ),
        convert_options=pv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    if frame.num_rows > settings.IMPORT_MAX_ROWS:
        raise pa.ArrowInvalid("too many rows: the row reader says so as the import does")
    cells = [frame.column(name).combine_chunks() for name in names]
    if max((pc.max(pc.utf8_length(c)).as_py() or 0 for c in cells), default=0) > MAX_LINE:
        raise pa.ArrowInvalid("a cell longer than a line may be: the row reader says so as the import does")
    return cells, np.arange(frame.num_rows, dtype=np.int64) + 2


def _has_quotes(body: pa.Buffer) -> bool:
    view = memoryview(body)
    return any(b'"' in view[k : k + (1 << 24)].tobytes() for k in range(0, len(view), 1 << 24))


def _from_rows(rows: Iterator[tuple[int, list]], columns: list[str | None]) -> FileTable:
    """The registry reader's rows (XLSX, or a CSV the columnar reader refused) as columns."""
    lists: list[list[str]] = [[] for _ in columns]
    numbers: list[int] = []
    for number, cells in rows:
        numbers.append(number)
        cells = list(cells)[: len(columns)]
        cells += [None] * (len(columns) - len(cells))
        for k, value in enumerate(cells):
            lists[k].append(_cell(value))
    return _from_cells([pa.array(x, type=pa.string()) for x in lists], np.asarray(numbers, dtype=np.int64), columns)


def _from_cells(cells: list[pa.Array], numbers: np.ndarray, columns: list[str | None]) -> FileTable:
    cells = [_clean(c) for c in cells]
    if cells:
        present = np.zeros(numbers.size, dtype=bool)
        for c in cells:
            present |= pc.not_equal(c, "").to_numpy(zero_copy_only=False)
        if not present.all():
            keep = pa.array(np.flatnonzero(present))
            cells, numbers = [c.take(keep) for c in cells], numbers[present]
    out: dict[str, pa.Array] = {}
    for name, values in zip(columns, cells, strict=True):
        if name is None:
            continue
        # the same column twice: the later non-empty cell wins, as in read_rows
        earlier = out.get(name)
        out[name] = values if earlier is None else pc.if_else(pc.not_equal(values, ""), values, earlier)
    for name in ("nationality", "country"):
        if name in out:
            found = out[name].dictionary_encode()
            codes = pa.array([country(v) for v in found.dictionary.to_pylist()], type=pa.string())
            out[name] = codes.take(found.indices)
    return FileTable(columns=out, numbers=numbers)


def _cell(value) -> str:
    """A cell as the import reads it (rows.parse_row): as text, without control characters."""
    text = cell_text(value)
    return clean_text(text).strip() if has_control_characters(text) else text


def _clean(values: pa.Array) -> pa.Array:
    """_cell of CSV strings, in bulk: stripped, an export's formula neutralisation undone,
    control characters removed (then stripped again)."""
    values = pc.utf8_trim(values, _WHITESPACE)
    values = pc.replace_substring_regex(values, r"^'([=+\-@])", r"\1")
    return pc.utf8_trim(pc.replace_substring_regex(values, _CONTROL_CHARACTERS, ""), _WHITESPACE)


def write_clusters(path: str | Path, source_ids: pa.Array, cluster: np.ndarray, best: np.ndarray) -> None:
    """`source_record_id,cluster_id,match_score` for every row (cluster: a label per row, the
    index of its cluster's first row as batch.clusters gives it; best: the row's highest match
    probability within its cluster), written in bulk."""
    import pyarrow.csv as pv

    ten_thousandths = np.rint(np.asarray(best, dtype=np.float64) * 10_000).astype(np.int64)
    scores = pc.binary_join_element_wise(
        pc.cast(pa.array(ten_thousandths // 10_000), pa.string()),
        pc.utf8_lpad(pc.cast(pa.array(ten_thousandths % 10_000), pa.string()), 4, "0"),
        ".",
    )
    frame = pa.table(
        {"source_record_id": source_ids, "cluster_id": source_ids.take(pa.array(cluster)), "match_score": scores}
    )
    pv.write_csv(frame, str(path), write_options=pv.WriteOptions(quoting_style="needed"))


def m_means_female(rows: list[InputRow]) -> bool:
    return any(r.cells.get("sex", "").strip().upper() == "H" for r in rows)


def features_of_rows(rows: list[InputRow], *, organization_country: str = "") -> list[feat.Features]:
    """Features of every row (a plain loop: handing Features between processes costs more
    than building them)."""
    return _features(rows, m_means_female(rows), organization_country)


def _features(rows: list[InputRow], spanish_sex: bool, organization_country: str) -> list[feat.Features]:
    out = []
    for row in rows:
        cells = dict(row.cells)
        sex = cells.get("sex", "").strip().upper()
        if spanish_sex and sex == "M":
            cells["sex"] = "female"
        elif spanish_sex and sex == "H":
            cells["sex"] = "male"
        if cells.get("document_number"):
            cells["document_type"] = cells.get("document_type", "")
        out.append(feat.from_data(cells, organization_country=organization_country))
    return out
