"""Organizer PINs (w4r/access.py): salted scrypt hashes, checks, first PINs, throttling."""

from __future__ import annotations

import hmac
import multiprocessing
import re
import sqlite3

import pytest

from w4r import access, db as w4r_db, sessions

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


def pin_row(database, code):
    return database.execute("select hash, failures, locked_until from pins where "
                            "session_code = ?", [code]).fetchone()


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

@pytest.mark.parametrize("pin", ["", None, "123", "x" * (access.MAX_PIN + 1), "1111", "aaaaaaa"])
def test_pin_problem_refuses(pin):
    assert isinstance(access.pin_problem(pin), str) and access.pin_problem(pin)


@pytest.mark.parametrize("pin", ["1234", "1112", "x" * (access.MAX_PIN - 1) + "y", "ñandú",
                                 "correct horse battery staple"])
def test_pin_problem_accepts(pin):
    assert access.pin_problem(pin) is None


def test_pin_problem_length_messages_name_the_limits():
    assert str(access.MIN_PIN) in access.pin_problem("12")
    assert str(access.MAX_PIN) in access.pin_problem("12")


# --- set_pin / has_pin ------------------------------------------------------------------

def test_set_pin_and_has_pin(db):
    assert access.has_pin(db, "CLASS") is False
    access.set_pin(db, "CLASS", "2468")
    assert access.has_pin(db, "CLASS") is True
    assert access.check(db, "CLASS", "2468", now=T0).ok


def test_set_pin_changes_the_pin(db):
    access.set_pin(db, "CLASS", "2468")
    access.set_pin(db, "CLASS", "8642")
    assert not access.check(db, "CLASS", "2468", now=T0).ok
    assert access.check(db, "CLASS", "8642", now=T0).ok
    assert db.execute("select count(*) from pins").fetchone()[0] == 1


@pytest.mark.parametrize("pin", ["12", "0000", ""])
def test_set_pin_refuses_a_bad_pin_and_stores_nothing(db, pin):
    with pytest.raises(ValueError):
        access.set_pin(db, "CLASS", pin)
    assert not access.has_pin(db, "CLASS")


def test_set_pin_refuses_an_unknown_session(db):
    with pytest.raises(ValueError, match="NOPE"):
        access.set_pin(db, "NOPE", "2468")
    assert db.execute("select count(*) from pins").fetchone()[0] == 0


def test_set_pin_clears_a_lock(db, with_pin):
    for _ in range(access.FREE_TRIES + 1):
        access.check(db, with_pin, "wrong", now=T0)
    assert not access.check(db, with_pin, PIN, now=T0 + 1).ok  # locked
    access.set_pin(db, with_pin, "new-pin-1")  # the CLI's "forgot the PIN" path
    assert access.check(db, with_pin, "new-pin-1", now=T0 + 1).ok
    assert pin_row(db, with_pin)[1:] == (0, 0)


def test_the_stored_hash_never_contains_the_pin(tmp_path):
    path = tmp_path / "secret.db"
    database = w4r_db.connect(path)
    pin = "Pin-Qx81-unique"
    access.set_pin(database, "CLASS", pin)
    access.check(database, "CLASS", "wrong-one", now=T0)
    stored = pin_row(database, "CLASS")[0]
    assert pin not in stored and pin.encode().hex() not in stored
    database.conn.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("secret.db"))
    assert pin.encode() not in raw
    assert pin.encode("utf-16-le") not in raw


# --- first PIN -------------------------------------------------------------------------

def test_set_first_pin_typed_twice(db):
    access.set_first_pin(db, "CLASS", "2468", "2468")
    assert access.check(db, "CLASS", "2468", now=T0).ok


def test_set_first_pin_refuses_two_different_pins(db):
    with pytest.raises(ValueError, match="differ"):
        access.set_first_pin(db, "CLASS", "2468", "2469")
    assert not access.has_pin(db, "CLASS")


def test_set_first_pin_refuses_a_bad_pin(db):
    with pytest.raises(ValueError):
        access.set_first_pin(db, "CLASS", "12", "12")
    assert not access.has_pin(db, "CLASS")


