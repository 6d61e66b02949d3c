"""The columns of each import kind: the one description that parsing, validation, the XLSX
templates and the CLI's help all read, so they cannot disagree (the vocabulary they are
described in is column_types).

Header names are matched case-insensitively after trimming; the order here is the order of
the template and of examples, but a file may order its columns freely.
"""

from __future__ import annotations

from siaga.core.text import Refusal, TextRefused, clean_text
from siaga.imports.column_types import IMPORT_STATUSES, CodeList, Column
from siaga.models import ImportKind

# IMPORT_STATUSES is read from here by the submissions kind.
__all__ = [
    "COLUMNS",
    "IMPORT_STATUSES",
    "USERS_NOTE_EN",
    "USERS_NOTE_ID",
    "clean_cells",
    "column_names",
]


COLUMNS: dict[ImportKind, list[Column]] = {
    ImportKind.SUBMISSIONS: [
        Column(
            "period",
            True,
            "Kode periode (triwulan) yang sedang dibuka, mis. 2023-Q4",
            "Code of an open reporting period, e.g. 2023-Q4",
            CodeList.PERIODS,
            "2023-Q4",
        ),
        Column(
            "region",
            True,
            "Kode wilayah Kemendagri (Pemda) dalam cakupan Anda, mis. 64.72",
            "Kemendagri region code (the Pemda) within your scope, e.g. 64.72",
            CodeList.REGIONS,
            "64.72",
        ),
        Column(
            "indicator",
            True,
            "Kode indikator dari kerangka periode tersebut, mis. K1.01",
            "Indicator code from the period's framework, e.g. K1.01",
            CodeList.INDICATORS,
            "K1.01",
        ),
        Column(
            "value",
            True,
            "Nilai: 0-4 untuk tingkat (level); ya/tidak untuk ya/tidak; 0-100 untuk persen; "
            "bilangan bulat >= 0 untuk jumlah",
            "Value: 0-4 for level; ya/tidak (yes/no, true/false, 1/0) for yes_no; 0-100 for "
            "percent; a whole number >= 0 for count",
            None,
            "3",
        ),
        Column(
            "narrative",
            True,
            "Uraian singkat (boleh kosong, tetapi kolomnya harus ada)",
            "Short narrative (may be empty, but the column must be present)",
            None,
            "SK tim pemantauan telah ditetapkan",
            multiline=True,
        ),
        Column(
            "status",
            False,
            "draft atau submitted (bawaan: submitted). Indikator yang wajib bukti harus "
            "diimpor sebagai draft, lalu lampirkan bukti dan ajukan",
            "draft or submitted (default submitted). Indicators that require evidence must be "
            "imported as draft, then evidence attached and submitted",
            CodeList.STATUSES,
            "draft",
        ),
    ],
    ImportKind.REGIONS: [
        Column(
            "code",
            True,
            "Kode wilayah Kemendagri, mis. 64 (provinsi) atau 64.72 (kabupaten/kota)",
            "Kemendagri region code, e.g. 64 (province) or 64.72 (regency/city)",
            None,
            "64.72",
        ),
        Column("name", True, "Nama wilayah", "Region name", None, "Kota Samarinda"),
        Column(
            "level",
            True,
            "Tingkat: province, regency (kabupaten) atau city (kota)",
            "Level: province, regency or city",
            CodeList.REGION_LEVELS,
            "city",
        ),
        Column(
            "parent",
            False,
            "Kode provinsi induk (kosong untuk provinsi); harus sama dengan awalan kode",
            "Parent province code (empty for a province); must equal the code's prefix",
            CodeList.REGIONS,
            "64",
        ),
        Column(
            "bps_code",
            False,
            "Kode BPS (opsional; dapat berbeda dari kode Kemendagri)",
            "BPS statistical code (optional; may differ from the Kemendagri code)",
            None,
            "6472",
        ),
        Column(
            "time_zone",
            False,
            "Zona waktu tenggat: Asia/Jakarta (WIB), Asia/Makassar (WITA) atau Asia/Jayapura "
            "(WIT); kosong: zona provinsinya",
            "Time zone deadlines end in: Asia/Jakarta (WIB), Asia/Makassar (WITA) or "
            "Asia/Jayapura (WIT); empty: its province's",
            CodeList.TIME_ZONES,
            "Asia/Makassar",
        ),
    ],
    ImportKind.AGENCIES: [
        Column(
            "code",
            True,
            "Kode perangkat daerah: <kode wilayah>.<jenis>, mis. 64.72.kesbangpol",
            "Agency code: <region code>.<type>, e.g. 64.72.kesbangpol",
            None,
            "64.72.kesbangpol",
        ),
        Column(
            "name",
            True,
            "Nama perangkat daerah",
            "Agency name",
            None,
            "Badan Kesatuan Bangsa dan Politik Kota Samarinda",
        ),
        Column(
            "region",
            True,
            "Kode wilayah (Pemda) pemilik perangkat daerah",
            "Region code of the Pemda the agency belongs to",
            CodeList.REGIONS,
            "64.72",
        ),
        Column(
            "type",
            True,
            "Jenis perangkat daerah, mis. kesbangpol, bpkad",
            "Agency type, e.g. kesbangpol, bpkad",
            CodeList.AGENCY_TYPES,
            "kesbangpol",
        ),
        Column(
            "active",
            False,
            "Aktif? ya/tidak (bawaan: ya)",
            "Active? ya/tidak (default ya)",
            CodeList.YES_NO,
            "ya",
        ),
    ],
    ImportKind.INDICATORS: [
        Column(
            "framework",
            True,
            "Kode kerangka (versi), mis. PEMILU2024",
            "Framework (version) code, e.g. PEMILU2024",
            CodeList.FRAMEWORKS,
            "PEMILU2024",
        ),
        Column(
            "dimension",
            True,
            "Kode dimensi yang sudah ada dalam kerangka, mis. K1",
            "Code of an existing dimension of the framework, e.g. K1",
            CodeList.DIMENSIONS,
            "K1",
        ),
        Column(
            "code", True, "Kode indikator, mis. K1.01", "Indicator code, e.g. K1.01", None, "K1.01"
        ),
        Column(
            "name",
            True,
            "Nama indikator",
            "Indicator name",
            None,
            "Tim Pemantauan Perkembangan Politik di Daerah ditetapkan dengan SK Kepala Daerah",
        ),
        Column(
            "answer_type",
            True,
            "Jenis jawaban: level (0-4), yes_no, percent atau count",
            "Answer type: level (0-4), yes_no, percent or count",
            CodeList.ANSWER_TYPES,
            "level",
        ),
        Column(
            "target",
            False,
            "Target (wajib dan > 0 untuk count; kosong untuk jenis lain)",
            "Target (required and > 0 for count; empty for other types)",
            None,
            "",
        ),
        Column(
            "weight",
            True,
            "Bobot dalam dimensi (> 0)",
            "Weight within the dimension (> 0)",
            None,
            "2",
        ),
        Column(
            "agency_type",
            True,
            "Jenis perangkat daerah yang bertanggung jawab",
            "Responsible agency type",
            CodeList.AGENCY_TYPES,
            "kesbangpol",
        ),
        Column(
            "levels",
            True,
            "Tingkat yang menjawab: daftar province/regency/city dipisah koma atau spasi, "
            "atau huruf P R C (mis. PRC)",
            "Levels that answer: province/regency/city separated by commas or spaces, or the "
            "letters P R C (e.g. PRC)",
            CodeList.REGION_LEVELS,
            "PRC",
        ),
        Column(
            "evidence_required",
            True,
            "Bukti wajib sebelum diajukan? ya/tidak",
            "Evidence required before submitting? ya/tidak",
            CodeList.YES_NO,
            "ya",
        ),
        Column(
            "guidance",
            False,
            "Petunjuk pengisian",
            "Guidance for answering",
            None,
            "",
            multiline=True,
        ),
        Column(
            "evidence_guidance",
            False,
            "Bukti apa yang diharapkan",
            "What evidence proves it",
            None,
            "SK tim sesuai Permendagri 61/2011",
            multiline=True,
        ),
        Column(
            "position",
            False,
            "Urutan tampil dalam dimensi (bilangan bulat; bawaan 0)",
            "Display order within the dimension (integer; default 0)",
            None,
            "1",
        ),
    ],
    ImportKind.USERS: [
        Column(
            "username",
            True,
            "Nama pengguna: huruf kecil, angka, titik, garis bawah atau tanda hubung (3-80)",
            "Username: lower-case letters, digits, dot, underscore or hyphen (3-80)",
            None,
            "operator.64.72.kesbangpol",
        ),
        Column(
            "full_name", True, "Nama lengkap", "Full name", None, "Operator Kesbangpol Samarinda"
        ),
        Column(
            "role",
            True,
            "Peran: admin, verifier, coordinator, operator atau viewer",
            "Role: admin, verifier, coordinator, operator or viewer",
            CodeList.ROLES,
            "operator",
        ),
        Column(
            "region",
            False,
            "Kode wilayah cakupan (kosong untuk administrator atau verifikator nasional; untuk "
            "operator kosong atau wilayah perangkat daerahnya; untuk koordinator satu Pemda-nya)",
            "Scope region code (empty for a national administrator or verifier; for an "
            "operator empty or its agency's region; for a coordinator its one Pemda)",
            CodeList.REGIONS,
            "64.72",
        ),
        Column(
            "agency",
            False,
            "Kode perangkat daerah (wajib untuk operator, kosong untuk peran lain)",
            "Agency code (required for operators, empty for other roles)",
            CodeList.AGENCIES,
            "64.72.kesbangpol",
        ),
        Column("email", False, "Alamat email (opsional)", "E-mail address (optional)", None, ""),
    ],
}

