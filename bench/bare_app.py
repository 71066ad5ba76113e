"""The baseline for bench/load.py: a minimal Streamlit app with a text area, a button and one
SQLite insert per count, so that the same journey costs the same number of reruns.

Run: BARE_DB=/tmp/bare.db streamlit run bench/bare_app.py
"""

import os
import sqlite3
import uuid

import streamlit as st

DB = os.environ.get("BARE_DB", "bare.db")

st.title("Bare")
letter = st.text_area("Letter", key="letter")
st.button("Next")  # every click that is not a count: a rerun with a trigger, nothing else
if st.button("Count"):
    with sqlite3.connect(DB) as conn:  # one insert, one commit
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS actions (submission_id TEXT PRIMARY KEY, "
                     "body TEXT, count INTEGER)")
        conn.execute("INSERT OR IGNORE INTO actions VALUES (?, ?, 1)",
                     (uuid.uuid4().hex, letter))
    conn.close()
    st.success("Thank you! Your letter is counted.")
