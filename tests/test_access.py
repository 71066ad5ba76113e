"""Organizer rights (w4r/access.py): salted scrypt hashes, PIN rules, setup codes, the throttle
(decided before the slow hash, per browser and per session), sign-ins that expire, revocation."""

from __future__ import annotations

import hmac
import multiprocessing
import re
import threading
import time

import pytest

from w4r import access, config, db as w4r_db, postgres, sessions

T0 = 1_800_000_000.0  # a fixed "now" for the throttling tests: no sleeping
PIN = "zq7x-93k"
REAL_SCRYPT = dict(access.SCRYPT)


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch):
    """New hashes use a cheap scrypt cost so the many checks below stay fast.

    verify_pin reads the cost from the stored hash, so this changes no behaviour;
    test_hash_format_* uses the real cost.
    """
    monkeypatch.setattr(access, "SCRYPT", {"n": 2**8, "r": 8, "p": 1})


BROWSER = "browser-1"


def pin_row(database, code):
    return database.execute("select hash, generation from pins where session_code = ?",
                            [code]).fetchone()


def throttle(database, key):
    row = database.execute("select failures, next_at from throttle where key = ?",
                           [key]).fetchone()
    return tuple(row) if row else (0, 0.0)


def check(database, code, pin, now=T0, browser=BROWSER):
    return access.check(database, code, pin, browser, now=now)


@pytest.fixture
def with_pin(db):
    """A session EVT1 whose organizer PIN is PIN."""
    access.create_session(db, PIN, "Town library", kind="event", goal=10, code="EVT1")
    return "EVT1"


# --- hashing ---------------------------------------------------------------------------

def test_the_real_cost_is_slow_enough():
    assert REAL_SCRYPT["n"] >= 2**14 and REAL_SCRYPT["r"] >= 8


def test_hash_format_is_scrypt_with_parameters_salt_and_key(monkeypatch):
    monkeypatch.setattr(access, "SCRYPT", REAL_SCRYPT)
    stored = access.hash_pin("2468")
    match = re.fullmatch(r"scrypt\$(\d+)\$(\d+)\$(\d+)\$([0-9a-f]+)\$([0-9a-f]+)", stored)
    assert match, stored
    n, r, p, salt, key = match.groups()
    assert (int(n), int(r), int(p)) == (REAL_SCRYPT["n"], REAL_SCRYPT["r"], REAL_SCRYPT["p"])
    assert len(bytes.fromhex(salt)) == access.SALT_BYTES
    assert len(bytes.fromhex(key)) == access.KEY_BYTES
    assert access.verify_pin("2468", stored)


def test_two_hashes_of_one_pin_differ_and_both_verify():
    first, second = access.hash_pin("2468"), access.hash_pin("2468")
    assert first != second  # a random salt each time
    assert first.split("$")[4] != second.split("$")[4]
    assert access.verify_pin("2468", first) and access.verify_pin("2468", second)


def test_a_given_salt_gives_the_same_hash():
    salt = bytes(range(16))
    assert access.hash_pin("2468", salt) == access.hash_pin("2468", salt)
    assert access.hash_pin("2468", salt) != access.hash_pin("2469", salt)


def test_verify_pin_true_and_false():
    stored = access.hash_pin("Ünïcødé-PIN")
    assert access.verify_pin("Ünïcødé-PIN", stored) is True
    assert access.verify_pin("Ünïcødé-PIN ", stored) is False
    assert access.verify_pin("ünïcødé-pin", stored) is False
    assert access.verify_pin("", stored) is False


GOOD = access.hash_pin("2468")
MALFORMED = [
    "", "nonsense", "scrypt", "scrypt$$$$$", GOOD + "$extra", GOOD.replace("scrypt", "md5", 1),
    "scrypt$16384$8$1$zz$00", "scrypt$16384$8$1$00$zz", "scrypt$abc$8$1$00$00",
    "scrypt$16384$8$1$00$",  # an empty key
    "scrypt$3$8$1$00$0000",  # n not a power of two
    "scrypt$-2$8$1$00$0000", "scrypt$16384$0$1$00$0000",
    "scrypt$1048576$8$1$00$0000",  # needs more memory than allowed
    f"scrypt${2**70}$8$1$00$0000", f"scrypt$16384${2**70}$1$00$0000",
    "scrypt$16384$8$1$" + "0" * 31 + "$00",  # odd-length hex
]


@pytest.mark.parametrize("stored", MALFORMED)
def test_verify_pin_on_malformed_stored_strings_is_false_and_never_raises(stored):
    assert access.verify_pin("2468", stored) is False