def test_set_first_pin_refuses_when_a_pin_exists_and_keeps_it(db):
    access.set_first_pin(db, "CLASS", "2468", "2468")
    with pytest.raises(ValueError, match="already has a PIN"):
        access.set_first_pin(db, "CLASS", "9999-x", "9999-x")
    assert access.check(db, "CLASS", "2468", now=T0).ok
    assert not access.check(db, "CLASS", "9999-x", now=T0).ok


def test_set_first_pin_from_a_second_connection_is_refused(tmp_path):
    path = tmp_path / "two.db"
    first, second = w4r_db.connect(path), w4r_db.connect(path)
    access.set_first_pin(first, "CLASS", "2468", "2468")
    with pytest.raises(ValueError, match="already has a PIN"):
        access.set_first_pin(second, "CLASS", "1357", "1357")
    assert access.check(second, "CLASS", "2468", now=T0).ok
    first.conn.close()
    second.conn.close()


def _first_pin_worker(path, pin, barrier, results):
    database = w4r_db.connect(path)
    barrier.wait(timeout=30)  # every process tries at the same moment
    try:
        access.set_first_pin(database, "CLASS", pin, pin)
        results.put(pin)
    except ValueError:
        results.put(None)
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


def test_set_first_pin_race_between_processes_has_exactly_one_winner(tmp_path, monkeypatch):
    monkeypatch.setattr(access, "SCRYPT", REAL_SCRYPT)
    path = tmp_path / "race.db"
    w4r_db.connect(path).conn.close()
    pins = ["first-111", "second-22", "third-333"]
    results = run_together(_first_pin_worker, [(str(path), p) for p in pins])
    winners = [r for r in results if r]
    assert len(winners) == 1, results
    database = w4r_db.connect(path)
    assert access.check(database, "CLASS", winners[0], now=T0).ok
    for loser in set(pins) - set(winners):
        assert not access.check(database, "CLASS", loser, now=T0).ok
    database.conn.close()


def test_set_first_pin_on_an_unknown_session_is_a_value_error(db):
    with pytest.raises(ValueError):
        access.set_first_pin(db, "NOPE", "2468", "2468")


# --- create_session: both or neither -----------------------------------------------------

def test_create_session_creates_the_session_and_its_pin(db):
    created = access.create_session(db, "2468", "Class 7B", "class", 25, "7b-2026",
                                    grouping="Hill School", keep_text=True)
    assert created.code == "7B2026"
    stored = sessions.get(db, "7B2026")
    assert stored == created and stored.goal == 25 and stored.keep_text
    assert stored.grouping == "Hill School"
    assert access.check(db, "7B2026", "2468", now=T0).ok


def test_create_session_with_a_random_code(db):
    created = access.create_session(db, "2468", "Stand")
    assert sessions.code_problem(created.code) is None
    assert access.has_pin(db, created.code)


@pytest.mark.parametrize("pin", ["12", "1111", ""])
def test_create_session_with_a_bad_pin_creates_no_session(db, pin):
    before = [s.code for s in sessions.all_sessions(db)]
    with pytest.raises(ValueError):
        access.create_session(db, pin, "Class 7B", code="SEVENB")
    assert sessions.get(db, "SEVENB") is None
    assert [s.code for s in sessions.all_sessions(db)] == before


def test_create_session_with_an_unhashable_pin_creates_no_session(db):
    """A PIN that passes the rules but cannot be hashed: the session is rolled back."""
    with pytest.raises(ValueError):
        access.create_session(db, "\ud800abc", "Class 7B", code="SEVENB")
    assert sessions.get(db, "SEVENB") is None
    assert db.execute("select count(*) from pins").fetchone()[0] == 0


def test_create_session_with_a_used_code_creates_no_pin(db):
    with pytest.raises(ValueError, match="already used"):
        access.create_session(db, "2468", "Another", code="CLASS")
    assert not access.has_pin(db, "CLASS")
    assert sessions.get(db, "CLASS").name == w4r_db.DEFAULT_SESSION_NAME


def test_create_session_with_bad_settings_creates_nothing(db):
    with pytest.raises(ValueError):
        access.create_session(db, "2468", "Class", code="BADSET", goal=-3)
    with pytest.raises(ValueError):
        access.create_session(db, "2468", "Class", code="BADSET", language="English")
    assert sessions.get(db, "BADSET") is None
    assert db.execute("select count(*) from pins").fetchone()[0] == 0


