"""Line tracking of the YAML and front-matter reader that protocol content is read with."""

from openipt.core.content import LocDict, LocList, load_markdown, parse_yaml


def load_yaml(text, file):
    document, problems = parse_yaml(text, file)
    return document.data, problems


def test_every_key_and_list_item_keeps_its_line():
    # given a small YAML document
    text = "kind: formats\nitems:\n  - id: a\n    name: A\n  - id: b\n"
    # when it is loaded
    data, problems = load_yaml(text, "f.yaml")
    # then keys and items carry 1-based lines from that file
    assert problems == []
    assert isinstance(data, LocDict) and isinstance(data["items"], LocList)
    assert data.loc_of("items").line == 2
    assert [loc.line for loc in data["items"].item_locs] == [3, 5]
    assert data["items"][0].loc_of("name").line == 4
    assert data["items"][0].loc_of("name").file == "f.yaml"


def test_duplicate_key_is_reported_at_the_second_occurrence():
    data, problems = load_yaml("id: a\nname: x\nname: y\n", "d.yaml")
    assert [(p.line, "duplicate key 'name'" in p.message) for p in problems] == [(3, True)]


def test_yaml_syntax_error_names_file_and_line():
    data, problems = load_yaml("items:\n  - id: a\n    name: [unclosed\n", "bad.yaml")
    assert data is None
    assert len(problems) == 1 and problems[0].file == "bad.yaml" and problems[0].line >= 3
    assert "not valid YAML" in problems[0].message


def test_front_matter_lines_count_from_the_top_of_the_markdown_file():
    # given a topic whose 'title' is on line 3 of the file
    text = "---\nid: x\ntitle: Hello\n---\nBody text.\n"
    doc, problems = load_markdown(text, "t.md")
    assert problems == []
    assert doc.meta.loc_of("title").line == 3
    assert doc.body == "Body text.\n"


def test_markdown_without_front_matter_is_refused():
    doc, problems = load_markdown("# Just a title\n", "t.md")
    assert doc is None and problems[0].line == 1
    doc, problems = load_markdown("---\nid: x\nno closing line\n", "t.md")
    assert doc is None and "closing" in problems[0].message