def test_verify_pin_compares_with_hmac_compare_digest(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    stored = access.hash_pin("2468")
    assert access.verify_pin("2468", stored) is True
    assert access.verify_pin("1357", stored) is False
    assert len(calls) == 2
    key = bytes.fromhex(stored.split("$")[5])
    assert all(isinstance(a, bytes) and b == key for a, b in calls)


# --- PIN rules --------------------------------------------------------------------------

@pytest.mark.parametrize("pin", ["", None, "123", "1234", "48213", "x" * (access.MAX_PIN + 1),
                                 "111111", "aaaaaaaa", "123456", "654321", "012345", "890123",
                                 "9876543210", "abcdefgh", "short-1", "٤٨٢٩١٣"])
def test_pin_problem_refuses(pin):
    assert isinstance(access.pin_problem(pin), str) and access.pin_problem(pin)


@pytest.mark.parametrize("pin", ["482913", "1112131", "x" * (access.MAX_PIN - 1) + "y",
                                 "ñandú-río", "correct horse battery staple", PIN])
def test_pin_problem_accepts(pin):
    assert access.pin_problem(pin) is None


def test_pin_problem_messages_name_the_limits():
    assert str(access.MIN_DIGITS) in access.pin_problem("1234")
    assert str(access.MIN_PASSPHRASE) in access.pin_problem("abc-12")
    assert str(access.MAX_PIN) in access.pin_problem("x" * 65)
    assert "repeated" in access.pin_problem("111111")
    assert "123456" in access.pin_problem("123456")


# --- set_pin / has_pin ------------------------------------------------------------------

def test_set_pin_and_has_pin(db):
    assert access.has_pin(db, "CLASS") is False
    access.set_pin(db, "CLASS", "482913")
    assert access.has_pin(db, "CLASS") is True
    assert check(db, "CLASS", "482913").ok


def test_set_pin_changes_the_pin_and_its_generation(db):
    access.set_pin(db, "CLASS", "482913")
    assert pin_row(db, "CLASS")[1] == 1
    access.set_pin(db, "CLASS", "864297")
    assert pin_row(db, "CLASS")[1] == 2
    assert not check(db, "CLASS", "482913").ok
    assert check(db, "CLASS", "864297").ok
    assert db.execute("select count(*) from pins").fetchone()[0] == 1


@pytest.mark.parametrize("pin", ["12", "000000", "", "1234"])
def test_set_pin_refuses_a_bad_pin_and_stores_nothing(db, pin):
    with pytest.raises(ValueError):
        access.set_pin(db, "CLASS", pin)
    assert not access.has_pin(db, "CLASS")


def test_set_pin_refuses_an_unknown_session(db):
    with pytest.raises(ValueError, match="NOPE"):
        access.set_pin(db, "NOPE", "482913")
    assert db.execute("select count(*) from pins").fetchone()[0] == 0


def test_set_pin_clears_the_session_throttle(db, with_pin):
    for i in range(access.SESSION_FREE_TRIES):
        check(db, with_pin, "wrong-pin", browser=f"guesser-{i}")
    assert not check(db, with_pin, PIN, browser="owner").ok  # the session slowed down
    access.set_pin(db, with_pin, "new-pin-1")  # the CLI's "forgot the PIN" path
    assert check(db, with_pin, "new-pin-1", browser="owner").ok


def test_the_stored_hash_never_contains_the_pin(tmp_path):
    path = tmp_path / "secret.db"
    database = w4r_db.connect(path)
    pin = "Pin-Qx81-unique"
    access.set_pin(database, "CLASS", pin)
    check(database, "CLASS", "wrong-one")
    token = access.sign_in(database, "CLASS", pin, BROWSER, now=T0).token
    stored = pin_row(database, "CLASS")[0]
    assert pin not in stored and pin.encode().hex() not in stored
    database.conn.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("secret.db"))
    assert pin.encode() not in raw
    assert pin.encode("utf-16-le") not in raw
    assert token.encode() not in raw  # only the sign-in token's hash is kept


# --- no first PIN from a browser; setup codes --------------------------------------------------

def test_a_visitor_has_no_way_to_choose_the_first_pin():
    assert not hasattr(access, "set_first_pin")


def test_a_session_without_a_pin_cannot_be_signed_in_to(db):
    attempt = access.sign_in(db, "CLASS", "482913", BROWSER, now=T0)
    assert not attempt.ok and not attempt.token and "no organizer PIN" in attempt.message
    assert not access.has_pin(db, "CLASS")


def test_claim_without_a_setup_code_sets_no_pin_and_counts_a_failure(db):
    attempt = access.claim_with_setup_code(db, "CLASS", "", "482913", "482913", BROWSER, T0)
    assert not attempt.ok and "setup code" in attempt.message
    assert not access.has_pin(db, "CLASS")
    assert throttle(db, f"browser:{BROWSER}")[0] == 1
    assert throttle(db, "session:CLASS")[0] == 1


