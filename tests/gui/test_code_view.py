"""The JSON highlighter: which tokens get which colour, in light and dark schemes."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from oktatool.gui.colour_scheme import apply_color_scheme
from oktatool.gui.widgets.code_view import CodeView
from oktatool.gui.widgets.tones import JSON as COLOURS


def colours_at(view: CodeView, line: int) -> dict[int, str]:
    block = view.document().findBlockByNumber(line)
    return {r.start: r.format.foreground().color().name() for r in block.layout().formats()}


def test_keys_strings_numbers_and_literals_are_coloured(qtbot: Any) -> None:
    view = CodeView()
    qtbot.addWidget(view)
    view.setPlainText('{\n  "kty": "EC",\n  "n": 12,\n  "ok": true\n}')
    line1 = colours_at(view, 1)
    assert line1[2] == COLOURS["key"][0]  # "kty" as a key
    assert line1[9] == COLOURS["string"][0]  # "EC" as a string value
    assert colours_at(view, 2)[7] == COLOURS["number"][0]
    assert colours_at(view, 3)[8] == COLOURS["literal"][0]


def test_pem_armour_is_dimmed(qtbot: Any) -> None:
    view = CodeView()
    qtbot.addWidget(view)
    view.setPlainText("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----")
    assert colours_at(view, 0)[0] == COLOURS["pem"][0]
    assert colours_at(view, 1) == {}


def test_dark_scheme_switches_the_colours(qtbot: Any, qapp: QApplication) -> None:
    view = CodeView()
    qtbot.addWidget(view)
    view.setPlainText('{"kty": "EC"}')
    before = qapp.palette()
    try:
        apply_color_scheme("dark")
        qtbot.waitUntil(lambda: colours_at(view, 0).get(1) == COLOURS["key"][1], timeout=2000)
    finally:
        qapp.setPalette(before)
        apply_color_scheme("system")
    assert QColor(COLOURS["key"][1]).lightness() > QColor(COLOURS["key"][0]).lightness()


def test_an_empty_view_makes_its_highlighter_with_the_first_text(qtbot: Any) -> None:
    view = CodeView()
    qtbot.addWidget(view)
    view.setPlainText("")
    assert view._highlighter is None  # nothing to colour: start-up's empty views skip its cost
    view.setPlainText('{"kty": "EC"}')
    assert view._highlighter is not None and colours_at(view, 0)[1] == COLOURS["key"][0]


def test_base64_in_a_pem_body_is_not_taken_for_numbers_or_literals(qtbot: Any) -> None:
    view = CodeView()
    qtbot.addWidget(view)
    view.setPlainText("-----BEGIN PRIVATE KEY-----\n1/0szQTjGmtxy+true/Br12+null=\n-----END PRIVATE KEY-----")
    assert colours_at(view, 1) == {}
    view.setPlainText('[1, -2.5e3, true, null, {"a": false}]')
    line = colours_at(view, 0)
    assert line[1] == COLOURS["number"][0] and line[4] == COLOURS["number"][0]
    assert line[12] == COLOURS["literal"][0] and line[18] == COLOURS["literal"][0]
    assert line[30] == COLOURS["literal"][0]


def test_digits_and_words_inside_a_string_keep_the_string_colour(qtbot: Any) -> None:
    view = CodeView()
    qtbot.addWidget(view)
    text = '{"created": "2025-01-06T09:00:00.000Z", "note": "true or null 42", "n": 42}'
    view.setPlainText(text)
    line = colours_at(view, 0)
    string_colour = COLOURS["string"][0]
    for value in ('"2025-01-06T09:00:00.000Z"', '"true or null 42"'):
        start = text.index(value)
        inside = {at: colour for at, colour in line.items() if start <= at < start + len(value)}
        assert inside == {start: string_colour}, value
    assert line[text.rindex("42")] == COLOURS["number"][0]  # the bare 42 is a number


def test_a_long_text_goes_in_a_piece_per_turn_and_all_of_it_arrives_coloured(qtbot: Any) -> None:
    import json

    from oktatool.gui.widgets.code_view import PIECE

    view = CodeView()
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    text = json.dumps([{"id": f"00u{i:05d}", "active": True, "n": i} for i in range(3000)], indent=2)
    assert len(text) > 20 * PIECE
    view.setPlainText(text)
    assert len(view.document().toPlainText()) < len(text) and not view.is_complete()  # the first piece only
    assert view.toPlainText() == text  # a copy is the whole text even now
    view.setPlainText(text[::-1][:3 * PIECE] + "\n" + text)  # a new text while one goes in replaces it
    qtbot.waitUntil(view.is_complete, timeout=60_000)
    assert view.document().toPlainText() == view.toPlainText() == text[::-1][:3 * PIECE] + "\n" + text
    last = view.document().blockCount() - 3  # a line of the last piece is coloured as the first's are
    assert view.document().findBlockByNumber(last).text().strip() == '"n": 2999'
    assert colours_at(view, last)[4] == COLOURS["key"][0]
    assert view.verticalScrollBar().value() == 0  # the view stayed at the top while the pieces went in
    view.clear()
    assert view.toPlainText() == "" and view.is_complete()


def test_a_long_line_is_laid_out_in_pieces_and_copied_whole(qtbot: Any) -> None:
    from PySide6.QtGui import QTextCursor

    from oktatool.gui.widgets.code_view import LONG_LINE

    view = CodeView()
    qtbot.addWidget(view)
    line = '{"error":"invalid_client","error_description":"' + "Client authentication failed. 😀 " * 400 + '"}'
    text = "first\n" + line + "\nlast"
    assert len(line) > 3 * LONG_LINE
    view.setPlainText(text)
    qtbot.waitUntil(view.is_complete, timeout=60_000)
    blocks = [view.document().findBlockByNumber(n).text() for n in range(view.document().blockCount())]
    assert len(blocks) == 2 + -(-len(line) // LONG_LINE) and max(map(len, blocks)) <= LONG_LINE  # Qt lays out less
    assert "".join(blocks[1:-1]) == line
    assert view.toPlainText() == text
    view.selectAll()
    assert view.createMimeDataFromSelection().text() == text  # Ctrl+C gives the line as it came

    def position(index: int) -> int:  # of line[index] in the document: UTF-16 units and one break per piece
        return len("first\n") + len(line[:index].encode("utf-16-le")) // 2 + index // LONG_LINE

    cursor = view.textCursor()  # from inside the first piece to inside the third
    cursor.setPosition(position(20))
    cursor.setPosition(position(2 * LONG_LINE + 30), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    assert view.createMimeDataFromSelection().text() == line[20:2 * LONG_LINE + 30]
