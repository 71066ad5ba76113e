"""Kept letters (w4r/kept.py): counting once, keeping text and first names only when asked."""

from __future__ import annotations

import json

import pytest

from w4r import db as w4r_db, kept, letters, sessions, tally


def draft(case_id="jani-silva", kind="solidarity", **parts):
    values = {"greeting": "Dear Jani,", "message": "We stand with you.",
              "closing": "In solidarity,", "name": "Zoë Martínez"} | parts
    return letters.Draft(case_id, kind, **values)


@pytest.fixture
def keeping(db):
    """A session that keeps letter text and shows first names."""
    return sessions.create(db, "Class 7B", code="KEEP", keep_text=True, show_names=True)


@pytest.fixture
def plain(db):
    """A session that only counts (the default privacy settings)."""
    return sessions.create(db, "Stand", kind="event", code="PLAIN")


def letter_rows(db, code=None):
    sql = "select submission_id, parts from letters"
    return db.execute(sql + (" where session_code = ?" if code else ""),
                      [code] if code else []).fetchall()


def first_names(db, code):
    return [row[0] for row in db.execute("select first_name from actions where session_code = ? "
                                         "order by rowid", [code])]


# --- count ---------------------------------------------------------------------------------

def test_count_counts_once(db, keeping):
    letter = draft()
    assert kept.count(db, keeping, letter) is True
    assert kept.count(db, keeping, letter) is False
    assert tally.totals(db, keeping).total == 1
    assert len(letter_rows(db, "KEEP")) == 1


def test_count_keeps_the_text_when_the_session_keeps_it(db, keeping):
    letter = draft(message="Line one\nLine two — ñ")
    kept.count(db, keeping, letter, lang="es")
    [stored] = kept.listing(db, "KEEP")
    assert stored.submission_id == letter.submission_id
    assert (stored.session_code, stored.case_id, stored.kind, stored.lang) == \
        ("KEEP", "jani-silva", "solidarity", "es")
    assert stored.parts["message"] == "Line one\nLine two — ñ"
    assert stored.parts["name"] == "Zoë Martínez"
    assert set(stored.parts) == set(letters.FIELDS)
    assert stored.status == "new" and stored.hidden is False and stored.kept_at
    again = stored.draft()
    assert again.submission_id == letter.submission_id and again.message == letter.message


def every_row(db) -> str:
    """Every row of every table, as text (what a dump of the database would show)."""
    if w4r_db.is_postgres(db):
        tables = [r[0] for r in db.execute("select tablename from pg_tables "
                                           "where schemaname = current_schema()")]
    else:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type = 'table'")]
    return "\n".join(str(row) for table in tables
                     for row in db.execute(f"select * from {table}").fetchall())


def test_count_does_not_keep_text_nor_names_by_default(db, plain):
    letter = draft(message="A secret message")
    assert kept.count(db, plain, letter) is True
    assert letter_rows(db) == []
    assert first_names(db, "PLAIN") == [None]
    assert tally.latest(db, "PLAIN")[0].first_name == ""
    # nothing of the text is anywhere in the database
    dump = every_row(db)
    assert "A secret message" not in dump and "Zoë" not in dump


def test_first_name_only_with_show_names_and_only_the_first_word(db):
    names_only = sessions.create(db, "Names", code="NAMES", show_names=True)
    text_only = sessions.create(db, "Text", code="TEXT", keep_text=True)
    kept.count(db, names_only, draft(name="  Zoë   Martínez Ruiz "))
    kept.count(db, text_only, draft(name="Ana Lopez"))
    assert first_names(db, "NAMES") == ["Zoë"]
    assert letter_rows(db, "NAMES") == []
    assert first_names(db, "TEXT") == [None]
    assert len(letter_rows(db, "TEXT")) == 1


def test_first_name_is_cut_to_30_characters_and_empty_name_stores_none(db, keeping):
    kept.count(db, keeping, draft(name="A" * 50 + " B"))
    kept.count(db, keeping, draft(name="   "))
    assert first_names(db, "KEEP") == ["A" * 30, None]


