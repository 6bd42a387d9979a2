"""The kata READMEs' folded parts: hints, follow-up questions and debrief.

Every README in the registry keeps its three hints, three follow-up answers and its debrief folded away in
``<details>`` blocks; the parsers of :mod:`grader.learner.readme` give them back as plain text (no HTML), and
``dev check`` reports a README that breaks the format in one line. Everything here reads files: no grading.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO

from grader import registry
from grader.dev import check
from grader.learner import hints, readme
from grader.teacher import notebooks

KATAS = registry.KATAS
HTML = re.compile(r"</?(details|summary|b|br|p|div|span)\b[^>]*>", re.IGNORECASE)


def text_of(kata: registry.Kata) -> str:
    return kata.readme_path(REPO).read_text(encoding="utf-8")


def outside_code(markdown: str) -> str:
    """The text without its fenced code blocks."""
    return re.sub(r"^```.*?^```[^\n]*$", "", markdown, flags=re.MULTILINE | re.DOTALL)


# --- every kata's README ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.slug)
def test_hints_are_collapsed_with_a_title(kata):
    found = readme.hints(kata, REPO)
    assert [h.number for h in found] == [1, 2, 3]
    assert all(h.collapsed for h in found), f"{kata.label}: a hint in plain sight"
    assert all(h.title and "TODO" not in h.title for h in found)
    # On GitHub nothing of a hint shows but its summary: the section holds no heading and no text after the
    # first block that is outside one.
    section = text_of(kata).split("\n## Hints\n", 1)[1].split("\n## ", 1)[0]
    assert not re.search(r"^### ", outside_code(section), re.MULTILINE)
    assert section.count("<details><summary>Hint ") == 3


@pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.slug)
def test_parse_hints_returns_plain_text(kata):
    texts = hints.parse_hints(text_of(kata), kata.readme_path(REPO).name)
    assert texts == [h.text for h in readme.hints(kata, REPO)]
    assert texts == hints.kata_hints(REPO, kata)
    for text in texts:
        assert text and text == text.strip()
        assert not HTML.search(text), text[:80]
        assert not text.startswith("Hint ")


@pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.slug)
def test_three_follow_up_questions_with_answers(kata):
    found = readme.follow_ups(kata, REPO)
    assert len(found) == 3
    for item in found:
        assert isinstance(item, readme.FollowUp)
        assert item.question.endswith("?"), item.question
        assert not item.question.startswith(("**", "1.", "2.", "3.")) and "\n" not in item.question
        assert item.answer and item.answer == item.answer.strip()
        for part in (item.question, item.answer):
            assert not HTML.search(part), part[:80]
    # the question stays in plain sight, the answer does not
    assert len(set(f.question for f in found)) == 3


@pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.slug)
def test_the_debrief_is_folded_and_not_empty(kata):
    text = readme.debrief(kata, REPO)
    assert len(text) > 500
    assert not HTML.search(text)
    assert "<details><summary>Debrief: read it after your first full pass</summary>" in text_of(kata)


@pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.slug)
def test_the_sections_come_in_order_and_check_is_satisfied(kata):
    titles = [title for level, title, _ in readme.sections(text_of(kata)) if level == 2]
    assert titles[-3:] == ["Hints", "Follow-up questions", "Debrief"]
    assert list(check.check_readme(REPO, kata, KATAS)) == []


def test_required_sections_include_the_new_ones():
    assert check.REQUIRED_SECTIONS[-3:] == ("Hints", "Follow-up questions", "Debrief")


@pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.slug)
def test_the_notebook_shows_each_hint_folded(kata):
    cells = notebooks.split_sections(text_of(kata), "## ")
    folded = notebooks.fold_hints(next(c for c in cells if c.startswith("## Hints")))
    for hint in readme.hints(kata, REPO):
        assert f"<details><summary>Hint {hint.number}: {hint.title}</summary>\n\n{hint.text}\n\n</details>" in folded
    assert any(c.startswith("## Follow-up questions") for c in cells)
    assert cells[-1].startswith("## Debrief") and cells[-1].rstrip().endswith("</details>")


# --- the parsers ------------------------------------------------------------------------------------------------

HINTS_MD = """# 09 · X

## Hints

An introduction.

<details><summary>Hint 1: Start small</summary>