def test_claim_with_a_wrong_setup_code_fails_and_is_throttled(db):
    access.new_setup_code(db, "CLASS", now=T0)
    answers = [access.claim_with_setup_code(db, "CLASS", f"WRONG-CODE-{i:02d}", "482913",
                                            "482913", BROWSER, T0) for i in range(10)]
    assert not any(a.ok for a in answers) and not access.has_pin(db, "CLASS")
    assert throttle(db, f"browser:{BROWSER}")[0] == access.FREE_TRIES
    assert answers[access.FREE_TRIES].wait_s > 0
    assert answers[-1].message.startswith("Too many wrong setup codes.")


def test_the_right_setup_code_sets_the_first_pin_signs_in_and_works_once(db):
    setup_code = access.new_setup_code(db, "CLASS", now=T0)
    assert len(setup_code.replace("-", "")) >= 10
    assert set(setup_code.replace("-", "")) <= set(access.SETUP_ALPHABET)
    stored = db.execute("select hash from setup_codes").fetchone()[0]
    assert setup_code not in stored and setup_code.replace("-", "") not in stored
    typed = setup_code.lower().replace("-", " ")  # typed loosely
    attempt = access.claim_with_setup_code(db, "CLASS", typed, "482913", "482913", BROWSER,
                                           T0 + 60)
    assert attempt.ok and attempt.token
    assert access.signed_in(db, attempt.token, now=T0 + 61) == "CLASS"
    assert check(db, "CLASS", "482913", now=T0 + 62).ok
    assert db.execute("select count(*) from setup_codes").fetchone()[0] == 0
    again = access.claim_with_setup_code(db, "CLASS", setup_code, "111-other", "111-other",
                                         "browser-2", T0 + 63)
    assert not again.ok and "already has a PIN" in again.message
    assert not check(db, "CLASS", "111-other", now=T0 + 64, browser="browser-3").ok


def test_a_setup_code_expires_after_a_day(db):
    setup_code = access.new_setup_code(db, "CLASS", now=T0)
    late = access.claim_with_setup_code(db, "CLASS", setup_code, "482913", "482913", BROWSER,
                                        T0 + access.SETUP_TTL_S + 1)
    assert not late.ok and "expired" in late.message and not access.has_pin(db, "CLASS")
    assert access.SETUP_TTL_S == 24 * 3600


def test_a_new_setup_code_replaces_the_last(db):
    first = access.new_setup_code(db, "CLASS", now=T0)
    second = access.new_setup_code(db, "CLASS", now=T0)
    assert first != second
    assert db.execute("select count(*) from setup_codes").fetchone()[0] == 1
    assert not access.claim_with_setup_code(db, "CLASS", first, "482913", "482913",
                                            BROWSER, T0).ok
    assert access.claim_with_setup_code(db, "CLASS", second, "482913", "482913",
                                        BROWSER, T0).ok


def test_claim_checks_the_pin_rules_and_both_pins_without_using_the_code(db):
    setup_code = access.new_setup_code(db, "CLASS", now=T0)
    weak = access.claim_with_setup_code(db, "CLASS", setup_code, "1234", "1234", BROWSER, T0)
    assert not weak.ok and "6" in weak.message
    differ = access.claim_with_setup_code(db, "CLASS", setup_code, "482913", "482914",
                                          BROWSER, T0)
    assert not differ.ok and "differ" in differ.message
    assert access.claim_with_setup_code(db, "CLASS", setup_code, "482913", "482913",
                                        BROWSER, T0).ok


def test_no_setup_code_for_a_session_with_a_pin_or_no_session(db, with_pin):
    with pytest.raises(ValueError, match="session pin"):
        access.new_setup_code(db, with_pin)
    with pytest.raises(ValueError, match="NOPE"):
        access.new_setup_code(db, "NOPE")


def test_a_pin_change_drops_a_waiting_setup_code(db):
    setup_code = access.new_setup_code(db, "CLASS", now=T0)
    access.set_pin(db, "CLASS", "482913")
    assert db.execute("select count(*) from setup_codes").fetchone()[0] == 0
    assert not access.claim_with_setup_code(db, "CLASS", setup_code, "other-pin-9",
                                            "other-pin-9", BROWSER, T0).ok


def _claim_worker(path, setup_code, pin, barrier, results):
    database = w4r_db.connect(path)
    barrier.wait(timeout=30)
    try:
        results.put(pin if access.claim_with_setup_code(database, "CLASS", setup_code, pin, pin,
                                                        f"b-{pin}").ok else None)
    finally:
        database.conn.close()


