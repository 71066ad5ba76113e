"""Extract the interface's messages into content/locale/w4r.pot and bring each catalog up to date.

    .venv/bin/python scripts/messages.py            # write w4r.pot, update fr.po, es.po, pl.po, de.po
    .venv/bin/python scripts/messages.py --check    # exit 1 listing messages a catalog lacks

Messages are the English texts in `_("…")` and `N_("…")` calls of app.py, pages/ and w4r/
(the disclaimer is added by name); counted messages are the singular and plural of
`_n("…", "…", n)` and `i18n.ngettext(lang, "…", "…", n)`. A new message lands in each .po with
an empty translation, which the app shows in English until a translator fills it in; each .po
gets its language's Plural-Forms header (i18n.PLURAL_FORMS), and a counted message needs every
form the header names (Polish: three).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from w4r import DISCLAIMER, i18n  # noqa: E402

SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")),
           *sorted((ROOT / "w4r").rglob("*.py"))]
KEYWORDS = {"_": None, "N_": None, "_n": (1, 2), "ngettext": (2, 3)}


def template() -> Catalog:
    """Every message of the interface, with where it is used."""
    catalog = Catalog(project="w4r", charset="utf-8")
    for path in SOURCES:
        for line, message, _comments, _context in extract_from_file(
                "python", str(path), keywords=KEYWORDS):
            if (isinstance(message, str) and message) or (
                    isinstance(message, tuple) and all(message)):
                catalog.add(message, locations=[(str(path.relative_to(ROOT)), line)])
    catalog.add(DISCLAIMER, locations=[("w4r/__init__.py", 1)])
    return catalog


def catalog_path(lang: str) -> Path:
    return i18n.locale_dir() / f"{lang}.po"


def translated(po: Catalog, msgid: str | tuple[str, ...]) -> bool:
    """Whether a catalog translates a message: not fuzzy (the app does not show a fuzzy
    translation) and, for a counted message, every form its Plural-Forms header names."""
    found = po.get(msgid)
    if not found or found.fuzzy or not found.string:
        return False
    if isinstance(msgid, tuple):
        forms = found.string if isinstance(found.string, tuple) else (found.string,)
        return len(forms) >= po.num_plurals and all(forms[:po.num_plurals])
    return True


def missing(lang: str, pot: Catalog) -> list[str | tuple[str, ...]]:
    """The template's messages a language's catalog does not translate (fully)."""
    path = catalog_path(lang)
    if not path.exists():
        return [m.id for m in pot if m.id]
    with path.open("rb") as handle:
        po = read_po(handle, locale=lang)
    return [m.id for m in pot if m.id and not translated(po, m.id)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    pot = template()
    if args.check:
        problems = [f"{lang}.po: {message!r}: no translation"
                    + (" of every plural form" if isinstance(message, tuple) else "")
                    for lang in i18n.LANGUAGES if lang != i18n.DEFAULT
                    for message in missing(lang, pot)]
        print("\n".join(problems) or f"{len(pot)} messages, every catalog complete")
        return 1 if problems else 0
    folder = i18n.locale_dir()
    with (folder / i18n.TEMPLATE).open("wb") as handle:
        write_po(handle, pot, width=100, omit_header=False, include_lineno=False)
    for lang in i18n.LANGUAGES:
        if lang == i18n.DEFAULT:
            continue
        path = catalog_path(lang)
        if path.exists():
            with path.open("rb") as handle:
                po = read_po(handle, locale=lang)
        else:
            po = Catalog(locale=lang, project="w4r", charset="utf-8")
        if lang in i18n.PLURAL_FORMS:
            po.mime_headers = [("Plural-Forms", i18n.PLURAL_FORMS[lang])]
        po.update(pot, no_fuzzy_matching=True, update_header_comment=False)  # no guesses
        with path.open("wb") as handle:
            write_po(handle, po, width=100, ignore_obsolete=True, include_lineno=False)
        print(f"{path.relative_to(ROOT)}: {len(missing(lang, pot))} of {len(pot)} to translate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
