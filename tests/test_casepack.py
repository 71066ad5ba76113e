"""Case packs (w4r/casepack.py): uploads in YAML, JSON, CSV or zip, kept in the database."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import zipfile

import pytest
import yaml

from w4r import casepack
from w4r.cases import load_cases

from conftest import SHIPPED_CASES_DIR

PROBLEM_LINE = re.compile(r"^(?P<file>.+?): (?P<field>[^:]+): (?P<message>.+)$")
SHIPPED_ID = "jani-silva"
CLASS = "CLASS"  # the default session: stored cases belong to one session


def shipped_text(case_id=SHIPPED_ID) -> str:
    return (SHIPPED_CASES_DIR / f"{case_id}.yaml").read_text(encoding="utf-8")


def new_yaml(case_id="new-case-one", name="Nueva Persona") -> str:
    """A valid case file: a shipped one under a new id and name."""
    text = shipped_text().replace(f"id: {SHIPPED_ID}", f"id: {case_id}", 1)
    return text.replace("name: Jani Silva", f"name: {name}", 1)


def as_data(text: str) -> dict:
    return yaml.safe_load(text)


def csv_bytes(rows: list[dict], columns=casepack.CSV_COLUMNS, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def csv_row(**cells) -> dict:
    row = {"id": "zoe-nunez", "name": "Zoë Núñez", "country": "Perú", "year": "2026",
           "status": "current", "summary": "Zoë defends the forest.",
           "story": "Zoë Núñez is a défenseure.\nShe was arrested.",
           "tags": "forest; arrest ;", "appeal.addressee_name": "Ministro Pérez",
           "appeal.salutation": "Señor Ministro", "appeal.address": "Av. Abancay 5|Lima | Perú",
           "appeal.ask": "Release Zoë Núñez.", "appeal.language": "es",
           "solidarity.to": "Zoë", "solidarity.mention_amnesty": "yes",
           "solidarity.religious_content": "No", "source.title": "Case sheet 2026",
           "source.publisher": "Amnistía", "source.url": "https://example.org/zoe"}
    return row | cells


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def lines(pack) -> list[str]:
    found = [str(p) for p in pack.problems]
    for line in found:
        assert PROBLEM_LINE.match(line), line
    return found


def stored_ids(db) -> list[str]:
    return [row[0] for row in db.execute("select id from case_files order by id")]


# --- reading valid packs -----------------------------------------------------------------------

def test_read_a_yaml_case():
    text = new_yaml()
    pack = casepack.read_pack("new-case-one.yaml", text.encode("utf-8"))
    assert pack.problems == []
    [(case, stored)] = pack.cases
    assert case.id == "new-case-one" and case.name == "Nueva Persona"
    assert case.file == "new-case-one.yaml"
    assert stored == text  # the uploaded YAML is kept as it was written


def test_read_a_yml_case_with_a_bom_and_upper_case_suffix():
    pack = casepack.read_pack("NEW.YML", b"\xef\xbb\xbf" + new_yaml().encode("utf-8"))
    assert pack.problems == [] and pack.cases[0][0].id == "new-case-one"


def test_read_json_single_object():
    data = as_data(new_yaml("json-one"))
    pack = casepack.read_pack("one.json", json.dumps(data, ensure_ascii=False).encode())
    assert pack.problems == []
    [(case, text)] = pack.cases
    assert case.id == "json-one" and case.file == "one.json"
    assert as_data(text) == data  # stored as YAML


def test_read_json_list():
    items = [as_data(new_yaml("json-one")), as_data(new_yaml("json-two", "Ümit"))]
    pack = casepack.read_pack("many.json", json.dumps(items).encode())
    assert pack.problems == []
    assert [c.id for c, _ in pack.cases] == ["json-one", "json-two"]
    assert [c.file for c, _ in pack.cases] == ["many.json[0]", "many.json[1]"]
    assert pack.cases[1][0].name == "Ümit"


def test_read_csv_row_with_accents_address_lines_tags_and_booleans():
    pack = casepack.read_pack("sheet.csv", csv_bytes([csv_row()]))
    assert lines(pack) == []
    [(case, text)] = pack.cases
    assert case.file == "sheet.csv line 2"
    assert (case.id, case.name, case.country, case.year) == ("zoe-nunez", "Zoë Núñez", "Perú",
                                                             2026)
    assert case.story == "Zoë Núñez is a défenseure.\nShe was arrested."
    assert case.appeal.address == ("Av. Abancay 5", "Lima", "Perú")
    assert case.appeal.salutation == "Señor Ministro" and case.appeal.language == "es"
    assert case.tags == ("forest", "arrest")
    assert case.solidarity.mention_amnesty is True
    assert case.solidarity.religious_content is False
    assert case.solidarity.greeting == ""
    [source] = case.sources
    assert (source.title, source.publisher, source.url) == ("Case sheet 2026", "Amnistía",
                                                            "https://example.org/zoe")
    assert "Zoë Núñez" in text  # stored YAML keeps the accents as text
    assert as_data(text)["appeal"]["address"] == ["Av. Abancay 5", "Lima", "Perú"]


def test_read_csv_with_a_bom_as_excel_saves_it_and_several_rows():
    raw = b"\xef\xbb\xbf" + csv_bytes([csv_row(), csv_row(id="second-case", **{
        "solidarity.mention_amnesty": "", "solidarity.religious_content": "TRUE"})])
    pack = casepack.read_pack("sheet.csv", raw)
    assert lines(pack) == []
    second = pack.cases[1][0]
    assert second.file == "sheet.csv line 3"
    assert second.solidarity.mention_amnesty is None
    assert second.solidarity.religious_content is True


def test_read_csv_with_only_some_columns():
    columns = ["id", "name", "country", "year", "status", "summary", "story", "source.title"]
    row = {k: v for k, v in csv_row().items() if k in columns}
    pack = casepack.read_pack("short.csv", csv_bytes([row], columns))
    assert lines(pack) == [] and pack.cases[0][0].appeal.address == ()


def test_read_a_zip_of_yaml_json_and_csv_in_nested_folders():
    raw = zip_bytes({
        "pack/cases/a.yaml": new_yaml("zip-yaml").encode(),
        "pack/more/deeper/b.json": json.dumps(as_data(new_yaml("zip-json"))).encode(),
        "pack/c.csv": csv_bytes([csv_row(id="zip-csv")]),
        "__MACOSX/pack/cases/._a.yaml": b"\x00\x05\x16\x07 resource fork",
        "pack/.DS_Store": b"\x00\x00\x00\x01Bud1",
        "pack/cases/.hidden.yaml": b"not: [valid",
    })
    pack = casepack.read_pack("pack.zip", raw)
    assert lines(pack) == []
    files = {c.id: c.file for c, _ in pack.cases}
    assert files == {"zip-yaml": "pack.zip/pack/cases/a.yaml",
                     "zip-json": "pack.zip/pack/more/deeper/b.json",
                     "zip-csv": "pack.zip/pack/c.csv line 2"}


def test_read_files_as_one_pack():
    pack = casepack.read_files([("a.yaml", new_yaml("file-a").encode()),
                                ("b.csv", csv_bytes([csv_row(id="file-b")]))])
    assert lines(pack) == [] and [c.id for c, _ in pack.cases] == ["file-a", "file-b"]


# --- reading bad packs: every problem, as file: field: problem -----------------------------------

def test_every_problem_of_a_yaml_case_is_listed():
    data = as_data(new_yaml("bad-case"))
    data.update(year=1990, status="someday", summary="", tpyo="x")
    pack = casepack.read_pack("bad.yaml", yaml.safe_dump(data, allow_unicode=True).encode())
    assert pack.cases == []
    found = lines(pack)
    for expected in ("bad.yaml: year: ", "bad.yaml: status: ", "bad.yaml: summary: missing",
                     "bad.yaml: tpyo: unknown field"):
        assert any(line.startswith(expected) for line in found), (expected, found)


def test_a_bad_csv_row_names_its_line():
    rows = [csv_row(), csv_row(id="Bad Id", status="someday"), csv_row(id="third", name="")]
    pack = casepack.read_pack("sheet.csv", csv_bytes(rows))
    found = lines(pack)
    assert [c.id for c, _ in pack.cases] == ["zoe-nunez"]
    assert any(line.startswith("sheet.csv line 3: id: ") for line in found), found
    assert any(line.startswith("sheet.csv line 3: status: ") for line in found), found
    assert "sheet.csv line 4: name: missing (required)" in found


def test_bad_csv_cells_for_year_and_booleans():
    pack = casepack.read_pack("sheet.csv", csv_bytes([
        csv_row(year="twenty"), csv_row(id="two", **{"solidarity.mention_amnesty": "maybe"})]))
    found = lines(pack)
    assert pack.cases == []
    assert found[0].startswith("sheet.csv line 2: year: must be a whole number")
    assert found[1].startswith("sheet.csv line 3: solidarity.mention_amnesty: must be yes or no")


def test_a_csv_row_with_a_bad_year_lists_its_other_problems_too():
    pack = casepack.read_pack("sheet.csv", csv_bytes([csv_row(year="20x6", status="someday")]))
    found = lines(pack)
    assert any(line.startswith("sheet.csv line 2: year: ") for line in found)
    assert any(line.startswith("sheet.csv line 2: status: ") for line in found), found


def test_a_csv_row_with_too_many_cells():
    raw = csv_bytes([csv_row()]) + b"extra-id,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,1,2,3\r\n"
    pack = casepack.read_pack("sheet.csv", raw)
    assert "sheet.csv line 3: (row): has more cells than the header" in lines(pack)


def test_unknown_csv_columns_are_each_named():
    raw = csv_bytes([{"id": "x", "nmae": "y", "appeal.adress": "z"}],
                    ["id", "nmae", "appeal.adress"])
    pack = casepack.read_pack("sheet.csv", raw)
    found = lines(pack)
    assert pack.cases == []
    assert [line.split(": ")[1] for line in found] == ["nmae", "appeal.adress"]
    assert all(line.startswith("sheet.csv: ") and "unknown column" in line for line in found)


@pytest.mark.parametrize("name", ["latin.csv", "latin.yaml", "latin.json"])
def test_non_utf8_files(name):
    data = {"latin.csv": "id,name\nzoe,Zoë\n", "latin.yaml": "id: zoe\nname: Zoë\n",
            "latin.json": '{"id": "zoe", "name": "Zoë"}'}[name]
    pack = casepack.read_pack(name, data.encode("latin-1"))
    [line] = lines(pack)
    assert line.startswith(f"{name}: (file): is not UTF-8 text (byte ")
    assert pack.cases == []


def test_bad_json():
    pack = casepack.read_pack("broken.json", b'{"id": "x",\n "name": }')
    [line] = lines(pack)
    assert line.startswith("broken.json: (file): is not valid JSON (line 2")


def test_json_list_with_a_bad_item_names_its_index():
    good = as_data(new_yaml("json-good"))
    pack = casepack.read_pack("many.json", json.dumps([good, {"id": "json-bad"}, 42]).encode())
    found = lines(pack)
    assert [c.id for c, _ in pack.cases] == ["json-good"]
    assert any(line.startswith("many.json[1]: name: missing") for line in found), found
    assert any(line.startswith("many.json[2]: (file): must be a mapping") for line in found)


def test_bad_zip():
    [line] = lines(casepack.read_pack("pack.zip", b"PK\x03\x04 definitely not a zip"))
    assert line == "pack.zip: (file): is not a readable zip file"


def test_zip_with_a_bad_member_and_a_non_case_file_lists_each():
    raw = zip_bytes({"pack/good.yaml": new_yaml("zip-good").encode(),
                     "pack/bad.yaml": b"id: [unclosed",
                     "pack/readme.txt": b"hello",
                     "pack/inner.zip": zip_bytes({"x.yaml": new_yaml("inner").encode()})})
    found = lines(casepack.read_pack("pack.zip", raw))
    assert any(line.startswith("pack.zip/pack/bad.yaml: (file): YAML syntax error")
               for line in found), found
    assert any(line.startswith("pack.zip/pack/readme.txt: (file): is not a case file")
               for line in found)
    assert any(line.startswith("pack.zip/pack/inner.zip: (file): is not a case file")
               for line in found)


def test_zip_with_too_many_members(monkeypatch):
    monkeypatch.setattr(casepack, "MAX_MEMBERS", 2)
    raw = zip_bytes({f"c{i}.yaml": new_yaml(f"case-{i}").encode() for i in range(3)})
    pack = casepack.read_pack("many.zip", raw)
    assert lines(pack) == ["many.zip: (file): holds 3 files; at most 2"]
    assert pack.cases == []
    # ignored files do not count
    raw = zip_bytes({"a.yaml": new_yaml("case-a").encode(), "__MACOSX/._a.yaml": b"x",
                     ".DS_Store": b"x", "b.yaml": new_yaml("case-b").encode()})
    assert lines(casepack.read_pack("two.zip", raw)) == []


def test_zip_that_unpacks_too_big(monkeypatch):
    monkeypatch.setattr(casepack, "MAX_UNPACKED_BYTES", 2 * 2**20)
    raw = zip_bytes({"a.yaml": b"#" * (2**20 + 10), "b.yaml": b"#" * (2**20 + 10)})
    assert len(raw) < 50_000  # small to upload, big once unpacked
    pack = casepack.read_pack("bomb.zip", raw)
    assert lines(pack) == ["bomb.zip: (file): unpacks to more than 2 MB"]
    assert pack.cases == []


@pytest.mark.parametrize("name", ["notes.txt", "case.docx", "noextension"])
def test_a_file_that_is_not_a_case_file(name):
    [line] = lines(casepack.read_pack(name, new_yaml().encode()))
    assert line.startswith(f"{name}: (file): is not a case file")


@pytest.mark.parametrize("name", ["empty.yaml", "empty.json", "empty.csv", "empty.zip"])
def test_an_empty_file(name):
    pack = casepack.read_pack(name, b"")
    found = lines(pack)
    assert pack.cases == [] and len(found) >= 1
    assert all(line.startswith(f"{name}: (file): ") for line in found)


@pytest.mark.parametrize("name,raw", [("empty.csv", b"id,name\r\n"), ("empty.json", b"[]"),
                                      ("empty.zip", None)])
def test_a_file_holding_no_cases(name, raw):
    raw = raw if raw is not None else zip_bytes({"__MACOSX/._x.yaml": b"x", ".hidden": b"x"})
    assert lines(casepack.read_pack(name, raw)) == [f"{name}: (file): holds no cases"]


def test_duplicate_ids_across_files_are_a_problem():
    pack = casepack.read_files([
        ("a.yaml", new_yaml("same-id").encode()),
        ("b.csv", csv_bytes([csv_row(id="same-id"), csv_row(id="other-id")])),
        ("c.zip", zip_bytes({"in/c.json": json.dumps(as_data(new_yaml("other-id"))).encode()})),
    ])
    found = lines(pack)
    assert "b.csv line 2: id: 'same-id' is already used by a.yaml" in found
    assert "c.zip/in/c.json: id: 'other-id' is already used by b.csv line 3" in found
    assert len(found) == 2


def test_duplicate_ids_within_one_csv():
    pack = casepack.read_pack("s.csv", csv_bytes([csv_row(), csv_row()]))
    assert lines(pack) == ["s.csv line 3: id: 'zoe-nunez' is already used by s.csv line 2"]


# --- storing ---------------------------------------------------------------------------------

def test_store_refuses_a_pack_with_problems_and_stores_nothing(db):
    pack = casepack.read_files([("good.yaml", new_yaml("good-one").encode()),
                                ("bad.yaml", b"id: Bad Id\n")])
    assert pack.cases and pack.problems
    with pytest.raises(ValueError, match="nothing was stored"):
        casepack.store(db, CLASS, pack)
    assert stored_ids(db) == []
    # nor a pack whose ids clash
    clash = casepack.read_files([("a.yaml", new_yaml("x-one").encode()),
                                 ("b.yaml", new_yaml("x-one").encode())])
    with pytest.raises(ValueError):
        casepack.store(db, CLASS, clash)
    assert stored_ids(db) == []


def test_store_then_merged_shows_the_new_case(db, cases):
    pack = casepack.read_files([("new.yaml", new_yaml().encode()),
                                ("sheet.csv", csv_bytes([csv_row()]))])
    assert casepack.store(db, CLASS, pack) == 2
    merged = casepack.merged(cases, db, CLASS)
    assert merged.problems == cases.problems
    assert {c.id for c in merged.cases} == {c.id for c in cases.cases} | {"new-case-one",
                                                                           "zoe-nunez"}
    zoe = merged.get("zoe-nunez")
    assert zoe.name == "Zoë Núñez" and zoe.appeal.address == ("Av. Abancay 5", "Lima", "Perú")
    assert zoe.solidarity.religious_content is False
    # current cases first, then by year, newest first
    assert merged.cases[0].status == "current"
    assert [c.status for c in merged.cases] == sorted((c.status for c in merged.cases),
                                                      key=lambda s: s != "current")


def test_an_uploaded_case_with_a_shipped_id_replaces_it(db, cases):
    text = shipped_text().replace("name: Jani Silva", "name: Jani Silva (2026 sheet)", 1)
    casepack.store(db, CLASS, casepack.read_pack("jani.yaml", text.encode()))
    merged = casepack.merged(cases, db, CLASS)
    assert len(merged.cases) == len(cases.cases)
    assert [c.name for c in merged.cases if c.id == SHIPPED_ID] == ["Jani Silva (2026 sheet)"]
    # storing the same id again replaces the stored one
    again = text.replace("(2026 sheet)", "(corrected)")
    casepack.store(db, CLASS, casepack.read_pack("jani.yaml", again.encode()))
    assert stored_ids(db) == [SHIPPED_ID]
    assert casepack.merged(cases, db, CLASS).get(SHIPPED_ID).name == "Jani Silva (corrected)"


def test_remove_brings_the_shipped_case_back(db, cases):
    text = shipped_text().replace("name: Jani Silva", "name: Edited", 1)
    casepack.store(db, CLASS, casepack.read_pack("jani.yaml", text.encode()))
    assert casepack.merged(cases, db, CLASS).get(SHIPPED_ID).name == "Edited"
    assert casepack.remove(db, CLASS, SHIPPED_ID) is True
    assert casepack.remove(db, CLASS, SHIPPED_ID) is False
    back = casepack.merged(cases, db, CLASS).get(SHIPPED_ID)
    assert back == cases.get(SHIPPED_ID)


def test_a_merged_shipped_folder_with_problems_keeps_them(db, tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "ok.yaml").write_text(new_yaml("folder-ok"), encoding="utf-8")
    (folder / "bad.yaml").write_text("id: [", encoding="utf-8")
    shipped = load_cases(folder)
    casepack.store(db, CLASS, casepack.read_pack("n.yaml", new_yaml("stored-one").encode()))
    merged = casepack.merged(shipped, db, CLASS)
    assert {c.id for c in merged.cases} == {"folder-ok", "stored-one"}
    assert merged.problems == shipped.problems and len(merged.problems) == 1


def test_signature_changes_after_store_and_remove(db):
    empty = casepack.signature(db, CLASS)
    casepack.store(db, CLASS, casepack.read_pack("a.yaml", new_yaml("sig-a").encode()))
    one = casepack.signature(db, CLASS)
    assert one != empty
    casepack.store(db, CLASS, casepack.read_pack("b.yaml", new_yaml("sig-b").encode()))
    two = casepack.signature(db, CLASS)
    assert two != one
    casepack.remove(db, CLASS, "sig-b")
    assert casepack.signature(db, CLASS) != two


def test_signature_changes_when_a_stored_case_is_edited_in_the_same_second(db, monkeypatch):
    monkeypatch.setattr(casepack, "now_iso", lambda: "2026-11-21T10:00:00+00:00")  # one second
    casepack.store(db, CLASS, casepack.read_pack("a.yaml", new_yaml("sig-a").encode()))
    before = casepack.signature(db, CLASS)
    casepack.save_text(db, CLASS, new_yaml("sig-a", "Another Name"), "a.yaml", "sig-a")
    assert casepack.stored_text(db, CLASS, "sig-a") == new_yaml("sig-a", "Another Name")
    assert casepack.signature(db, CLASS) != before


# --- editing ---------------------------------------------------------------------------------

def test_save_text_validates_and_stores(db, cases):
    text = shipped_text().replace("name: Jani Silva", "name: Jani S.", 1)
    case = casepack.save_text(db, CLASS, text, "jani-silva.yaml", SHIPPED_ID)
    assert case.id == SHIPPED_ID and case.name == "Jani S."
    assert casepack.stored_text(db, CLASS, SHIPPED_ID) == text
    assert casepack.merged(cases, db, CLASS).get(SHIPPED_ID).name == "Jani S."


def test_save_text_with_bad_yaml_lists_problems_and_stores_nothing(db):
    data = as_data(shipped_text())
    data.update(year="soon", status="maybe")
    with pytest.raises(ValueError) as raised:
        casepack.save_text(db, CLASS, yaml.safe_dump(data), "jani-silva.yaml", SHIPPED_ID)
    found = str(raised.value).splitlines()
    assert any(line.startswith("jani-silva.yaml: year: ") for line in found)
    assert any(line.startswith("jani-silva.yaml: status: ") for line in found)
    assert stored_ids(db) == []
    with pytest.raises(ValueError, match="YAML syntax error"):
        casepack.save_text(db, CLASS, "id: [unclosed", "jani-silva.yaml", SHIPPED_ID)
    assert stored_ids(db) == []


def test_save_text_refuses_to_change_the_id(db):
    with pytest.raises(ValueError, match="changing the id"):
        casepack.save_text(db, CLASS, new_yaml("renamed-case"), "jani-silva.yaml", SHIPPED_ID)
    assert stored_ids(db) == []


def test_save_text_of_an_edited_stored_case_replaces_it(db):
    casepack.store(db, CLASS, casepack.read_pack("n.yaml", new_yaml("edit-me").encode()))
    casepack.save_text(db, CLASS, new_yaml("edit-me", "Edited Name"), "n.yaml", "edit-me")
    assert stored_ids(db) == ["edit-me"]
    assert "Edited Name" in casepack.stored_text(db, CLASS, "edit-me")


def test_editable_text_is_the_stored_text_or_the_shipped_file(db, cases):
    case = cases.get(SHIPPED_ID)
    assert casepack.editable_text(db, CLASS, case, SHIPPED_CASES_DIR) == shipped_text()
    assert casepack.stored_text(db, CLASS, SHIPPED_ID) is None
    edited = shipped_text().replace("name: Jani Silva", "name: Jani E.", 1)
    casepack.save_text(db, CLASS, edited, case.file, SHIPPED_ID)
    assert casepack.editable_text(db, CLASS, case, SHIPPED_CASES_DIR) == edited
    casepack.remove(db, CLASS, SHIPPED_ID)
    assert casepack.editable_text(db, CLASS, case, SHIPPED_CASES_DIR) == shipped_text()


def test_editable_text_of_a_case_whose_file_is_gone(db, tmp_path, cases):
    assert casepack.editable_text(db, CLASS, cases.get(SHIPPED_ID), tmp_path) == ""


def test_editable_text_of_a_csv_case_is_valid_yaml(db, cases):
    casepack.store(db, CLASS, casepack.read_pack("sheet.csv", csv_bytes([csv_row()])))
    case = casepack.merged(cases, db, CLASS).get("zoe-nunez")
    text = casepack.editable_text(db, CLASS, case, SHIPPED_CASES_DIR)
    again = casepack.save_text(db, CLASS, text, "zoe-nunez.yaml", "zoe-nunez")
    assert again.name == "Zoë Núñez" and again.tags == ("forest", "arrest")


def test_editing_a_case_twice_keeps_its_file_label(db, cases):
    for name in ("First Edit", "Second Edit"):
        case = casepack.merged(cases, db, CLASS).get(SHIPPED_ID)
        text = casepack.editable_text(db, CLASS, case, SHIPPED_CASES_DIR)
        text = re.sub(r"(?m)^name: .*$", f"name: {name}", text)
        casepack.save_text(db, CLASS, text, case.file or f"{SHIPPED_ID}.yaml", SHIPPED_ID)
    final = casepack.merged(cases, db, CLASS).get(SHIPPED_ID)
    assert final.name == "Second Edit"
    assert "uploaded uploaded" not in final.file


# --- hostile uploads: problem lines, never a crash; bounded time and size --------------------

HOSTILE_FILES = {
    "date.yaml": new_yaml().replace("\nyear:", "\nnote: 2024-02-30\nyear:", 1).encode(),
    "deep.json": b"[" * 100_000 + b"]" * 100_000,
    "big-number.json": b'{"id": "x", "year": ' + b"9" * 5000 + b"}",
    "surrogate.json": json.dumps(as_data(new_yaml()) | {"name": "\ud800"}).encode(),
    "nan.json": b'{"id": "x", "year": NaN}',
    "big-cell.csv": b"id,name\nx," + b"y" * 200_000 + b"\n",
    "rows.csv": b"id,name\n" + b"x,y\n" * 5000,
    "deep.yaml": b"id: [" + b"[" * 2000 + b"]" * 2001,
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_upload_is_a_problem_line_and_nothing_is_read(name):
    pack = casepack.read_files([(name, HOSTILE_FILES[name]), ("good.yaml", new_yaml().encode())])
    found = lines(pack)
    assert found and any(line.startswith(f"{name}: ") for line in found), found
    assert all(PROBLEM_LINE.match(line) for line in found)
    with pytest.raises(ValueError):
        casepack.store(None, CLASS, pack)  # nothing is stored while the pack has problems


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_member_of_a_zip_is_a_problem_line(name):
    found = lines(casepack.read_pack("p.zip", zip_bytes({name: HOSTILE_FILES[name]})))
    assert found and found[0].startswith(f"p.zip/{name}: "), found


def test_an_unexpected_error_names_the_file(monkeypatch):
    def boom(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(casepack, "_read_csv", boom)
    assert lines(casepack.read_pack("s.csv", csv_bytes([csv_row()]))) == [
        "s.csv: (file): cannot be read (KeyError); nothing was read from it"]


def test_a_csv_of_millions_of_rows_in_a_tiny_zip_is_refused_at_once():
    raw = zip_bytes({"a.csv": b"id,name\n" + b"x,y\n" * 1_000_000})
    assert len(raw) < 40_000
    started = time.perf_counter()
    pack = casepack.read_pack("rows.zip", raw)
    assert time.perf_counter() - started < 2
    assert lines(pack) == ["rows.zip/a.csv: (file): unpacks to more than 100 times its packed "
                           "size (a zip bomb?)"]


def test_a_member_is_read_no_further_than_its_limit_whatever_its_header_claims(monkeypatch):
    monkeypatch.setattr(casepack, "MAX_RATIO", 10**9)
    raw = zip_bytes({"a.json": b" " * (casepack.MAX_MEMBER_BYTES + 10)})
    # forge the sizes the header claims: small
    raw = raw.replace((casepack.MAX_MEMBER_BYTES + 10).to_bytes(4, "little"), (5).to_bytes(4,
                                                                                      "little"))
    found = lines(casepack.read_pack("lie.zip", raw))
    assert found and ("unpacks to more than" in found[0] or "cannot be unpacked" in found[0])


def test_too_many_rows_and_too_many_members(monkeypatch):
    monkeypatch.setattr(casepack, "MAX_ROWS", 3)
    assert lines(casepack.read_pack("s.csv", csv_bytes([csv_row()] * 4))) == [
        "s.csv: (file): has more than 3 rows"]
    monkeypatch.setattr(casepack, "MAX_MEMBERS", 2)
    raw = zip_bytes({f"{i}.yaml": new_yaml(f"case-{i}").encode() for i in range(3)})
    assert lines(casepack.read_pack("m.zip", raw)) == ["m.zip: (file): holds 3 files; at most 2"]


def test_a_nested_zip_is_not_read():
    raw = zip_bytes({"inner.zip": zip_bytes({"a.yaml": new_yaml().encode()})})
    assert lines(casepack.read_pack("outer.zip", raw)) == [
        "outer.zip/inner.zip: (file): is not a case file (.yaml, .yml, .json or .csv); a zip "
        "inside a zip is not read"]


def test_an_upload_too_big_in_total_is_refused():
    half = casepack.MAX_PACK_BYTES // 2 + 1
    assert lines(casepack.read_files([("a.csv", b" " * half), ("b.csv", b" " * half)])) == [
        f"(upload): (file): is {2 * half:,} bytes; a pack may have at most "
        f"{casepack.MAX_PACK_BYTES:,}"]


def test_reading_stops_when_time_runs_out():
    slow = [(f"s{i}.yaml", ("- " + "word " * 12_000).encode()) for i in range(60)]
    started = time.perf_counter()
    pack = casepack.read_files(slow, seconds=0.5)
    assert time.perf_counter() - started < 1.5
    assert any("to read: reading stopped" in line for line in lines(pack))


def test_reading_stops_after_too_many_problems():
    rows = [csv_row(id=f"Bad {i}", year="x") for i in range(400)]
    found = lines(casepack.read_pack("s.csv", csv_bytes(rows)))
    assert len(found) == casepack.MAX_PROBLEMS + 1
    assert found[-1].startswith("(pack): (problems): more than")


def test_pack_digest_is_one_per_upload():
    files = [("a.yaml", b"x"), ("b.yaml", b"y")]
    assert casepack.pack_digest(files) == casepack.pack_digest(list(files))
    assert casepack.pack_digest(files) != casepack.pack_digest([("a.yaml", b"xb.yaml"),
                                                                ("", b"y")])
    assert casepack.pack_digest(files) != casepack.pack_digest(files[::-1])


# --- rights: a session's cases are its own --------------------------------------------------------


def test_a_stored_case_is_seen_only_by_its_own_session(db, cases):
    from w4r import sessions
    other = sessions.create(db, "Class 7C", code="SEVENC")
    edited = yaml.safe_load(shipped_text()) | {"name": "Someone else", "appeal": {
        "addressee_name": "Not the real addressee", "address": ["1 Fake Street"],
        "ask": "An ask nobody made"}}
    casepack.save_text(db, other.code, yaml.safe_dump(edited), "jani-silva.yaml", SHIPPED_ID)
    casepack.store(db, other.code, casepack.read_pack("n.yaml", new_yaml("only-7c").encode()))
    assert casepack.merged(cases, db, other.code).get(SHIPPED_ID).name == "Someone else"
    mine = casepack.merged(cases, db, CLASS)
    assert mine.get(SHIPPED_ID).appeal.ask == cases.get(SHIPPED_ID).appeal.ask
    assert mine.get("only-7c") is None
    assert casepack.stored_text(db, CLASS, SHIPPED_ID) is None
    assert casepack.remove(db, CLASS, SHIPPED_ID) is False  # nothing of 7C's to remove from CLASS
    assert casepack.merged(cases, db, other.code).get(SHIPPED_ID).name == "Someone else"
