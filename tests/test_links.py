"""Projector links (w4r/links.py): read-only display tokens, one per session, and the addresses
an organizer hands out."""

from __future__ import annotations

import pytest

from w4r import access, db as w4r_db, links, rights, sessions


@pytest.fixture
def two(db):
    """Two sessions beside the default one."""
    access.create_session(db, "482913", "Class A", code="AAA111")
    access.create_session(db, "739164", "Class B", code="BBB222")
    return db


def test_an_issued_token_shows_its_session(two):
    token = links.issue_display(two, "AAA111")
    assert links.displayed(two, token) == "AAA111"
    assert len(token) >= 30


def test_only_the_hash_of_the_token_is_stored(two):
    token = links.issue_display(two, "AAA111")
    stored = two.execute("select token_hash from displays").fetchall()
    assert stored and all(token not in row[0] for row in stored)


def test_a_wrong_empty_or_huge_token_shows_nothing(two):
    links.issue_display(two, "AAA111")
    for token in ("", None, "nope", "x" * 10_000, "AAA111", "' or 1=1 --"):
        assert links.displayed(two, token) is None


def test_a_new_link_revokes_the_old_one(two):
    old = links.issue_display(two, "AAA111")
    new = links.issue_display(two, "aaa-111")  # as typed
    assert old != new
    assert links.displayed(two, old) is None
    assert links.displayed(two, new) == "AAA111"


def test_revoke_ends_the_link(two):
    token = links.issue_display(two, "AAA111")
    links.revoke_display(two, "AAA111")
    assert links.displayed(two, token) is None


def test_the_token_of_session_a_never_shows_session_b(two):
    a = links.issue_display(two, "AAA111")
    b = links.issue_display(two, "BBB222")
    assert links.displayed(two, a) == "AAA111" and links.displayed(two, b) == "BBB222"
    links.issue_display(two, "BBB222")  # B's new link leaves A's alone
    assert links.displayed(two, a) == "AAA111"
    assert links.displayed(two, b) is None


def test_no_token_for_a_session_that_does_not_exist(two):
    with pytest.raises(ValueError, match="no session"):
        links.issue_display(two, "ZZZ999")


def test_the_token_survives_a_new_connection(tmp_path):
    path = tmp_path / "restart.db"
    with w4r_db.opened(path) as database:
        access.create_session(database, "482913", "Class A", code="AAA111")
        token = links.issue_display(database, "AAA111")
    with w4r_db.opened(path) as database:  # the server restarted
        assert links.displayed(database, token) == "AAA111"


def test_a_display_is_not_a_sign_in(two):
    token = links.issue_display(two, "AAA111")
    assert access.signed_in(two, token) is None


def test_the_display_actor_may_only_display_its_own_session():
    actor = rights.display_actor("AAA111")
    assert rights.allowed(actor, "display", "AAA111")
    assert not rights.allowed(actor, "display", "BBB222")
    for action in sorted(rights.ACTIONS - rights.DISPLAY_ACTIONS):
        assert not rights.allowed(actor, action, "AAA111"), action
        assert not rights.allowed(actor, action, w4r_db.DEFAULT_SESSION), action


def test_an_organizer_may_display_their_session_and_a_visitor_may_not():
    assert rights.allowed(rights.Actor("AAA111", "AAA111"), "display", "AAA111")
    assert not rights.allowed(rights.Actor("AAA111"), "display", "AAA111")


def test_links_and_hosts(monkeypatch):
    monkeypatch.delenv("W4R_URL", raising=False)
    assert links.host() == "http://localhost:8501"
    assert links.host("http://192.168.1.20:8501/") == "http://192.168.1.20:8501"
    monkeypatch.setenv("W4R_URL", "https://w4r.example.org")
    assert links.host() == "https://w4r.example.org"
    assert links.projector_link("https://w4r.example.org/", "abc") == \
        "https://w4r.example.org/?p=abc"
    assert sessions.join_link(links.host(), "7B2026") == "https://w4r.example.org/?s=7B2026"
    for bad in ("localhost:8501", "ftp://x", "javascript:alert(1)", "http://"):
        with pytest.raises(ValueError, match="not a web address"):
            links.host(bad)
