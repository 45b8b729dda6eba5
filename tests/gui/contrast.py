"""WCAG contrast as the window draws it: text against the background it sits on, indicators, focus rings.

``contrast_problems(widget)`` reads each visible text's colour where the app decides it (the palette the
style sheet resolves to, an item's foreground, the selected row's text, the rich-text colours a label is given)
and the background from the window's own pixels under that text, so frames, styled boxes and selected rows
count as drawn. ``focus_draws(widget)`` says whether keyboard focus changes the widget's pixels by 3:1.
"""

from __future__ import annotations

import re
from collections import Counter

from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QTabBar,
    QTextEdit,
    QWidget,
)

#: WCAG 2.2 1.4.3 (text) and 1.4.11 (a control's parts, focus rings)
TEXT_RATIO, LARGE_TEXT_RATIO, PART_RATIO = 4.5, 3.0, 3.0
#: a colour a rich-text label or document sets: style="color: …", <font color=…>
_RICH_COLOUR = re.compile(r"(?:[\s;\"']color\s*:\s*|<font[^>]*\scolor\s*=\s*[\"']?)(#[0-9a-fA-F]{3,8}|[a-zA-Z]+)")

_BOLD_SHEET = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)")


def luminance(colour: QColor) -> float:
    """Return WCAG's relative luminance of ``colour``."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def ratio(one: QColor, other: QColor) -> float:
    """Return WCAG's contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def needed(font: QFont, bold: bool = False) -> float:
    """Return the ratio text in ``font`` needs: 3:1 when large (18 pt, or bold 14 pt), else 4.5:1."""
    points = font.pointSizeF() if font.pointSizeF() > 0 else font.pixelSize() * 0.75
    bold = bold or font.weight() >= QFont.Weight.DemiBold
    return LARGE_TEXT_RATIO if points >= 18 or (bold and points >= 14) else TEXT_RATIO


def _background(image: QImage, area: QRect) -> QColor:
    """Return the most common colour of ``image`` inside ``area`` (the text is the minority of its pixels)."""
    area = area.intersected(image.rect())
    counts: Counter[int] = Counter()
    step = max(1, area.width() * area.height() // 4000)
    for y in range(area.top(), area.bottom() + 1):
        for x in range(area.left(), area.right() + 1, step):
            counts[image.pixel(x, y)] += 1
    return QColor.fromRgb(counts.most_common(1)[0][0]) if counts else QColor()


def _name(widget: QWidget) -> str:
    text = widget.objectName() or widget.accessibleName() or _text(widget)[:40]
    return f"{type(widget).__name__}({text!r})"


def _text(widget: QWidget) -> str:
    if isinstance(widget, QLabel | QAbstractButton):
        return widget.text()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QGroupBox):
        return widget.title()
    return ""


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0 and not widget.visibleRegion().isEmpty()


def _rich_colours(text: str) -> list[QColor]:
    return [QColor(found) for found in _RICH_COLOUR.findall(text) if QColor(found).isValid()]


def _text_colours(widget: QWidget) -> list[QColor]:
    """Return the colours the widget's text is drawn in (palette resolved from any style sheet, rich text)."""
    widget.ensurePolished()
    palette = widget.palette()
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox) or (
            isinstance(widget, QComboBox) and widget.isEditable()):
        colours = [palette.color(QPalette.ColorRole.Text)]
    elif isinstance(widget, QComboBox) or (isinstance(widget, QAbstractButton)
                                           and not isinstance(widget, QCheckBox | QRadioButton)):
        colours = [palette.color(QPalette.ColorRole.ButtonText)]
    else:
        colours = [palette.color(widget.foregroundRole())]
    if isinstance(widget, QLabel) and widget.textFormat() != Qt.TextFormat.PlainText:
        colours += _rich_colours(widget.text())
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        document = widget.document()
        block = document.begin()
        for _ in range(200):  # the first screenful is enough: the colours repeat
            if not block.isValid():
                break
            layout = block.layout()
            for fmt in (layout.formats() if layout is not None else []):
                if fmt.format.hasProperty(fmt.format.Property.ForegroundBrush):
                    colours.append(fmt.format.foreground().color())
            block = block.next()
    return colours


def _text_area(widget: QWidget) -> QRect:
    """Return where the widget's text sits, in its own coordinates (a button's face, an editor's viewport)."""
    if isinstance(widget, QPlainTextEdit | QTextEdit | QAbstractItemView):
        viewport = widget.viewport()
        return QRect(viewport.mapTo(widget, QPoint(0, 0)), viewport.size())
    if isinstance(widget, QCheckBox | QRadioButton):
        option = QStyleOptionButton()
        option.initFrom(widget)
        element = (QStyle.SubElement.SE_CheckBoxContents if isinstance(widget, QCheckBox)
                   else QStyle.SubElement.SE_RadioButtonContents)
        return widget.style().subElementRect(element, option, widget)
    return widget.rect().adjusted(2, 2, -2, -2) if widget.width() > 6 and widget.height() > 6 else widget.rect()