def test_create_session_is_visible_from_another_connection(tmp_path):
    path = tmp_path / "seen.db"
    first = w4r_db.connect(path)
    access.create_session(first, "2468", "Class", code="SEEN")
    second = w4r_db.connect(path)
    assert sessions.get(second, "SEEN") is not None
    assert access.check(second, "SEEN", "2468", now=T0).ok
    first.conn.close()
    second.conn.close()


# --- change_pin ---------------------------------------------------------------------------

def test_change_pin_with_the_right_old_pin(db, with_pin):
    access.change_pin(db, with_pin, PIN, "new-pin-1", "new-pin-1")
    assert access.check(db, with_pin, "new-pin-1", now=T0).ok
    assert not access.check(db, with_pin, PIN, now=T0).ok


def test_change_pin_with_a_wrong_old_pin_changes_nothing_and_counts_a_failure(db, with_pin):
    with pytest.raises(ValueError, match="not right"):
        access.change_pin(db, with_pin, "wrong", "new-pin-1", "new-pin-1")
    assert pin_row(db, with_pin)[1] == 1
    assert access.check(db, with_pin, PIN, now=T0).ok


def test_change_pin_with_different_new_pins_changes_nothing(db, with_pin):
    with pytest.raises(ValueError, match="differ"):
        access.change_pin(db, with_pin, PIN, "new-pin-1", "new-pin-2")
    assert access.check(db, with_pin, PIN, now=T0).ok


def test_change_pin_to_a_bad_pin_changes_nothing(db, with_pin):
    with pytest.raises(ValueError):
        access.change_pin(db, with_pin, PIN, "12", "12")
    assert access.check(db, with_pin, PIN, now=T0).ok


def test_change_pin_is_refused_while_locked(db, with_pin):
    for _ in range(access.FREE_TRIES):
        access.check(db, with_pin, "wrong", now=T0)
    with pytest.raises(ValueError, match="Too many wrong PINs"):
        access.change_pin(db, with_pin, PIN, "new-pin-1", "new-pin-1")
    # not changed: once the lock passes, the old PIN still works
    row = pin_row(db, with_pin)
    assert access.check(db, with_pin, PIN, now=row[2] + 1).ok


# --- check and throttling -----------------------------------------------------------------

def test_check_without_a_pin(db):
    attempt = access.check(db, "CLASS", "2468", now=T0)
    assert not attempt.ok and attempt.wait_s == 0 and "no organizer PIN" in attempt.message


def test_check_right_and_wrong(db, with_pin):
    assert access.check(db, with_pin, PIN, now=T0) == access.Attempt(True)
    wrong = access.check(db, with_pin, "nope", now=T0)
    assert not wrong.ok and wrong.wait_s == 0 and wrong.message == "That PIN is not right."
    assert not access.check(db, with_pin, None, now=T0).ok  # type: ignore[arg-type]


def test_wait_after_doubles_and_is_capped():
    for failures in range(access.FREE_TRIES + 1):
        assert access.wait_after(failures) == 0
    waits = [access.wait_after(access.FREE_TRIES + 1 + k) for k in range(12)]
    assert waits[0] == access.FIRST_WAIT_S
    for before, after in zip(waits, waits[1:]):
        assert after == min(before * 2, access.MAX_WAIT_S)
    assert waits[-1] == access.MAX_WAIT_S
    assert access.wait_after(200) == access.MAX_WAIT_S


def test_wait_after_is_capped_for_any_number_of_failures():
    assert access.wait_after(5000) == access.MAX_WAIT_S


def test_the_free_tries_get_no_wait_then_the_lock_starts(db, with_pin):
    for _ in range(access.FREE_TRIES):
        attempt = access.check(db, with_pin, "wrong", now=T0)
        assert attempt == access.Attempt(False, 0.0, "That PIN is not right.")
    first_locked = access.check(db, with_pin, "wrong", now=T0)  # one more than the free ones
    assert not first_locked.ok and first_locked.wait_s == access.FIRST_WAIT_S
    assert first_locked.message == "Too many wrong PINs. Try again in 5 seconds."
    assert pin_row(db, with_pin)[1:] == (access.FREE_TRIES + 1, T0 + access.FIRST_WAIT_S)


