"""CLI: `letter check` prints the tone checker's findings; exit 0 whatever it finds."""

from __future__ import annotations

import io
import json
import sys

import pytest

from w4r import cli

CASE = "yecenia-armenta"
RUDE = "Dear Sir,\n\nYou are a criminal. Release her or else.\n"
POLITE = ("Dear Sir or Madam,\n\nI am a student in Lyon. I respectfully urge you to act on "
          "the case of Yecenia Armenta.\n\nYours sincerely,\nAna")


def run(capsys, monkeypatch, text: bytes, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
    code = cli.main(["letter", "check", "--case", CASE, "--text-file", "-", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_findings_as_json_with_spans(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, RUDE.encode(), "--kind", "appeal", "--json")
    assert code == 0
    found = json.loads(out)
    assert {"rule", "severity", "message", "start", "end", "suggestion"} == set(found[0])
    by_rule = {f["rule"]: f for f in found}
    assert by_rule["insult"]["severity"] == "block"
    text = RUDE  # the CLI checks the text as read (already clean here)
    assert "criminal" in text[by_rule["insult"]["start"]:by_rule["insult"]["end"]].lower()
    assert by_rule["threat"]["severity"] == "block"


def test_a_polite_letter_has_no_warnings(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, POLITE.encode(), "--kind", "appeal", "--json")
    assert code == 0
    assert [f for f in json.loads(out) if f["severity"] != "tip"] == []


def test_text_output_names_rule_and_words(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, RUDE.encode(), "--kind", "appeal")
    assert code == 0
    assert "block insult:" in out and "try:" in out


def test_french_rules(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "Vous êtes des criminels !!!".encode(),
                       "--kind", "appeal", "--lang", "fr", "--json")
    assert code == 0 and any(f["severity"] == "block" for f in json.loads(out))


def test_personal_data_only_where_the_session_forbids_it(capsys, monkeypatch):
    letter = "Dear Yecenia, you are not alone. Write to me: ana@example.org"
    _, out, _ = run(capsys, monkeypatch, letter.encode(), "--kind", "solidarity", "--json")
    assert any(f["severity"] == "block" for f in json.loads(out))
    _, out, _ = run(capsys, monkeypatch, letter.encode(), "--kind", "solidarity", "--json",
                    "--allow-personal-data")
    assert not any(f["severity"] == "block" for f in json.loads(out))


@pytest.mark.parametrize("text,args,message", [
    (b"\xff\xfe bad", ("--kind", "appeal"), "is not UTF-8 text"),
    (b"Hello", ("--kind", "appeal", "--case", "no-such-case"), "there is no case"),
])
def test_bad_input_exits_1_with_one_line(capsys, monkeypatch, text, args, message):
    code, _, err = run(capsys, monkeypatch, text, *args)
    assert code == 1 and message in err and "Traceback" not in err