def test_count_and_keep_are_one_transaction(db, keeping):
    """If keeping the text fails, the letter is not counted either (and a retry works)."""
    postgres = w4r_db.is_postgres(db)
    if postgres:
        db.execute("create function no_letters() returns trigger language plpgsql as "
                   "$$ begin raise exception 'disk says no'; end $$")
        db.execute("create trigger no_letters before insert on letters for each row "
                   "execute function no_letters()")
    else:
        db.execute("create trigger no_letters before insert on letters "
                   "begin select raise(abort, 'disk says no'); end")
    letter = draft()
    try:
        with pytest.raises(w4r_db.STORAGE_ERRORS, match="disk says no"):
            kept.count(db, keeping, letter)
        assert not tally.is_counted(db, letter.submission_id)
        assert tally.totals(db, keeping).total == 0
    finally:
        db.execute("drop trigger no_letters on letters" if postgres else "drop trigger no_letters")
        if postgres:
            db.execute("drop function no_letters")
    assert kept.count(db, keeping, letter) is True
    assert tally.totals(db, keeping).total == 1
    assert len(letter_rows(db, "KEEP")) == 1


def test_count_in_an_unknown_session_is_refused_and_keeps_nothing(db):
    ghost = sessions.Session(code="GHOST", name="Ghost", keep_text=True)
    with pytest.raises(ValueError):
        kept.count(db, ghost, draft())
    assert letter_rows(db) == []


def test_count_is_seen_from_another_connection(tmp_path):
    path = tmp_path / "shared.db"
    first = w4r_db.connect(path)
    session = sessions.create(first, "Class", code="SHARE", keep_text=True)
    kept.count(first, session, draft())
    second = w4r_db.connect(path)
    assert len(kept.listing(second, "SHARE")) == 1
    assert tally.totals(second, session).total == 1
    first.conn.close()
    second.conn.close()


# --- listing, status, hide, delete -----------------------------------------------------------

@pytest.fixture
def three(db, keeping):
    """Three kept letters: two for jani-silva, one for yecenia-armenta."""
    made = [draft("jani-silva", message="one"), draft("jani-silva", "appeal", message="two"),
            draft("yecenia-armenta", "appeal", message="three")]
    for letter in made:
        kept.count(db, keeping, letter)
    return [letter.submission_id for letter in made]


def test_listing_by_case_and_hidden(db, keeping, three):
    assert {k.submission_id for k in kept.listing(db, "KEEP")} == set(three)
    assert [k.parts["message"] for k in kept.listing(db, "KEEP", case_id="yecenia-armenta")] \
        == ["three"]
    assert len(kept.listing(db, "KEEP", case_id="jani-silva")) == 2
    assert kept.listing(db, "KEEP", case_id="no-such-case") == []
    assert kept.hide(db, "KEEP", three[0]) is True
    assert {k.submission_id for k in kept.listing(db, "KEEP")} == set(three[1:])
    with_hidden = kept.listing(db, "KEEP", hidden=True)
    assert {k.submission_id for k in with_hidden} == set(three)
    assert [k.hidden for k in with_hidden if k.submission_id == three[0]] == [True]
    assert len(kept.listing(db, "KEEP", hidden=True, case_id="jani-silva")) == 2
    assert kept.listing(db, "CLASS") == []


def test_hide_and_show_again(db, keeping, three):
    assert kept.hide(db, "KEEP", three[1]) is True
    assert three[1] not in [k.submission_id for k in kept.listing(db, "KEEP")]
    assert kept.hide(db, "KEEP", three[1], hidden=False) is True
    assert three[1] in [k.submission_id for k in kept.listing(db, "KEEP")]
    assert kept.hide(db, "KEEP", "no-such-id") is False
    assert kept.hide(db, "CLASS", three[1]) is False  # another session's letter


