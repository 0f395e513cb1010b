"""Decode the bytes of a text export without guessing silently.

CSMAR and CNRDS exports come as UTF-8 (with or without a byte-order mark),
GBK/GB18030 (the Chinese Windows default) or UTF-16 (Excel's "Unicode text").
The order of detection is: byte-order mark, then UTF-16 without a mark (the
NUL-byte pattern of mostly-ASCII text), then strict UTF-8, then strict GB18030
(a superset of GBK).  A file none of these decode is refused, never decoded
with replacement characters.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from data_schemas.errors import InputError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: a sample this long (bytes) decides whether NUL bytes mean UTF-16 or binary
_SAMPLE_BYTES = 4096


def is_binary(data: bytes) -> bool:
    """Whether ``data`` holds NUL bytes that no supported text encoding explains."""
    return b"\x00" in data[:_SAMPLE_BYTES] and _utf16_without_bom(data) is None and not _has_bom(data)


def _has_bom(data: bytes) -> bool:
    return any(data.startswith(bom) for bom, _ in _BOMS)


def _utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when the NUL bytes sit where UTF-16 puts them."""
    sample = data[: _SAMPLE_BYTES - _SAMPLE_BYTES % 2]
    if len(sample) < 2:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def detect_encoding(data: bytes, file: str | Path) -> str:
    """Name the codec that decodes ``data`` exactly.

    Parameters
    ----------
    data : bytes
        The whole file, or a leading sample of it (a multi-byte character cut
        at the end of a sample is tolerated).
    file : str or Path
        Used in the error message.

    Returns
    -------
    str
        A Python codec name: ``"utf-8-sig"``, ``"utf-16"``, ``"utf-16-le"``,
        ``"utf-16-be"``, ``"utf-32"``, ``"utf-8"`` or ``"gb18030"``.

    Raises
    ------
    InputError
        If no supported encoding decodes the bytes.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    for codec in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(codec)()
        try:
            decoder.decode(data, final=False)
        except UnicodeDecodeError:
            continue
        return codec
    raise InputError(
        "unreadable text encoding (not UTF-8, UTF-16 or GBK/GB18030)",
        file=file,
        fix="open it in Excel or a text editor and save it as CSV UTF-8",
    )


def decode_text(data: bytes, file: str | Path) -> str:
    """Decode a whole text file with :func:`detect_encoding`'s codec.

    Raises
    ------
    InputError
        If the bytes are not valid in any supported encoding.
    """
    codec = detect_encoding(data, file)
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"unreadable text encoding (invalid {codec} bytes at offset {exc.start})",
            file=file,
            fix="open it in Excel or a text editor and save it as CSV UTF-8",
        ) from None