first

```python
</details>
## not a heading
```

</details>

<details><summary>Hint 2</summary>

second

</details>

## Follow-up questions

Intro.

**1. Why?**

<details><summary>Answer</summary>

Because.

</details>

2. **How, over
   two lines?**

<details><summary>Answer</summary>

- like this
- and this

</details>

## Debrief

<details><summary>Debrief: later</summary>

All of it.

</details>
"""


def test_the_parsers_read_blocks_and_skip_code():
    first, second = readme.parse_hint_blocks(HINTS_MD)
    assert (first.number, first.title, first.collapsed) == (1, "Start small", True)
    assert first.text.startswith("first") and "</details>\n## not a heading" in first.text
    assert (second.title, second.text) == ("", "second")
    assert hints.parse_hints(HINTS_MD) == [first.text, "second"]
    assert readme.parse_follow_ups(HINTS_MD) == [
        readme.FollowUp("Why?", "Because."),
        readme.FollowUp("How, over two lines?", "- like this\n- and this"),
    ]
    assert readme.parse_debrief(HINTS_MD) == "All of it."


def test_older_hint_headings_still_read_but_not_collapsed():
    text = "## Hints\n\n### Hint 1\n\nfirst\n\n### Hint 2\n\nsecond\n\n## Next\n"
    assert [(h.text, h.collapsed) for h in readme.parse_hint_blocks(text)] == [("first", False), ("second", False)]
    # a heading above its own block adds nothing to it
    text = "## Hints\n\n### Hint 1\n\n<details><summary>Hint 1: A</summary>\n\nfirst\n\n</details>\n"
    assert readme.parse_hint_blocks(text) == [readme.Hint(1, "A", "first", True)]


@pytest.mark.parametrize(
    "section, message",
    [
        ("## Hints\n\n<details><summary>Hint 1: A</summary>\nfirst\n</details>\n", "leave a blank line after"),
        ("## Hints\n\n<details><summary>Hint 1: A</summary>\n\nfirst\n", "has no </details>"),
        ("## Hints\n\n<details>\n<summary>Hint 1</summary>\n\nx\n\n</details>\n", "on one line"),
        ("## Hints\n\n<details><summary>Hint 2: A</summary>\n\nx\n\n</details>\n", "out of order (expected Hint 1)"),
        ("## Hints\n\n<details><summary>Hint 1: A</summary>\n\n</details>\n", "Hint 1 is empty"),
        ("## Hints\n\n<details><summary>Hint 1: A</summary>\n\nx\n\n</details>\n\nloose\n", "outside its <details>"),
        ("## Hints\n\n<details><summary>Clue</summary>\n\nx\n\n</details>\n", "unexpected <details> block"),
        ("## Hints\n\n### Tip\n\nx\n", "unexpected heading '### Tip'"),
        ("## Hints\n\nnothing folded\n", "no '## Hints' section"),
        ("## Pitfalls\n\nnone\n", "no '## Hints' section"),
    ],
)
def test_malformed_hints_are_one_line_errors(section, message):
    with pytest.raises(hints.HintsError) as err:
        hints.parse_hints(section, "R.md")
    assert message in str(err.value) and "\n" not in str(err.value)


ANSWER = "<details><summary>Answer</summary>\n\nA.\n\n</details>\n\n"


@pytest.mark.parametrize(
    "section, message",
    [
        ("## Follow-up questions\n\n**Q?**\n\n", "no question under"),
        ("## Follow-up questions\n\n" + ANSWER, "follows no question"),
        ("## Follow-up questions\n\n**Q?**\n\n" + ANSWER + "**R?**\n", "question 2 ('**R?**') has no answer"),
        ("## Follow-up questions\n\n**Q?**\n\n" + ANSWER + "Note.\n\n**R?**\n\n" + ANSWER, "text between"),
        ("## Follow-up questions\n\n**Q?**\n\n<details><summary>Hint</summary>\n\nA.\n\n</details>\n", "'Answer'"),
        ("## Follow-up questions\n\n**Q?**\n\n<details><summary>Answer</summary>\n\n</details>\n", "is empty"),
        ("## Pitfalls\n\nnone\n", "no '## Follow-up questions' section"),
    ],
)
def test_malformed_follow_ups_are_one_line_errors(section, message):
    with pytest.raises(readme.ReadmeError) as err:
        readme.parse_follow_ups(section, "R.md")
    assert message in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    "section, message",
    [
        ("## Debrief\n\nIn plain sight.\n", "outside the debrief's <details> block"),
        ("## Debrief\n\n<details><summary>Debrief</summary>\n\n</details>\n", "the debrief is empty"),
        ("## Debrief\n\n" + "<details><summary>D</summary>\n\nx\n\n</details>\n\n" * 2, "2 <details> blocks"),
        ("## Debrief\n\n<details><summary>D</summary>\n\n<details><summary>E</summary>\n\n", "inside another"),
        ("## Pitfalls\n\nnone\n", "no '## Debrief' section"),
    ],
)
def test_malformed_debriefs_are_one_line_errors(section, message):
    with pytest.raises(readme.ReadmeError) as err:
        readme.parse_debrief(section, "R.md")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_missing_readme_is_a_readme_error(tmp_path):
    with pytest.raises(readme.ReadmeError, match="cannot read"):
        readme.follow_ups(KATAS[0], tmp_path)


# --- dev check: one line per problem ----------------------------------------------------------------------------

ROI = "exercises/04_roi_align/README.md"


def _unfold_hint(text: str, n: int) -> str:
    """Hint n written the older way: a ### heading and its text in plain sight."""
    return re.sub(
        rf"<details><summary>Hint {n}: [^<]*</summary>\n\n(.*?)\n\n</details>",
        lambda m: f"### Hint {n}\n\n{m.group(1)}",
        text,
        count=1,
        flags=re.DOTALL,
    )


