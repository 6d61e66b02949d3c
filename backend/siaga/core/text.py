"""The text rule: which characters a name or free text may hold, and its one stored form.

Every name and free text the service accepts (user and API key names, narratives, review
reasons, the text cells of imports) goes through this module, through the pydantic type
`CleanText` or the plain function `clean_text`. Refused, because they disguise what a
reader sees:

- bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069): with
  them `gpj.exe` displays as `exe.jpg` and an audit line can be made to read backwards;
- invisible characters: zero-width space and joiners (U+200B-U+200D), word joiner and
  invisible operators (U+2060-U+2064), the byte order mark (U+FEFF), the Mongolian vowel
  separator (U+180E), the other format characters (Unicode category Cf, among them the
  tag characters U+E0020-U+E007F that can smuggle a whole hidden text), and the letters
  that render as nothing (Hangul fillers, Khmer inherent vowels, the combining grapheme
  joiner). With them `admin` and `ad\u200bmin` look the same and are different names.
  The zero-width joiners are refused too although emoji sequences (a family, a flag of a
  region) use them: Indonesian names and official texts never need them, and one rule
  without exceptions is one a reviewer can hold in mind. The soft hyphen (U+00AD) is
  refused as well: it is invisible except at a line break, so it makes two spellings of
  one name that look alike; a text pasted from a word processor may carry one, and the
  message names it so the writer can remove it;
- control characters (U+0000-U+001F, U+007F-U+009F), except tab and line breaks in
  multi-line texts (narratives, reasons, guidance); the Unicode line and paragraph
  separators (U+2028, U+2029), invisible line breaks that a plain newline replaces;
- lone surrogates and the noncharacters U+FFFE and U+FFFF, which are not text at all
  (PostgreSQL and XLSX cannot hold them).

A refused text is answered with 422 naming the field and the code point, never silently
cleaned: the writer sees what was wrong, and nothing is stored that they did not write.
What is accepted is stored in Unicode normalisation form NFC, so `e` + U+0301 and `é`
are one spelling (searches, uniqueness and sorting then agree with what readers see).
Evidence file names are the one exception to refusing: a browser sends whatever the
user's disk calls the file, so they are cleaned instead (siaga.core.uploads).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

_Ranges = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class _Kind:
    label_id: str
    label_en: str
    ranges: _Ranges


_BIDI = _Kind(
    "pengendali arah teks",
    "bidirectional control",
    ((0x061C, 0x061C), (0x200E, 0x200F), (0x202A, 0x202E), (0x2066, 0x2069)),
)
_INVISIBLE = _Kind(
    "karakter tak terlihat",
    "invisible character",
    (
        (0x00AD, 0x00AD),
        (0x034F, 0x034F),
        (0x115F, 0x1160),
        (0x17B4, 0x17B5),
        (0x180E, 0x180E),
        (0x200B, 0x200D),
        (0x2060, 0x2065),
        (0x206A, 0x206F),
        (0x3164, 0x3164),
        (0xFEFF, 0xFEFF),
        (0xFFA0, 0xFFA0),
        (0xFFF9, 0xFFFB),
        (0x110BD, 0x110BD),
        (0x110CD, 0x110CD),
        (0x13430, 0x1343F),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0001, 0xE0001),
        (0xE0020, 0xE007F),
    ),
)
_SEPARATOR = _Kind("pemisah baris Unicode", "Unicode line separator", ((0x2028, 0x2029),))
_CONTROL = _Kind(
    "karakter kendali",
    "control character",
    ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F)),
)
# Tab, line feed and carriage return: allowed in multi-line texts only.
_LINE_CONTROL = _Kind("tab atau baris baru", "tab or line break", ((0x09, 0x0A), (0x0D, 0x0D)))
_SURROGATE = _Kind("surrogate tunggal", "lone surrogate", ((0xD800, 0xDFFF),))
_NONCHARACTER = _Kind("bukan karakter teks", "noncharacter", ((0xFFFE, 0xFFFF),))

_MULTI_LINE_KINDS = (_BIDI, _INVISIBLE, _SEPARATOR, _CONTROL, _NONCHARACTER, _SURROGATE)
_SINGLE_LINE_KINDS = (*_MULTI_LINE_KINDS, _LINE_CONTROL)


def _class(kinds: tuple[_Kind, ...], escape: Callable[[int], str]) -> str:
    return "".join(
        escape(low) if low == high else f"{escape(low)}-{escape(high)}"
        for kind in kinds
        for low, high in kind.ranges
    )


def _python_escape(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _ecma_escape(code: int) -> str:
    # Beyond the BMP the character itself: ECMA-262's `\u{...}` is read neither by Python
    # (schemathesis, hypothesis) nor by ECMA-262 without the `u` flag, while a literal
    # character reads the same in ECMA-262 with the `u` flag (which JSON Schema 2020-12,
    # OpenAPI 3.1's dialect, asks for), Python and Rust.
    return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)


# Query and path values are looked up, never stored, so only what is not text at all
# is refused there (siaga.core.middleware).
_TARGET_KINDS = (_CONTROL, _LINE_CONTROL, _NONCHARACTER, _SURROGATE)
_SEARCHES: dict[tuple[_Kind, ...], re.Pattern[str]] = {
    kinds: re.compile(f"[{_class(kinds, _python_escape)}]")
    for kinds in (_SINGLE_LINE_KINDS, _MULTI_LINE_KINDS, _TARGET_KINDS)
}
# Lone surrogates are left out of the documented class: they are not Unicode scalar
# values, so no JSON Schema validator can compile a range of them (and no conforming
# client sends one); the server refuses them all the same.
_DOCUMENTED = {
    multiline: _class(tuple(k for k in kinds if k is not _SURROGATE), _ecma_escape)
    for multiline, kinds in ((False, _SINGLE_LINE_KINDS), (True, _MULTI_LINE_KINDS))
}


def refused_class(*, multiline: bool = False) -> str:
    """The refused characters as the inside of a character class (ECMA-262, `u` flag).

    For patterns that add their own rule to this one (e-mail addresses).
    """
    return _DOCUMENTED[multiline]


def json_schema_pattern(*, multiline: bool = False) -> str:
    """The rule as a JSON Schema `pattern`, for the OpenAPI document."""
    return f"^[^{_DOCUMENTED[multiline]}]*$"


@dataclass(frozen=True)
class Refusal:
    """The first refused character of a text: where it is and what it is."""

    position: int
    code_point: str  # "U+202E"
    name: str  # "RIGHT-TO-LEFT OVERRIDE", or the kind when Unicode gives no name
    label_id: str
    label_en: str

    @property
    def message_id(self) -> str:
        return (
            f"Teks berisi {self.label_id} {self.code_point} ({self.name}) pada posisi "
            f"{self.position + 1}; hapus karakter itu"
        )

    @property
    def message_en(self) -> str:
        return (
            f"the text contains the {self.label_en} {self.code_point} ({self.name}) at "
            f"position {self.position + 1}; remove it"
        )

    @property
    def message(self) -> str:
        return f"{self.message_id} ({self.message_en})"


class TextRefused(ValueError):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


# Unicode gives control characters no name; these are the ones people meet.
_CONTROL_NAMES = {
    0x00: "NULL",
    0x09: "CHARACTER TABULATION",
    0x0A: "LINE FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
}


def _find(value: str, kinds: tuple[_Kind, ...]) -> Refusal | None:
    match = _SEARCHES[kinds].search(value)
    if match is None:
        return None
    char = match.group()
    code = ord(char)
    kind = next(k for k in kinds if any(low <= code <= high for low, high in k.ranges))
    return Refusal(
        position=match.start(),
        code_point=f"U+{code:04X}",
        name=unicodedata.name(char, _CONTROL_NAMES.get(code, kind.label_en.upper())),
        label_id=kind.label_id,
        label_en=kind.label_en,
    )


def find_refused(value: str, *, multiline: bool = False) -> Refusal | None:
    """The first character of `value` the rule refuses, or None."""
    return _find(value, _MULTI_LINE_KINDS if multiline else _SINGLE_LINE_KINDS)


def find_control(value: str) -> Refusal | None:
    """The first control character (or non-character) of a query or path value, or None."""
    return _find(value, _TARGET_KINDS)


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` in NFC, or TextRefused naming its first refused character."""
    if value.isascii() and value.isprintable():
        # The common case, checked at C speed: printable ASCII holds no refused character
        # and is NFC already (an import checks every cell of 100,000 rows).
        return value
    refusal = find_refused(value, multiline=multiline)
    if refusal is not None:
        raise TextRefused(refusal)
    if value.isascii() or unicodedata.is_normalized("NFC", value):
        return value
    return unicodedata.normalize("NFC", value)


