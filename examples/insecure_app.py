"""A small web app with the mistakes secure-ls is built to catch and fix."""

import hashlib
import random
import sqlite3
import string

import requests
import yaml
from flask import Flask, request

app = Flask(__name__)


def find_user(conn: sqlite3.Connection, name: str):
    cur = conn.cursor()
    cur.execute(f"SELECT id, email FROM users WHERE name = '{name}'")
    return cur.fetchone()


@app.route("/search")
def search():
    conn = sqlite3.connect("app.db")
    term = request.args.get("q", "")
    query = "SELECT title FROM posts WHERE title LIKE '%" + term + "%'"
    rows = conn.execute(query).fetchall()
    conn.close()
    return {"results": rows}


def store_password(password: str) -> str:
    return hashlib.md5(password.encode()).hexdigest()


def verify_webhook(expected_signature: str, signature: str) -> bool:
    return expected_signature == signature


def new_reset_token() -> str:
    return "".join(random.choice(string.ascii_letters) for _ in range(32))


def fetch_status(url: str):
    return requests.get(url, verify=False, timeout=10).json()


def load_settings(path: str):
    with open(path) as f:
        return yaml.load(f, Loader=yaml.Loader)