def run_together(target, argument_lists):
    """Run target(*args, barrier, queue) in one spawned process per args; return the results."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(argument_lists)), ctx.Queue()
    processes = [ctx.Process(target=target, args=(*args, barrier, results))
                 for args in argument_lists]
    for process in processes:
        process.start()
    found = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return found


def test_one_setup_code_used_at_once_by_three_processes_has_one_winner(tmp_path):
    path = tmp_path / "race.db"
    database = w4r_db.connect(path)
    setup_code = access.new_setup_code(database, "CLASS")
    pins = ["first-111", "second-22", "third-333"]
    target = str(config.db_target(path))  # a URL on PostgreSQL
    results = run_together(_claim_worker, [(target, setup_code, p) for p in pins])
    winners = [r for r in results if r]
    assert len(winners) == 1, results
    assert check(database, "CLASS", winners[0], now=time.time()).ok
    database.conn.close()


# --- create_session: both or neither -----------------------------------------------------

def test_create_session_creates_the_session_and_its_pin(db):
    created = access.create_session(db, "482913", "Class 7B", "class", 25, "7b-2026",
                                    grouping="Hill School", keep_text=True)
    assert created.code == "7B2026"
    stored = sessions.get(db, "7B2026")
    assert stored == created and stored.goal == 25 and stored.keep_text
    assert stored.grouping == "Hill School"
    assert check(db, "7B2026", "482913").ok


def test_create_session_with_a_random_code(db):
    created = access.create_session(db, "482913", "Stand")
    assert sessions.code_problem(created.code) is None
    assert access.has_pin(db, created.code)


@pytest.mark.parametrize("pin", ["12", "1111", "", "123456"])
def test_create_session_with_a_bad_pin_creates_no_session(db, pin):
    before = [s.code for s in sessions.all_sessions(db)]
    with pytest.raises(ValueError):
        access.create_session(db, pin, "Class 7B", code="SEVENB")
    assert sessions.get(db, "SEVENB") is None
    assert [s.code for s in sessions.all_sessions(db)] == before


def test_create_session_with_an_unhashable_pin_creates_no_session(db):
    """A PIN that passes the rules but cannot be hashed: the session is rolled back."""
    with pytest.raises(ValueError):
        access.create_session(db, "\ud800abc-defg", "Class 7B", code="SEVENB")
    assert sessions.get(db, "SEVENB") is None
    assert db.execute("select count(*) from pins").fetchone()[0] == 0


def test_create_session_with_a_used_code_creates_no_pin(db):
    with pytest.raises(ValueError, match="already used"):
        access.create_session(db, "482913", "Another", code="CLASS")
    assert not access.has_pin(db, "CLASS")
    assert sessions.get(db, "CLASS").name == w4r_db.DEFAULT_SESSION_NAME


def test_create_session_with_bad_settings_creates_nothing(db):
    with pytest.raises(ValueError):
        access.create_session(db, "482913", "Class", code="BADSET", goal=-3)
    with pytest.raises(ValueError):
        access.create_session(db, "482913", "Class", code="BADSET", language="English")
    assert sessions.get(db, "BADSET") is None
    assert db.execute("select count(*) from pins").fetchone()[0] == 0


def test_create_session_is_visible_from_another_connection(tmp_path):
    path = tmp_path / "seen.db"
    first = w4r_db.connect(path)
    access.create_session(first, "482913", "Class", code="SEEN")
    second = w4r_db.connect(path)
    assert sessions.get(second, "SEEN") is not None
    assert check(second, "SEEN", "482913").ok
    first.conn.close()
    second.conn.close()


# --- change_pin ---------------------------------------------------------------------------

def test_change_pin_with_the_right_old_pin(db, with_pin):
    token = access.change_pin(db, with_pin, PIN, "new-pin-1", "new-pin-1", BROWSER)
    assert access.signed_in(db, token) == with_pin  # the one who changed it stays signed in
    assert check(db, with_pin, "new-pin-1").ok
    assert not check(db, with_pin, PIN).ok


def test_change_pin_with_a_wrong_old_pin_changes_nothing_and_counts_a_failure(db, with_pin):
    with pytest.raises(ValueError, match="not right"):
        access.change_pin(db, with_pin, "wrong", "new-pin-1", "new-pin-1", BROWSER)
    assert throttle(db, f"browser:{BROWSER}")[0] == 1
    assert check(db, with_pin, PIN).ok


def test_change_pin_with_different_new_pins_changes_nothing(db, with_pin):
    with pytest.raises(ValueError, match="differ"):
        access.change_pin(db, with_pin, PIN, "new-pin-1", "new-pin-2", BROWSER)
    assert check(db, with_pin, PIN).ok


def test_change_pin_to_a_bad_pin_changes_nothing_and_costs_no_try(db, with_pin):
    with pytest.raises(ValueError):
        access.change_pin(db, with_pin, PIN, "1234", "1234", BROWSER)
    assert throttle(db, f"browser:{BROWSER}")[0] == 0
    assert check(db, with_pin, PIN).ok


def test_change_pin_is_refused_while_the_browser_waits(db, with_pin):
    for _ in range(access.FREE_TRIES):
        check(db, with_pin, "wrong", now=time.time())
    with pytest.raises(ValueError, match="Too many wrong PINs"):
        access.change_pin(db, with_pin, PIN, "new-pin-1", "new-pin-1", BROWSER)
    assert check(db, with_pin, PIN, browser="another").ok  # not changed


# --- check and throttling -----------------------------------------------------------------

def test_check_without_a_pin(db):
    attempt = check(db, "CLASS", "482913")
    assert not attempt.ok and attempt.wait_s == 0 and "no organizer PIN" in attempt.message


def test_check_right_and_wrong(db, with_pin):
    assert check(db, with_pin, PIN) == access.Attempt(True)
    wrong = check(db, with_pin, "nope")
    assert not wrong.ok and wrong.wait_s == 0 and wrong.message == "That PIN is not right."
    assert not check(db, with_pin, None).ok


def test_wait_after_doubles_and_is_capped():
    for failures in range(access.FREE_TRIES):
        assert access.wait_after(failures) == 0
    waits = [access.wait_after(access.FREE_TRIES + k) for k in range(12)]
    assert waits[0] == access.FIRST_WAIT_S
    for before, after in zip(waits, waits[1:]):
        assert after == min(before * 2, access.MAX_WAIT_S)
    assert waits[-1] == access.MAX_WAIT_S
    assert access.wait_after(5000) == access.MAX_WAIT_S


def test_session_wait_is_short_and_capped():
    for failures in range(access.SESSION_FREE_TRIES):
        assert access.session_wait_after(failures) == 0
    waits = [access.session_wait_after(access.SESSION_FREE_TRIES + k) for k in range(500)]
    assert min(waits) >= access.SESSION_WAIT_S >= 1
    assert max(waits) <= access.SESSION_MAX_WAIT_S <= 3


def test_the_free_tries_get_no_wait_then_the_browser_waits(db, with_pin):
    for _ in range(access.FREE_TRIES - 1):
        assert check(db, with_pin, "wrong") == access.Attempt(False, 0.0,
                                                              "That PIN is not right.")
    last_free = check(db, with_pin, "wrong")
    assert not last_free.ok and last_free.wait_s == access.FIRST_WAIT_S
    assert last_free.message == "Too many wrong PINs. Try again in 5 seconds."
    assert throttle(db, f"browser:{BROWSER}") == (access.FREE_TRIES, T0 + access.FIRST_WAIT_S)


def test_the_right_pin_is_refused_during_the_wait_then_works_and_resets(db, with_pin):
    for _ in range(access.FREE_TRIES):
        check(db, with_pin, "wrong")
    during = check(db, with_pin, PIN, now=T0 + 1)
    assert not during.ok and during.wait_s == pytest.approx(access.FIRST_WAIT_S - 1)
    assert "Try again in 4 seconds" in during.message
    assert throttle(db, f"browser:{BROWSER}")[0] == access.FREE_TRIES  # refused, not counted
    assert not check(db, with_pin, "wrong", now=T0 + 2).ok
    assert throttle(db, f"browser:{BROWSER}")[0] == access.FREE_TRIES
    assert check(db, with_pin, PIN, now=T0 + access.FIRST_WAIT_S).ok
    assert throttle(db, f"browser:{BROWSER}") == (0, 0.0)
    assert check(db, with_pin, "wrong", now=T0 + 10).wait_s == 0


def test_waits_grow_after_each_wrong_try_up_to_15_minutes(db, with_pin):
    now = T0
    for _ in range(access.FREE_TRIES):
        attempt = check(db, with_pin, "wrong", now=now)
    waits = [attempt.wait_s]
    for _ in range(10):
        now += waits[-1]
        attempt = check(db, with_pin, "wrong", now=now)
        assert not attempt.ok
        waits.append(attempt.wait_s)
    assert waits[:5] == [5.0, 10.0, 20.0, 40.0, 80.0]
    assert waits[-1] == access.MAX_WAIT_S == 15 * 60
    assert "900 seconds" in attempt.message
    assert not check(db, with_pin, PIN, now=now + 1).ok
    assert check(db, with_pin, PIN, now=now + access.MAX_WAIT_S).ok


def test_a_pupils_wrong_pins_do_not_lock_the_teacher_out(db, with_pin):
    for i in range(access.FREE_TRIES + 5):
        check(db, with_pin, f"guess-{i}", now=T0 + i)
    assert check(db, with_pin, PIN, now=T0 + 10, browser="teacher").ok


def test_many_browsers_guessing_slow_the_session_down_for_a_few_seconds_only(db, with_pin):
    answers = [check(db, with_pin, f"guess-{i}", browser=f"tab-{i}")
               for i in range(access.SESSION_FREE_TRIES + 5)]
    assert all(a.wait_s == 0 for a in answers[:access.SESSION_FREE_TRIES - 1])
    assert all(0 < a.wait_s <= access.SESSION_MAX_WAIT_S
               for a in answers[access.SESSION_FREE_TRIES - 1:])
    owner = check(db, with_pin, PIN, browser="teacher")
    assert not owner.ok and owner.wait_s <= access.SESSION_MAX_WAIT_S
    assert check(db, with_pin, PIN, now=T0 + owner.wait_s, browser="teacher").ok


def test_the_throttle_survives_a_new_connection(tmp_path):
    """Throttling is kept in the file: reloading the browser page does not reset it."""
    path = tmp_path / "lock.db"
    first = w4r_db.connect(path)
    access.create_session(first, PIN, "Class", code="LOCK")
    for _ in range(access.FREE_TRIES):
        check(first, "LOCK", "wrong")
    first.conn.close()
    second = w4r_db.connect(path)
    refused = check(second, "LOCK", PIN, now=T0 + 1)
    assert not refused.ok and refused.wait_s > 0
    second.conn.close()
    with w4r_db.opened(path) as plain:
        assert plain.execute("select failures from throttle where key = ?",
                             [f"browser:{BROWSER}"]).fetchone()[0] == access.FREE_TRIES
    third = w4r_db.connect(path)
    assert check(third, "LOCK", PIN, now=T0 + access.FIRST_WAIT_S).ok
    third.conn.close()


def test_the_throttle_is_decided_before_the_hash(db, with_pin, monkeypatch):
    """While a slow check runs, the try is already counted: a parallel one sees it."""
    seen = []

    def spying_verify(pin, stored):
        seen.append(throttle(db, f"browser:{BROWSER}")[0])
        return False

    monkeypatch.setattr(access, "verify_pin", spying_verify)
    check(db, with_pin, "wrong")
    check(db, with_pin, "wrong")
    assert seen == [1, 2]


class CountingVerify:
    """Wrap verify_pin to count the PINs really hashed (thread-safe)."""

    def __init__(self, real):
        self.real, self.lock, self.pins = real, threading.Lock(), []

    def __call__(self, pin, stored):
        with self.lock:
            self.pins.append(pin)
        return self.real(pin, stored)


def test_40_parallel_wrong_pins_from_one_browser_hash_only_the_free_tries(tmp_path, monkeypatch):
    monkeypatch.setattr(access, "SCRYPT", REAL_SCRYPT)  # each check is slow: the tries overlap
    path = tmp_path / "threads.db"
    monkeypatch.setattr(postgres, "POOL_MAX", 45)  # PostgreSQL: 40 connections at once
    setup = w4r_db.connect(path)
    access.create_session(setup, PIN, "Race", code="RACE")
    setup.conn.close()
    counting = CountingVerify(access.verify_pin)
    monkeypatch.setattr(access, "verify_pin", counting)
    guesses = [f"guess-{i:03d}" for i in range(39)] + [PIN]
    barrier, answers = threading.Barrier(len(guesses)), {}

    def guess(pin):
        database = w4r_db.connect(path)
        barrier.wait(timeout=30)
        try:
            if pin == PIN:  # the right PIN comes once the free tries are taken, maybe mid-hash
                while throttle(database, "browser:attacker")[0] < access.FREE_TRIES:
                    time.sleep(0.001)
            answers[pin] = access.sign_in(database, "RACE", pin, "attacker")
        except w4r_db.STORAGE_ERRORS as exc:  # 40 writers at once on a loaded machine: the
            answers[pin] = exc  # app says "busy, try again" (w4r.ui.storage); never a sign-in
        finally:
            database.conn.close()

    threads = [threading.Thread(target=guess, args=(pin,)) for pin in guesses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    busy = {pin: a for pin, a in answers.items() if isinstance(a, Exception)}
    assert all(w4r_db.problem(exc) == w4r_db.BUSY for exc in busy.values()), busy
    assert len(busy) <= 2, busy  # a rare unlucky wait, not the rule
    for pin in busy:
        del answers[pin]
    assert len(answers) + len(busy) == 40 and not any(a.ok or a.token for a in answers.values())
    assert len(counting.pins) == access.FREE_TRIES, counting.pins  # nothing beyond the throttle
    assert PIN not in counting.pins and (PIN in busy or answers[PIN].wait_s > 0)
    assert sum(a.wait_s > 0 for a in answers.values()) >= 40 - access.FREE_TRIES - len(busy)
    started = time.monotonic()
    owner = access.sign_in(w4r_db.connect(path), "RACE", PIN, "teacher")
    assert owner.ok and owner.token and time.monotonic() - started < 5


def _rotating_guesser(path, proc, tries, barrier, results):
    counted = []
    real = access.verify_pin
    access.verify_pin = lambda pin, stored: counted.append(pin) or real(pin, stored)
    database = w4r_db.connect(path)
    barrier.wait(timeout=30)  # every process guesses at the same moment
    try:
        answers = [access.sign_in(database, "RACE", f"guess-{proc}-{i}", f"tab-{proc}-{i}",
                                  now=T0) for i in range(tries)]
        answers.append(access.sign_in(database, "RACE", PIN, f"tab-{proc}-right", now=T0))
        results.put((counted, [a.ok for a in answers]))
    finally:
        database.conn.close()


def test_four_processes_guessing_from_new_browsers_each_time(tmp_path):
    """An attacker who opens a new tab for every guess meets the session's throttle."""
    path = tmp_path / "race.db"
    database = w4r_db.connect(path)
    access.create_session(database, PIN, "Race", code="RACE")
    tries = access.SESSION_FREE_TRIES + 2
    target = str(config.db_target(path))  # a URL on PostgreSQL
    results = run_together(_rotating_guesser, [(target, p, tries) for p in range(4)])
    hashed = [pin for counted, _ in results for pin in counted]
    assert len(hashed) == access.SESSION_FREE_TRIES and PIN not in hashed, hashed
    assert not any(ok for _, oks in results for ok in oks)
    assert throttle(database, "session:RACE")[0] == access.SESSION_FREE_TRIES
    owner = access.sign_in(database, "RACE", PIN, "teacher", now=T0)
    assert not owner.ok and owner.wait_s <= access.SESSION_MAX_WAIT_S
    assert access.sign_in(database, "RACE", PIN, "teacher", now=T0 + owner.wait_s).ok
    database.conn.close()


