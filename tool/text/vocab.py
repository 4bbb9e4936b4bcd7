"""The text vocabulary compiled for one format version: one regex over every word, each word bound
to the topic or term it names, the terms whose fields this version has.

Built once per Spec from ``format/data/text.json``; the claim checks only look words up here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..format import Spec
from ..format.textdata import expand, text_data


@dataclass(frozen=True)
class Topic:
    id: str
    p: tuple[str, ...]
    total: str  # expression of the topic's own total ("" when the topic word alone names no number)
    name: str
    units: tuple[str, ...]
    money: bool
    label: str = ""


@dataclass(frozen=True)
class Alt:
    sum: str
    name: str
    p: tuple[str, ...] | None  # the row an application measure sets for the applicant terms after it


@dataclass(frozen=True)
class Term:
    id: str
    kind: str
    topics: tuple[str, ...]
    needs_topic: bool
    alts: tuple[Alt, ...]


@dataclass(frozen=True)
class Word:
    text: str
    topic: Topic | None = None
    term: Term | None = None  # neither: a neutral word (申请人) that only blocks shorter matches


class Vocab:
    """Everything the claim checks need of the vocabulary, for one version."""

    def __init__(self, spec: Spec, raw: dict[str, Any]):
        self.spec = spec
        self.raw = raw
        self.topics = {t["id"]: Topic(t["id"], tuple(t.get("p", ())), t.get("total", ""), t.get("name", ""),
                                      tuple(t.get("units", raw["default_units"])), bool(t.get("money")),
                                      t.get("label", t.get("name", "")))
                       for t in raw["topics"]}
        words: dict[str, Word] = {}
        for t in raw["topics"]:
            topic = self.topics[t["id"]]
            if topic.total and not self.resolves(topic.total, topic.p):
                topic = Topic(topic.id, topic.p, "", topic.name, topic.units, topic.money, topic.label)
                self.topics[t["id"]] = topic
            for w in t["words"]:
                words.setdefault(w, Word(w, topic=topic if topic.p else None))
        for t in raw["terms"]:
            term = self._term(t)
            if term is None:
                continue
            for w in t["words"]:
                if w not in words or (words[w].term is None and words[w].topic is None):
                    words[w] = Word(w, term=term)
                elif words[w].topic is not None and words[w].term is None:
                    continue  # a topic word stays a topic word
        self.words = words
        received = next((w.term for w in words.values() if w.term and w.term.id == "received"), None)
        self.default_rows = [a.p for a in received.alts if a.p] if received else [("new_requests",)]
        self.row_names: dict[tuple[str, ...], str] = {}
        for w in words.values():
            for a in (w.term.alts if w.term and w.term.kind == "measure" else ()):
                if a.p:
                    self.row_names.setdefault(a.p, a.name)
        self.regex = re.compile(trie_pattern(words))
        self.skip = {k: tuple(v) for k, v in raw["skip_words"].items()}
        self.skip_re = re.compile(trie_pattern(self.skip["change"] + self.skip["history"]))
        self.block_re = re.compile(trie_pattern(self.skip["filler_block"]))

    def resolves(self, expr: str, p: tuple[str, ...]) -> bool:
        return expand(self.spec, expr, p) is not None

    def _term(self, t: dict[str, Any]) -> Term | None:
        alts = tuple(Alt(a["sum"], a["name"], tuple(a["p"]) if "p" in a else None) for a in t["alts"])
        topics = tuple(t["topics"])
        probes = [self.topics[x].p for x in topics if x in self.topics and self.topics[x].p] or [()]
        first = alts[0]
        if not any(self.resolves(first.sum, p) for p in probes):
            return None
        return Term(t["id"], t["kind"], topics, bool(t.get("needs_topic")), alts)


def trie_pattern(words: Iterable[str]) -> str:
    """One regex matching the longest of ``words`` at a position, as a trie (Python's re tries the
    branches of a plain alternation one by one; a trie makes a word list of hundreds cheap)."""
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return build(root)


_CACHE: dict[int, Vocab] = {}


def vocab(spec: Spec) -> Vocab:
    raw = text_data()
    v = _CACHE.get(id(spec))
    if v is None or v.spec is not spec or v.raw is not raw:
        v = _CACHE[id(spec)] = Vocab(spec, raw)
    return v
