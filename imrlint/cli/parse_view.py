"""A readable view of a letter's syntax tree and model, for people writing rules."""

from __future__ import annotations

from imrlint.model.letter import Letter, Passage
from imrlint.parsing.letter import line_bounds
from imrlint.parsing.tree import Tree

_PREVIEW = 72


def _preview(text: str) -> str:
    return text if len(text) <= _PREVIEW else text[: _PREVIEW - 1] + "…"


def _at(passage: Passage | None) -> str:
    if passage is None:
        return "(none)"
    span = passage.span
    return f"{span.line}:{span.column}-{span.end_line}:{span.end_column} {_preview(passage.text)!r}"


def describe_tree(letter: Letter) -> list[str]:
    lines: list[str] = []

    def visit(node, depth: int) -> None:
        indent = "  " * depth
        if isinstance(node, Tree):
            lines.append(f"{indent}{node.data}")
            for child in node.children:
                visit(child, depth + 1)
        else:
            start, end = line_bounds(node)
            span = letter.document.span(start, end)
            lines.append(
                f"{indent}{node.type} {span.line}:{span.column}-{span.end_line}:{span.end_column} "
                f"{_preview(' '.join(str(node).split()))!r}"
            )

    visit(letter.tree, 0)
    return lines


def describe_letter(letter: Letter) -> str:
    lines = ["# syntax tree", *describe_tree(letter), "", "# model"]
    for name, field in letter.header.items():
        lines.append(f"header {name}: {_at(field.value)}")
    for field in letter.unpaired_header:
        lines.append(f"header {field.name}: label {_at(field.key)}, value not paired with certainty")
    for section in letter.sections:
        lines.append(f"section {section.kind}: {_at(section.title)}")
    if letter.credentials is not None:
        lines.append(
            f"credentials ({letter.credentials.form}): licensure {_at(letter.credentials.licensure)}; specialty "
            f"{_at(letter.credentials.specialty)}"
        )
    for item in letter.items:
        lines.append(f"item {item.index}: {_at(item.name)}")
        lines.append(f"  label: {_at(item.label)}")
        if item.partial is not None:
            lines.append(
                f"  partial: original {_at(item.partial.original)}; authorized {_at(item.partial.authorized)}; "
                f"remaining {_at(item.partial.remaining)}"
            )
        for title, guideline in (("claims administrator", item.claims), ("maximus", item.maximus)):
            lines.append(f"  {title}: {_at(guideline.content if guideline else None)}")
            if guideline is not None:
                citations = guideline.citations
                lines.append(f"    source: {citations.source}")
                for chapter in citations.chapters:
                    pages = ", ".join(
                        f"{page.first}-{page.last}" if page.first != page.last else str(page.first)
                        for page in chapter.pages
                    )
                    lines.append(
                        f"    chapter {chapter.name.text!r} edition "
                        f"{chapter.edition.text if chapter.edition else None!r}"
                        f" topic {chapter.topic.text if chapter.topic else None!r}"
                        f" sections {[section.text for section in chapter.sections]!r} pages [{pages}]"
                    )
                for reference in citations.non_mtus:
                    lines.append(f"    non-MTUS {_preview(reference.text)!r}")
        lines.append(f"  rationale: {_at(item.rationale)}")
    for error in letter.parse_errors:
        span = letter.document.span(error.start, error.end)
        lines.append(f"parse error {span.line}:{span.column}: {error.message}")
    return "\n".join(lines) + "\n"