# --- sign-ins -----------------------------------------------------------------------------------

def test_sign_in_gives_a_token_whose_hash_only_is_kept(db, with_pin):
    attempt = access.sign_in(db, with_pin, PIN, BROWSER, now=T0)
    assert attempt.ok and len(attempt.token) >= 40
    stored = db.execute("select token_hash, session_code, generation from signins").fetchall()
    assert len(stored) == 1 and stored[0][0] != attempt.token and stored[0][1:] == (with_pin, 1)
    assert access.signed_in(db, attempt.token, now=T0 + 1) == with_pin
    assert access.signed_in(db, attempt.token + "x", now=T0 + 1) is None
    assert access.signed_in(db, "", now=T0 + 1) is None


def test_a_wrong_pin_gives_no_token(db, with_pin):
    attempt = access.sign_in(db, with_pin, "wrong-pin", BROWSER, now=T0)
    assert not attempt.ok and attempt.token == ""
    assert db.execute("select count(*) from signins").fetchone()[0] == 0


def test_a_sign_in_expires_after_30_idle_minutes(db, with_pin):
    token = access.sign_in(db, with_pin, PIN, BROWSER, now=T0).token
    assert access.SIGNIN_IDLE_S == 30 * 60
    assert access.signed_in(db, token, now=T0 + access.SIGNIN_IDLE_S - 1) == with_pin
    # used just now: it lasts another 30 minutes from here
    later = T0 + access.SIGNIN_IDLE_S - 1 + access.SIGNIN_IDLE_S - 1
    assert access.signed_in(db, token, now=later) == with_pin
    assert access.signed_in(db, token, now=later + access.SIGNIN_IDLE_S) is None
    assert db.execute("select count(*) from signins").fetchone()[0] == 0  # gone for good
    assert access.signed_in(db, token, now=later) is None


