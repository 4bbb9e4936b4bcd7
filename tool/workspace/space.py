"""A workspace folder: the ledger, the stored files, the key of the links, the 汇总 runs.

``Workspace.open(DIR)`` is what every command and the server start from. Names inside the
folder come from common.json ``workspace``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from ..collect.roster import NAME_SEPARATORS, Unit
from ..core.errors import UsageError
from ..format import Spec, common, load
from ..format.interchange import ReportData, from_json
from . import tokens
from .ledger import Ledger


def names() -> dict[str, str]:
    return common()["workspace"]


@dataclass(frozen=True)
class UnitRow:
    """A unit of the workspace as the ledger holds it."""

    seq: str
    pos: int
    name: str
    unit_id: str
    former_names: str
    contact: str
    phone: str
    email: str
    token_hash: str
    generation: int
    last_year: str | None  # last year's data (interchange JSON), when given at init

    @property
    def unit(self) -> Unit:
        """The roster record (what ``Matcher`` matches a workbook against)."""
        former = tuple(n for n in self.former_names.split(NAME_SEPARATORS[0]) if n)
        return Unit(self.seq, self.name, self.unit_id, former, self.contact, self.phone, self.email)

    def last_year_data(self) -> ReportData | None:
        return from_json(json.loads(self.last_year), source="上年数据") if self.last_year else None


class Workspace:
    def __init__(self, root: Path, ledger: Ledger):
        self.root = root
        self.ledger = ledger

    @classmethod
    def open(cls, root: str | Path) -> Workspace:
        root = Path(root)
        db = root / names()["ledger"]
        if not db.is_file():
            raise UsageError(f"{root} 不是工作台文件夹（其中没有 {names()['ledger']}）。"
                             "请先运行 nianbao workspace init 创建工作台")
        return cls(root, Ledger(db))

    # -- places ---------------------------------------------------------------------------------

    @property
    def files(self) -> Path:
        return self.root / names()["files"]

    @property
    def runs(self) -> Path:
        return self.root / names()["runs"]

    @property
    def key_path(self) -> Path:
        return self.root / names()["key"]

    @cached_property
    def key(self) -> bytes | None:
        try:
            return self.key_path.read_bytes()
        except OSError:
            return None

    # -- what the workspace is about ------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        return self.ledger.meta()

    @cached_property
    def year(self) -> int:
        return int(self.meta()["year"])

    @cached_property
    def org(self) -> str:
        return self.meta()["org"]

    @cached_property
    def spec(self) -> Spec:
        return load(self.meta()["format"])

    @cached_property
    def rules_text(self) -> str:
        """The office's local rules kept in the workspace ('' for the national rules)."""
        kept = self.meta().get("rules", "")
        if not kept or Path(kept).name != kept:
            return ""
        try:
            return (self.root / kept).read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return ""

    def deadline(self) -> date:
        """The office's deadline for the units (settable; by default the department deadline of common.json)."""
        set_to = self.meta().get("deadline", "")
        if set_to:
            return date.fromisoformat(set_to)
        month, day = common()["deadlines"]["department"]
        return date(self.year + 1, month, day)

    def settings(self) -> dict[str, Any]:
        m = self.meta()
        return {"deadline": self.deadline().isoformat(), "contact": m.get("contact", ""), "phone": m.get("phone", ""),
                "base_url": m.get("base_url", "")}

    # -- units ------------------------------------------------------------------------------------

    _UNIT = "SELECT seq, pos, name, unit_id, former_names, contact, phone, email, token_hash, generation, last_year FROM units"

    def units(self) -> list[UnitRow]:
        return [UnitRow(**dict(r)) for r in self.ledger.rows(f"{self._UNIT} ORDER BY pos")]

    def unit(self, seq: str) -> UnitRow | None:
        r = self.ledger.row(f"{self._UNIT} WHERE seq = ?", seq)
        return UnitRow(**dict(r)) if r else None

    def unit_by_token(self, token: str) -> UnitRow | None:
        """The unit whose link this is (looked up by the token's hash: the token itself is never stored)."""
        r = self.ledger.row(f"{self._UNIT} WHERE token_hash = ?", tokens.digest(token))
        return UnitRow(**dict(r)) if r else None

    def is_office(self, token: str) -> bool:
        return tokens.same(self.meta().get("office_hash", ""), tokens.digest(token))

    # -- links (need the key file) ----------------------------------------------------------------

    def _need_key(self) -> bytes:
        if self.key is None:
            raise UsageError(f"找不到链接密钥文件 {self.key_path}，无法生成链接；"
                             "可用 nianbao workspace links --renew-all 重新签发全部链接（原链接失效）")
        return self.key

    def office_token(self) -> str:
        return tokens.derive(self._need_key(), "office", "", int(self.meta().get("office_generation", "0")))

    def unit_token(self, u: UnitRow) -> str:
        return tokens.derive(self._need_key(), "unit", u.seq, u.generation)

    def csrf_token(self, scope: str) -> str:
        """The form token of the page reached through link ``scope`` (a token hash)."""
        key = self.key or self.meta().get("office_hash", "").encode()
        return tokens.derive(key, "csrf", scope)