@dataclass(frozen=True)
class CleanText:
    """Annotated metadata for a name or free text: `Annotated[str, CleanText(200)]`.

    Lengths are checked before the text rule (so an oversized value costs nothing more)
    and again after normalisation, which can lengthen a text (U+0958 becomes two code
    points): the stored value never exceeds its column. `pattern`, when given, is a
    further rule the value must match in full (Python `re` syntax), checked after the
    text rule; `json_pattern` then documents both in one pattern (ECMA-262 syntax).
    `strip` removes surrounding whitespace first, so that spaces cannot pad a text to
    its minimum length (a review reason); what is stored is then the trimmed text.
    """

    max_length: int
    min_length: int = 0
    multiline: bool = False
    pattern: str | None = None
    json_pattern: str | None = None
    strip: bool = False

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        compiled = re.compile(self.pattern) if self.pattern else None

        def validate(value: str) -> str:
            try:
                cleaned = clean_text(value, multiline=self.multiline)
            except TextRefused as exc:
                refusal = exc.refusal
                raise PydanticCustomError(
                    "text_character",
                    refusal.message,
                    {"code_point": refusal.code_point, "position": refusal.position},
                ) from None
            if self.strip:
                # After the text rule, so a refusal's position counts what was written.
                cleaned = cleaned.strip()
            if len(cleaned) > self.max_length:
                raise PydanticCustomError(
                    "string_too_long",
                    "String should have at most {max_length} characters",
                    {"max_length": self.max_length},
                )
            if len(cleaned) < self.min_length:
                raise PydanticCustomError(
                    "string_too_short",
                    "String should have at least {min_length} characters",
                    {"min_length": self.min_length},
                )
            if compiled is not None and compiled.fullmatch(cleaned) is None:
                raise PydanticCustomError(
                    "string_pattern_mismatch",
                    "String should match pattern '{pattern}'",
                    {"pattern": self.pattern},
                )
            return cleaned

        return core_schema.no_info_after_validator_function(
            validate,
            core_schema.str_schema(min_length=self.min_length or None, max_length=self.max_length),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = self.json_pattern or json_schema_pattern(multiline=self.multiline)
        return json_schema