def test_a_short_idle_time(db, with_pin):
    token = access.sign_in(db, with_pin, PIN, BROWSER, now=T0).token
    assert access.signed_in(db, token, now=T0 + 5, idle_s=10) == with_pin
    assert access.signed_in(db, token, now=T0 + 16, idle_s=10) is None


def test_last_seen_is_written_at_most_once_a_minute(db, with_pin):
    token = access.sign_in(db, with_pin, PIN, BROWSER, now=T0).token

    def last_seen():
        return db.execute("select last_seen from signins").fetchone()[0]

    access.signed_in(db, token, now=T0 + 30)
    assert last_seen() == T0
    access.signed_in(db, token, now=T0 + 61)
    assert last_seen() == T0 + 61


def test_a_kiosk_sign_in_ends_after_the_kiosks_idle_time_a_normal_one_lasts_30_min(db, with_pin):
    sessions.update(db, with_pin, kiosk=True, idle_seconds=10)
    kiosk = access.sign_in(db, with_pin, PIN, BROWSER, now=T0, at_kiosk=True).token
    normal = access.sign_in(db, with_pin, PIN, "other-browser", now=T0).token
    assert access.idle_limit(db, kiosk) == 10 and access.idle_limit(db, normal) == 30 * 60
    assert access.signed_in(db, kiosk, now=T0 + 9) == with_pin
    assert access.signed_in(db, kiosk, now=T0 + 18) == with_pin, "used at T0+9: 10 s from there"
    assert access.signed_in(db, kiosk, now=T0 + 29) is None, "11 s unused: ended"
    assert access.idle_limit(db, kiosk) is None, "and gone"
    assert access.signed_in(db, normal, now=T0 + 29) == with_pin
    assert access.signed_in(db, normal, now=T0 + access.SIGNIN_IDLE_S - 1) == with_pin