def _view_problems(view: QAbstractItemView, image: QImage, origin: QPoint) -> list[str]:
    """Check the shown rows of an item view: each cell's foreground on its drawn background, selected rows too."""
    model = view.model()
    if model is None:
        return []
    problems = []
    palette = view.palette()
    viewport = view.viewport()
    offset = origin + viewport.mapTo(view, QPoint(0, 0))
    shown = viewport.visibleRegion().boundingRect()
    selection = view.selectionModel()
    try:
        columns = model.columnCount(view.rootIndex())
    except TypeError:  # a list's model keeps columnCount private: one column
        columns = 1
    for row in range(min(model.rowCount(view.rootIndex()), 400)):
        for column in range(columns):
            index = model.index(row, column, view.rootIndex())
            rect = view.visualRect(index).intersected(shown)
            if rect.height() < 4 or rect.width() < 4 or not str(index.data() or "").strip():
                continue
            if view.indexWidget(index) is not None:
                continue  # a widget of its own: walked on its own
            if index.data(Qt.ItemDataRole.CheckStateRole) is not None:
                problem = _cell_check_problem(view, index, rect, image, offset)
                if problem:
                    problems.append(problem)
            selected = selection is not None and selection.isSelected(index)
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            colour = palette.color(role)
            brush = index.data(Qt.ItemDataRole.ForegroundRole)
            if brush is not None and not selected:
                colour = brush.color() if hasattr(brush, "color") else QColor(brush)
            background = _background(image, rect.translated(offset).adjusted(1, 1, -1, -1))
            font = index.data(Qt.ItemDataRole.FontRole) or view.font()
            got = ratio(colour, background)
            if got < needed(font):
                where = "selected row" if selected else "row"
                problems.append(f"{_name(view)} {where} {row} {index.data()!r:.40}: {colour.name()} on "
                                f"{background.name()} is {got:.2f}:1")
    return problems


def _indicator_problem(widget: QCheckBox | QRadioButton, image: QImage, origin: QPoint) -> str | None:
    """Say whether the check box's or radio button's indicator outline is under 3:1 against what is around it."""
    option = QStyleOptionButton()
    option.initFrom(widget)
    element = (QStyle.SubElement.SE_CheckBoxIndicator if isinstance(widget, QCheckBox)
               else QStyle.SubElement.SE_RadioButtonIndicator)
    box = widget.style().subElementRect(element, option, widget).translated(origin)
    around = _background(image, widget.rect().translated(origin))
    return None if _outlined(image, box, around) else f"{_name(widget)} indicator: its outline is under 3:1 " \
                                                       f"against {around.name()}"


def _cell_check_problem(view: QAbstractItemView, index: QModelIndex, cell: QRect, image: QImage,
                        offset: QPoint) -> str | None:
    """Say whether an item's check box (a checkable cell) is outlined under 3:1 against its row."""
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = view.visualRect(index)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view)
    if not cell.contains(box):
        return None  # scrolled partly out of view
    around = _background(image, cell.translated(offset))
    box = box.translated(offset)
    return None if _outlined(image, box, around) else f"{_name(view)} row {index.row()} check box: its outline " \
                                                       f"is under 3:1 against {around.name()}"


def _outlined(image: QImage, box: QRect, around: QColor) -> bool:
    """Return True when the indicator in ``box`` has an outline at 3:1 against ``around`` all round."""
    inner = box.adjusted(2, 2, -2, -2)  # the outline is drawn in the outer two pixels; the mark inside
    outline = 0
    for y in range(box.top(), box.bottom() + 1):
        for x in range(box.left(), box.right() + 1):
            if not inner.contains(x, y) and ratio(QColor.fromRgb(image.pixel(x, y)), around) >= PART_RATIO:
                outline += 1
    return outline >= 3 * box.width() // 2  # enough for a box or a circle all round


def contrast_problems(widget: QWidget) -> list[str]:
    """Return a line per visible text or indicator under its WCAG contrast ratio in ``widget`` and below it."""
    top = widget.window()
    image = top.grab().toImage()
    ratio_of = top.devicePixelRatioF()
    if ratio_of != 1:
        image = image.scaled(top.size())
    problems: list[str] = []
    for child in [widget, *widget.findChildren(QWidget)]:
        if not _shown(child) or not child.isEnabled() or child.window() is not top:
            continue
        origin = child.mapTo(top, QPoint(0, 0))
        if isinstance(child, QAbstractItemView):
            problems += _view_problems(child, image, origin)
            continue
        if isinstance(child, QCheckBox | QRadioButton):
            problem = _indicator_problem(child, image, origin)
            if problem:
                problems.append(problem)
        if isinstance(child, QTabBar):
            continue  # drawn by the style from the palette; its own check would need the tab's shape
        if not _text(child).strip():
            continue
        background = _background(image, _text_area(child).translated(origin))
        bold = bool(_BOLD_SHEET.search(child.styleSheet()))
        for colour in _text_colours(child):
            got = ratio(colour, background)
            if got < needed(child.font(), bold=bold):
                problems.append(f"{_name(child)}: {colour.name()} on {background.name()} is {got:.2f}:1")
    return problems


def focus_draws(widget: QWidget) -> bool:
    """Return True when keyboard focus changes the widget's pixels, some of them by 3:1 or more."""
    QApplication.processEvents()
    widget.clearFocus()
    QApplication.processEvents()
    before = widget.grab().toImage()
    # focus by keyboard, as Qt knows it (it draws focus only then): a shortcut's focus, with no key sent
    widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
    QApplication.processEvents()
    after = widget.grab().toImage()
    widget.clearFocus()
    if before.size() != after.size():
        return True
    changed = 0
    for y in range(before.height()):
        for x in range(before.width()):
            one, other = before.pixel(x, y), after.pixel(x, y)
            if one != other and ratio(QColor.fromRgb(one), QColor.fromRgb(other)) >= PART_RATIO:
                changed += 1
    return changed >= min(before.width(), 2 * before.height())