def test_status_counts(db, keeping, three):
    assert kept.status_counts(db, "KEEP") == {"new": 3, "printed": 0, "sent": 0, "hidden": 0}
    assert kept.mark(db, "KEEP", three[:2], "printed") == 2
    assert kept.mark(db, "KEEP", [three[0]], "sent") == 1
    kept.hide(db, "KEEP", three[2])
    assert kept.status_counts(db, "KEEP") == {"new": 0, "printed": 1, "sent": 1, "hidden": 1}
    assert kept.status_counts(db, "CLASS") == {"new": 0, "printed": 0, "sent": 0, "hidden": 0}


def test_mark(db, keeping, three):
    assert kept.mark(db, "KEEP", [three[0], "no-such-id"], "printed") == 1
    assert kept.mark(db, "CLASS", three, "sent") == 0  # not that session's letters
    statuses = {k.submission_id: k.status for k in kept.listing(db, "KEEP")}
    assert statuses == {three[0]: "printed", three[1]: "new", three[2]: "new"}
    assert kept.mark(db, "KEEP", [three[0]], "new") == 1
    assert kept.mark(db, "KEEP", [], "sent") == 0


@pytest.mark.parametrize("status", ["lost", "", "PRINTED", "hidden"])
def test_mark_refuses_a_bad_status(db, keeping, three, status):
    with pytest.raises(ValueError, match="status"):
        kept.mark(db, "KEEP", three, status)
    assert {k.status for k in kept.listing(db, "KEEP")} == {"new"}


def test_delete_one_keeps_the_count(db, keeping, three):
    assert kept.delete(db, "KEEP", three[0]) is True
    assert kept.delete(db, "KEEP", three[0]) is False
    assert kept.delete(db, "CLASS", three[1]) is False
    assert len(kept.listing(db, "KEEP", hidden=True)) == 2
    assert tally.totals(db, keeping).total == 3
    assert tally.is_counted(db, three[0])


def test_delete_all_keeps_the_counts_and_clears_first_names(db, keeping, three):
    other = sessions.create(db, "Other", code="OTHER", keep_text=True, show_names=True)
    kept.count(db, other, draft(name="Ana"))
    assert first_names(db, "KEEP") == ["Zoë"] * 3
    assert kept.delete_all(db, "KEEP") == 3
    assert kept.listing(db, "KEEP", hidden=True) == []
    assert tally.totals(db, keeping).total == 3
    assert first_names(db, "KEEP") == [None] * 3
    assert [r.first_name for r in tally.latest(db, "KEEP")] == [""] * 3
    # another session is untouched
    assert len(kept.listing(db, "OTHER")) == 1 and first_names(db, "OTHER") == ["Ana"]
    assert kept.delete_all(db, "KEEP") == 0


# --- export and import -----------------------------------------------------------------------

def test_for_export_holds_every_letter_with_its_text(db, keeping, three):
    kept.mark(db, "KEEP", [three[1]], "printed")
    items = kept.for_export(db, "KEEP")
    assert {i["submission_id"] for i in items} == set(three)
    assert all(set(i) == {"submission_id", "session_code", "case_id", "kind", "lang", "parts",
                          "status", "hidden", "kept_at"} for i in items)
    assert {i["submission_id"]: i["status"] for i in items}[three[1]] == "printed"
    json.dumps(items)  # plain data


def move(db, session, other, letters_items=None):
    """Export a session with its letters, import the actions and letters into `other`."""
    items = kept.for_export(db, session.code) if letters_items is None else letters_items
    parsed = tally.parse_export(tally.export_tally(db, session, "json", items).encode(), "t.json")
    assert parsed.problems == []
    if sessions.get(other, session.code) is None:
        sessions.create(other, session.name, code=session.code, keep_text=True)
    return tally.merge(other, session.code, parsed).kept_letters


