"""An example imrlint plugin: one rule and one output format.

imrlint finds this module through the entry point in pyproject.toml
(``[project.entry-points.imrlint] example = "imrlint_example.plugin"``) and calls the hooks it
implements (``imrlint.plugins.hookspecs``): ``imrlint_rules`` and ``imrlint_rule_declarations`` add the
rule, ``imrlint_formats`` the output format.
"""

from __future__ import annotations

import re

from imrlint.api import Reporter, hookimpl, rule

_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


@rule("EX101", "long-sentence")
def long_sentence(letter, context):
    """A sentence of a decision rationale is longer than the limit (60 words by default).

    The determination is written for the injured worker as well as for the claims administrator:
    in layperson's terms as far as practicable (Labor Code 4610.6(d)(1)).  Very long sentences
    are the first obstacle to that.

    Fails: a rationale sentence of 61 words or more.
    Passes: the same text split into sentences of at most 60 words.

    Fix: split the sentence; say one thing per sentence.
    """
    limit = context.options["max_words"]
    for item in letter.items:
        if item.rationale is None:
            continue
        text = item.rationale.text
        for match in _SENTENCE.finditer(text):
            words = len(match.group().split())
            if words > limit:
                start = match.start() + len(match.group()) - len(match.group().lstrip())
                yield context.finding(item.rationale.sub_span(start, match.end()), item=item, words=words, limit=limit)


@hookimpl
def imrlint_rules():
    return [long_sentence]


@hookimpl
def imrlint_rule_declarations():
    # A mapping here; a plugin may also return paths of YAML files shaped like imrlint's rules/*.yaml.
    return [
        {
            "rules": [
                {
                    "code": "EX101",
                    "name": "long-sentence",
                    "severity": "info",
                    "enabled": True,
                    "group": "plain-language",
                    "message": "this sentence has {words} words (the limit is {limit}); split it (Labor Code "
                    "4610.6(d)(1): layperson's terms)",
                    "options": {"max_words": 60},
                }
            ]
        }
    ]


class TallyReporter(Reporter):
    """Output format ``tally``: how many findings each rule made, most first, then the total."""

    machine_readable = False

    def start(self) -> None:
        self.counts: dict[tuple[str, str], int] = {}

    def file(self, report) -> None:
        for finding in report.findings:
            key = (finding.code, finding.name)
            self.counts[key] = self.counts.get(key, 0) + 1

    def finish(self, summary) -> None:
        for (code, name), count in sorted(self.counts.items(), key=lambda entry: (-entry[1], entry[0])):
            self.stream.write(f"{count:6d}  {code}  {name}\n")
        self.stream.write(
            f"{sum(self.counts.values()):6d}  findings in {summary.files} letter{'' if summary.files == 1 else 's'}\n"
        )


@hookimpl
def imrlint_formats():
    return {"tally": TallyReporter}