def test_a_kiosk_sign_in_is_never_longer_than_an_ordinary_one(db, with_pin):
    sessions.update(db, with_pin, kiosk=True, idle_seconds=3600)
    token = access.sign_in(db, with_pin, PIN, BROWSER, now=T0, at_kiosk=True).token
    assert access.idle_limit(db, token) == access.SIGNIN_IDLE_S
    assert access.signed_in(db, token, now=T0 + access.SIGNIN_IDLE_S + 1) is None


def test_looking_at_a_sign_in_is_not_using_it(db, with_pin):
    sessions.update(db, with_pin, kiosk=True, idle_seconds=10)
    token = access.sign_in(db, with_pin, PIN, BROWSER, now=T0, at_kiosk=True).token
    for later in (T0 + 3, T0 + 6, T0 + 9):  # a timer looking every 3 s
        assert access.signed_in(db, token, now=later, touch=False) == with_pin
    assert access.signed_in(db, token, now=T0 + 11, touch=False) is None


def test_a_pin_changed_from_a_kiosk_sign_in_keeps_it_short(db, with_pin):
    sessions.update(db, with_pin, kiosk=True, idle_seconds=10)
    kiosk = access.sign_in(db, with_pin, PIN, BROWSER, at_kiosk=True).token
    renewed = access.change_pin(db, with_pin, PIN, "new-pin-42", "new-pin-42", BROWSER, kiosk)
    assert access.idle_limit(db, renewed) == 10
    normal = access.sign_in(db, with_pin, "new-pin-42", "b2").token
    again = access.change_pin(db, with_pin, "new-pin-42", "new-pin-43", "new-pin-43", "b2", normal)
    assert access.idle_limit(db, again) == access.SIGNIN_IDLE_S