def _drop_follow_up(text: str) -> str:
    section = text.index("## Follow-up questions")
    start = text.index("**3. ", section)
    end = text.index("</details>\n", start) + len("</details>\n")
    return text[:start] + text[end:]


README_BREAKAGES = {
    "hint-not-collapsed": (
        lambda t: _unfold_hint(t, 2),
        [
            "Hint 2 is in plain sight: fold each into <details><summary>Hint N: a short title</summary>, a blank "
            "line, the hint, </details>"
        ],
    ),
    "hints-not-collapsed": (
        lambda t: _unfold_hint(_unfold_hint(_unfold_hint(t, 1), 2), 3),
        [
            "Hints 1, 2, 3 are in plain sight: fold each into <details><summary>Hint N: a short title</summary>, a "
            "blank line, the hint, </details>"
        ],
    ),
    "hint-without-title": (
        lambda t: t.replace("<summary>Hint 1: Many points at once</summary>", "<summary>Hint 1</summary>"),
        ["Hint 1 has no short title: write <summary>Hint N: a short title</summary>"],
    ),
    "two-follow-ups": (
        _drop_follow_up,
        [
            "2 follow-up questions: write 3, each a paragraph followed by its answer in "
            "<details><summary>Answer</summary> ... </details>"
        ],
    ),
    "follow-up-answer-shown": (
        lambda t: t.replace("<details><summary>Answer</summary>\n\n", "", 1),
        ["</details> without <details> under ## Follow-up questions: fix the follow-up questions"],
    ),
    "debrief-shown": (
        lambda t: t.replace("<details><summary>Debrief: read it after your first full pass</summary>\n", ""),
        ["</details> without <details> under ## Debrief: fix the debrief"],
    ),
    "no-debrief": (
        lambda t: t[: t.index("## Debrief")],
        ["no section ## Debrief: add it"],
    ),
}


@pytest.fixture
def roi_copy(tmp_path) -> Path:
    kata = registry.find("roi_align")
    path = kata.readme_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(text_of(kata), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("name", README_BREAKAGES)
def test_each_readme_problem_is_one_line(name, roi_copy):
    kata = registry.find("roi_align")
    path = kata.readme_path(roi_copy)
    breakage, expected = README_BREAKAGES[name]
    path.write_text(breakage(path.read_text(encoding="utf-8")), encoding="utf-8")
    lines = [
        str(check.Problem(kata.label, check._rel(roi_copy, p), what))
        for p, what in check.check_readme(roi_copy, kata, KATAS)
    ]
    assert lines == [f"04 roi_align: {ROI}: {what}" for what in expected]