def test_export_then_import_letters_into_a_second_database(db, keeping, three, tmp_path):
    kept.mark(db, "KEEP", [three[2]], "sent")
    other = w4r_db.connect(tmp_path / "other.db")
    assert move(db, keeping, other) == 3
    mine = {k.submission_id: k for k in kept.listing(db, "KEEP")}
    theirs = {k.submission_id: k for k in kept.listing(other, "KEEP")}
    assert theirs.keys() == mine.keys()
    for sid, letter in mine.items():
        assert theirs[sid].parts == letter.parts
        assert (theirs[sid].case_id, theirs[sid].kind, theirs[sid].status, theirs[sid].kept_at) \
            == (letter.case_id, letter.kind, letter.status, letter.kept_at)
    # a second import adds nothing
    assert move(db, keeping, other) == 0
    assert len(kept.listing(other, "KEEP")) == 3
    other.conn.close()


def test_import_letters_only_for_actions_this_device_has(db, keeping, three, tmp_path):
    other = w4r_db.connect(tmp_path / "other.db")
    items = kept.for_export(db, "KEEP")
    sessions.create(other, "Keep", code="KEEP", keep_text=True)
    # no actions imported: no letter can be kept
    assert kept.insert_imported(other, items, "KEEP") == 0
    tally.record(other, tally.Action(three[0], "KEEP", "jani-silva", "solidarity"))
    assert kept.insert_imported(other, items, "KEEP") == 1
    assert [k.submission_id for k in kept.listing(other, "KEEP")] == [three[0]]
    # an action of another session with the same id does not let a letter in
    sessions.create(other, "Else", code="ELSE")
    tally.record(other, tally.Action("else-1", "ELSE", "jani-silva", "solidarity"))
    assert kept.insert_imported(other, [items[0] | {"submission_id": "else-1"}], "KEEP") == 0
    other.conn.close()


def test_import_letters_cleans_text_and_skips_bad_items(db, tmp_path):
    other = w4r_db.connect(tmp_path / "other.db")
    sessions.create(other, "Keep", code="KEEP", keep_text=True)
    for sid in ("a1", "a2", "a3", "a4", "a5"):
        tally.record(other, tally.Action(sid, "KEEP", "jani-silva", "appeal"))
    items = [
        {"submission_id": "a1", "parts": {"message": "Hi\r\nthere\x07\tfriend",
                                          "name": "Zoe\u0301", "junk": "dropped"},
         "status": "weird", "lang": "fr-CA-extra-long-tag", "case_id": "forged-case",
         "kind": "solidarity"},
        {"submission_id": "a2", "parts": "not a mapping"},
        {"submission_id": "a3"},  # no parts
        {"submission_id": "", "parts": {"message": "no id"}},
        {"submission_id": "unknown", "parts": {"message": "never counted here"}},
        {"submission_id": "a4", "parts": {"message": "x" * (letters.MAX_FIELD + 500)},
         "status": "printed"},
    ]
    assert kept.insert_imported(other, items, "KEEP") == 2
    found = {k.submission_id: k for k in kept.listing(other, "KEEP")}
    assert set(found) == {"a1", "a4"}
    a1 = found["a1"]
    assert a1.parts["message"] == "Hi\nthere friend"
    assert a1.parts["name"] == "Zoé"  # NFC
    assert "junk" not in a1.parts and a1.parts["greeting"] == ""
    assert a1.status == "new"
    assert len(a1.lang) <= 12
    # the case and kind come from the counted action, not from the file
    assert (a1.case_id, a1.kind) == ("jani-silva", "appeal")
    assert len(found["a4"].parts["message"]) == letters.MAX_FIELD
    assert found["a4"].status == "printed"
    other.conn.close()


def test_a_hidden_letter_stays_hidden_after_export_and_import(db, keeping, three, tmp_path):
    kept.hide(db, "KEEP", three[0])
    other = w4r_db.connect(tmp_path / "other.db")
    move(db, keeping, other)
    assert three[0] not in [k.submission_id for k in kept.listing(other, "KEEP")]
    other.conn.close()