def test_an_automatic_refresh_keeps_an_ordinary_sign_in_alive_but_not_a_kiosks(db, with_pin):
    sessions.update(db, with_pin, kiosk=True, idle_seconds=10)
    kiosk = access.sign_in(db, with_pin, PIN, BROWSER, now=T0, at_kiosk=True).token
    normal = access.sign_in(db, with_pin, PIN, "b2", now=T0).token
    for later in range(3, 3 * 1000, 3):  # the Projector page's refresh, every 3 s for 50 min
        access.signed_in(db, normal, now=T0 + later, automatic=True)
        access.signed_in(db, kiosk, now=T0 + later, automatic=True)
    assert access.signed_in(db, normal, now=T0 + 3000) == with_pin, "a projector on the wall"
    assert access.signed_in(db, kiosk, now=T0 + 3000) is None


def test_a_kiosk_sign_in_does_not_end_other_sign_ins_early(db, with_pin):
    sessions.update(db, with_pin, kiosk=True, idle_seconds=10)
    normal = access.sign_in(db, with_pin, PIN, "b1", now=T0).token
    access.sign_in(db, with_pin, PIN, "b2", now=T0 + 600, at_kiosk=True)  # purges expired rows
    assert access.signed_in(db, normal, now=T0 + 601) == with_pin


def test_a_pin_change_ends_every_sign_in(db, with_pin):
    tokens = [access.sign_in(db, with_pin, PIN, f"b{i}", now=T0).token for i in range(3)]
    other = access.create_session(db, "other-pin-7", "Other", code="OTHER")
    kept_token = access.sign_in(db, other.code, "other-pin-7", "b9", now=T0).token
    access.set_pin(db, with_pin, "new-pin-1")
    assert all(access.signed_in(db, t, now=T0 + 1) is None for t in tokens)
    assert access.signed_in(db, kept_token, now=T0 + 1) == "OTHER"


def test_a_sign_in_from_before_a_pin_change_is_refused_even_if_its_row_stays(db, with_pin):
    token = access.sign_in(db, with_pin, PIN, BROWSER, now=T0).token
    db.execute("update pins set generation = generation + 1")
    assert access.signed_in(db, token, now=T0 + 1) is None


def test_sign_out_ends_the_sign_in(db, with_pin):
    token = access.sign_in(db, with_pin, PIN, BROWSER, now=T0).token
    access.sign_out(db, token)
    assert access.signed_in(db, token, now=T0 + 1) is None
    access.sign_out(db, "")  # harmless
