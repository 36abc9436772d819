"""Input rules: a file that cannot be read, decoded or parsed as a letter.

Except for parse-error, the engine reports these itself, before there is a letter to check.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.rules.base import RuleContext, input_rule, rule

if TYPE_CHECKING:
    from imrlint.model.letter import Letter
    from imrlint.rules.findings import Finding


@rule("IMR001", "parse-error")
def parse_error(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A line does not fit the structure of an IMR Final Determination letter.

    The grammar expects an optional header block, then the sections HOW THE IMR FINAL
    DETERMINATION WAS MADE, CLINICAL CASE SUMMARY and IMR ISSUES, DECISIONS AND RATIONALES, each
    disputed item with its heading, "Claims Administrator guideline:", "MAXIMUS guideline:" and
    "Decision rationale:" in that order.  A key line where it cannot stand (a guideline line in
    the summary, two MAXIMUS lines in one item) is reported with what was expected there; the
    rest of the letter is still checked.

    Fix: move the line to its place, or remove the duplicate.
    """
    for error in letter.parse_errors:
        yield context.finding(letter.document.span(error.start, error.end), detail=error.message)


unreadable_file = input_rule(
    "IMR002",
    "unreadable-file",
    """
    The file cannot be opened or read.

    The file is missing, is a directory, cannot be read with the permissions of the user running
    imrlint, or reading it failed with an I/O error.

    A letter that cannot be read cannot be checked, and a run that skipped it silently would
    look clean: every letter released must have been checked.

    Fix: check the path and the file's permissions.
""",
)

binary_file = input_rule(
    "IMR003",
    "binary-file",
    """
    The file holds binary data, not letter text.

    Binary data: NUL bytes, or many control characters.

    A letter saved in a word processor's format, or a damaged file, cannot be checked as text.

    Fix: export the letter as plain text (UTF-8), PDF or DOCX.
""",
)

empty_letter = input_rule(
    "IMR004",
    "empty-letter",
    """
    The file is empty or holds only whitespace.

    There is no determination to check.

    An empty file is usually a failed export or text extraction; the letter it stands for has
    not been checked.

    Fix: check that the export or extraction of the letter worked.
""",
)

file_too_large = input_rule(
    "IMR005",
    "file-too-large",
    """
    The file is larger than the size limit, so it was not linted.

    The limit is 10 MB by default (``--max-bytes``).

    A Final Determination is a few pages; a file this large is almost certainly not one letter.

    Fix: lint the letters one per file, or raise --max-bytes.
""",
)

not_utf8 = input_rule(
    "IMR006",
    "not-utf8",
    """
    The file is not valid UTF-8 (or UTF-16), so it was decoded as well as possible and linted.

    A file that is not valid UTF-8 is read as Windows-1252.  A file that starts with a UTF-16
    byte-order mark but holds bytes that are not UTF-16 is read with each bad byte replaced
    (U+FFFD).

    Characters such as "°", "®" or curly quotes may read wrongly, and other tools may reject the
    file.  Positions are reported in the text as read.

    Fix: save the letter as UTF-8.
""",
)

unreadable_document = input_rule(
    "IMR007",
    "unreadable-document",
    """
    A PDF or Word document whose text cannot be extracted.

    The document is encrypted with a password, scanned without a text layer or damaged, or the
    optional reader it needs is not installed.

    A letter whose text cannot be read cannot be checked; a scanned letter has no text layer
    for imrlint (or a screen reader) to read.

    Fix: follow the message: install the extra it names, or supply a text-layer copy.
""",
)

special_file = input_rule(
    "IMR008",
    "special-file",
    """
    A FIFO, socket or device named like a letter was skipped, not read.

    A file named like a letter (``*.txt``, ``*.pdf``, ``*.docx``) that is a FIFO, a socket or a
    device is skipped without being opened.

    Reading a FIFO waits for a writer that may never come, and a device may never end: a run
    that tried would never finish.  A letter is a regular file.

    Fix: remove the special file, or give it a name that is not a letter's.
""",
)

unreadable_directory = input_rule(
    "IMR009",
    "unreadable-directory",
    """
    A directory could not be searched for letters.

    The user running imrlint may not list it, or listing it failed with an I/O error; the letters in
    it, if any, were not checked.

    A run that skipped a directory silently would look clean while letters in it went unchecked:
    every letter released must have been checked.

    Fix: give the user running imrlint permission to read the directory, or lint it as a user who
    can.
""",
)

directory_link_skipped = input_rule(
    "IMR010",
    "directory-link-skipped",
    """
    A link to a directory already searched (a loop, or a second way to it) was not searched again.

    A symbolic link leads to a directory already searched in this run: a link back up the tree, or a
    second way to the same directory.

    Links to directories are followed, so letters kept elsewhere are checked; a directory reached
    twice would be checked twice, and a link back up the tree would be searched forever.  Every
    letter under the link was (or will be) checked where the directory was first reached.

    Fix: nothing to check; remove the link if it is a mistake.
""",
)

time_budget_exceeded = input_rule(
    "IMR011",
    "time-budget-exceeded",
    """
    Checking the letter took longer than its time budget, so it was not fully checked.

    The budget is 10 seconds by default (``--time-budget``, or ``time-budget`` in the
    configuration).  The letter's check was stopped; the findings made before the budget ran out are
    reported, and the run goes on.

    A letter takes milliseconds to check; one that takes seconds is far larger than a letter, or
    built to make a pattern work hard.  A budget keeps one such file from stopping a whole run.

    Fix: check that the file is one letter; if it is, raise the budget.
""",
)

no_letters_found = input_rule(
    "IMR012",
    "no-letters-found",
    """
    A directory named on the command line holds no letters.

    Letters are ``*.txt``, ``*.pdf`` and ``*.docx`` files in the directory or below it; hidden
    directories are not searched.

    A run over an empty or mistyped directory checks nothing and would otherwise pass: a
    continuous-integration job whose letters moved would stay green.

    Fix: name the directory that holds the letters.
""",
)