# Users are never given a password by import (a spreadsheet of passwords leaks): new
# accounts are created inactive with an unusable password; an administrator sets a
# password and activates each one (PATCH /users/{username}).
USERS_NOTE_ID = (
    "Akun baru dibuat nonaktif tanpa kata sandi; administrator menetapkan kata sandi dan "
    "mengaktifkannya melalui menu Pengguna."
)
USERS_NOTE_EN = (
    "New accounts are created inactive without a password; an administrator sets a password "
    "and activates each one under Users."
)


def column_names(kind: ImportKind) -> list[str]:
    return [c.name for c in COLUMNS[kind]]


_MULTILINE = {
    kind: frozenset(c.name for c in columns if c.multiline) for kind, columns in COLUMNS.items()
}


def clean_cells(kind: ImportKind, cells: dict[str, str]) -> list[tuple[str, Refusal]]:
    """Hold every cell of a row to the text rule of the API (siaga.core.text.clean_text).

    Cells that pass are put in NFC in place, as the API stores them; the others are
    returned with what is wrong, and the row is then refused. Code cells are held to
    the rule too: a code with a hidden character would only fail later, less clearly.
    Cells under a blank header cell are not imported, so not checked.
    """
    multiline = _MULTILINE[kind]
    refused: list[tuple[str, Refusal]] = []
    for name, value in cells.items():
        if not value or not name:
            continue
        try:
            cleaned = clean_text(value, multiline=name in multiline)
        except TextRefused as exc:
            refused.append((name, exc.refusal))
            continue
        if cleaned is not value:
            cells[name] = cleaned
    return refused