def test_the_right_pin_is_refused_during_the_lock_then_works_and_resets(db, with_pin):
    for _ in range(access.FREE_TRIES + 1):
        access.check(db, with_pin, "wrong", now=T0)
    during = access.check(db, with_pin, PIN, now=T0 + 1)
    assert not during.ok and during.wait_s == pytest.approx(access.FIRST_WAIT_S - 1)
    assert "Try again in 4 seconds" in during.message
    assert pin_row(db, with_pin)[1] == access.FREE_TRIES + 1  # refused, not counted
    # a wrong PIN during the lock is refused without being counted either
    assert not access.check(db, with_pin, "wrong", now=T0 + 2).ok
    assert pin_row(db, with_pin)[1] == access.FREE_TRIES + 1
    after = access.check(db, with_pin, PIN, now=T0 + access.FIRST_WAIT_S)
    assert after.ok
    assert pin_row(db, with_pin)[1:] == (0, 0)
    # the failures start again from zero
    assert access.check(db, with_pin, "wrong", now=T0 + 10).wait_s == 0


def test_waits_grow_after_each_wrong_try_past_the_lock(db, with_pin):
    now = T0
    for _ in range(access.FREE_TRIES + 1):
        attempt = access.check(db, with_pin, "wrong", now=now)
    waits = [attempt.wait_s]
    for _ in range(10):
        now += waits[-1]  # exactly when the lock passes
        attempt = access.check(db, with_pin, "wrong", now=now)
        assert not attempt.ok
        waits.append(attempt.wait_s)
    assert waits[:5] == [5.0, 10.0, 20.0, 40.0, 80.0]
    assert max(waits) == access.MAX_WAIT_S and waits[-1] == access.MAX_WAIT_S
    assert "900 seconds" in attempt.message
    assert access.check(db, with_pin, PIN, now=now + 1).ok is False
    assert access.check(db, with_pin, PIN, now=now + access.MAX_WAIT_S).ok is True


def test_the_lock_survives_a_new_connection(tmp_path):
    """Throttling is kept in the file: reloading the browser page does not reset it."""
    path = tmp_path / "lock.db"
    first = w4r_db.connect(path)
    access.create_session(first, PIN, "Class", code="LOCK")
    for _ in range(access.FREE_TRIES + 1):
        access.check(first, "LOCK", "wrong", now=T0)
    first.conn.close()
    second = w4r_db.connect(path)
    refused = access.check(second, "LOCK", PIN, now=T0 + 1)
    assert not refused.ok and refused.wait_s > 0
    assert pin_row(second, "LOCK")[1] == access.FREE_TRIES + 1
    second.conn.close()
    with sqlite3.connect(str(path)) as plain:
        assert plain.execute("select failures from pins").fetchone()[0] == access.FREE_TRIES + 1
    third = w4r_db.connect(path)
    assert access.check(third, "LOCK", PIN, now=T0 + access.FIRST_WAIT_S).ok
    third.conn.close()


def _wrong_tries_worker(path, tries, barrier, results):
    access.FREE_TRIES = 10_000  # no lock in this process: every wrong try is counted
    database = w4r_db.connect(path)
    barrier.wait(timeout=30)  # every process guesses at the same moment
    try:
        results.put([access.check(database, "RACE", f"wrong-{i}", now=T0).ok
                     for i in range(tries)])
    finally:
        database.conn.close()


def test_concurrent_wrong_tries_from_several_processes_all_add_up(tmp_path, monkeypatch):
    monkeypatch.setattr(access, "SCRYPT", REAL_SCRYPT)  # each check is slow: the tries overlap
    path = tmp_path / "race.db"
    database = w4r_db.connect(path)
    access.create_session(database, PIN, "Race", code="RACE")
    processes, tries = 3, 3
    results = run_together(_wrong_tries_worker, [(str(path), tries)] * processes)
    assert results == [[False] * tries] * processes
    assert pin_row(database, "RACE")[1] == processes * tries
    # with the real limits, the next wrong try waits as long as that many failures say
    failures = processes * tries + 1
    assert access.check(database, "RACE", "wrong", now=T0).wait_s == access.wait_after(failures)
    assert not access.check(database, "RACE", PIN, now=T0 + 1).ok
    database.conn.close()
