"""Parse a report page into its elements (stdlib ``html.parser``) for structural checks."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

VOID = frozenset({"meta", "br", "wbr", "img", "input", "link", "hr", "source"})


@dataclass(frozen=True)
class Element:
    tag: str
    attrs: dict[str, str]
    #: Tags of the enclosing elements, outermost first, with their class (``svg.latency``).
    path: tuple[str, ...]

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def inside(self, selector: str) -> bool:
        return selector in self.path


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.elements: list[Element] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.elements.append(Element(tag, values, tuple(self.stack)))
        if tag not in VOID:
            cls = values.get("class", "").split()
            self.stack.append(f"{tag}.{cls[0]}" if cls else tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, tuple(self.stack)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack:
            top = self.stack.pop()
            if top.split(".")[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@dataclass(frozen=True)
class Parsed:
    elements: list[Element]
    text: str

    def find(self, tag: str, cls: str | None = None, inside: str | None = None) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag
            and (cls is None or cls in e.classes)
            and (inside is None or e.inside(inside))
        ]


def parse(document: str) -> Parsed:
    collector = _Collector()
    collector.feed(document)
    collector.close()
    return Parsed(collector.elements, "".join(collector.text))
