"""The getting-started guide leads a new user to every other guide, and promises nothing shipped."""

import re
from pathlib import Path

GUIDES = Path(__file__).resolve().parents[2] / "docs" / "guides"


def test_getting_started_links_every_guide_and_promises_no_shipped_feature():
    text = (GUIDES / "getting-started.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([a-z-]+\.md)\)", text))
    others = {p.name for p in GUIDES.glob("*.md")} - {"getting-started.md"}
    assert others <= linked, f"guides not linked: {sorted(others - linked)}"
    assert not re.search(r"later releases? (will )?add", text, re.IGNORECASE)


def test_every_picture_the_readme_and_the_guides_show_exists_and_today_and_the_week_are_shown():
    root = GUIDES.parents[1]
    named = {}
    for page in [root / "README.md", *GUIDES.glob("*.md")]:
        text = page.read_text(encoding="utf-8")
        for link in re.findall(r'(?:\]\(|src=")([^)"]+\.png)', text):
            named[(page.name, link)] = (page.parent / link).resolve()
    missing = sorted(f"{page}: {link}" for (page, link), path in named.items() if not path.is_file())
    assert missing == [], missing
    shown = {(page, path.name) for (page, _link), path in named.items()}
    for picture in ("today.png", "week.png", "week-day-phone.png"):
        assert ("README.md", picture) in shown and ("today.md", picture) in shown, picture
    assert ("today.md", "today-phone.png") in shown and ("today.md", "settings-working-hours.png") in shown
