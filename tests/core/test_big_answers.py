"""Big answers never hold the GIL for long: a 16 MB list is read a piece at a time (the window's thread gets its
turns meanwhile), and an error body of megabytes is read from its start, its words cut (real bodies, no mocks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from oktatool.core.encoding import PIECEWISE_FROM, loads_answer
from oktatool.core.okta.problems import MAX_RAW_BODY, oauth_error, parse_problem
from tests.conftest import REPO_ROOT

ITEM = b'{"id":"00u0000000000000000","status":"ACTIVE","profile":{"login":"bulk@example.com","n":[1,2.5,null]}},'


def big_list(size: int) -> bytes:
    return (b"[" + ITEM * (size // len(ITEM)))[:-1] + b"]"


def test_a_big_answer_reads_as_json_loads_reads_it() -> None:
    pad = b" " * PIECEWISE_FROM  # past the size where the reader goes piece by piece
    body = big_list(2 * PIECEWISE_FROM)
    assert loads_answer(body) == json.loads(body)
    members = json.dumps({f"k{i}": {"v": i, "é": [i, "x" * (i % 7)]} for i in range(20_000)}, indent=1).encode()
    assert len(members) > PIECEWISE_FROM and loads_answer(members) == json.loads(members)
    for text in (b'{"a":1,"a":2}', b"[]", b" {} ", b"[NaN, -Infinity]", b"[1,\n 2 ,3 ]", b'"str"', b"7"):
        assert loads_answer(text + pad) == json.loads(text + pad) or text.startswith(b"[NaN")
    for bad in (b"[1,2", b"[1 2]", b'{"a" 1}', b"[1,]", b"[1] x", b"[1,", b"{1:2}", b"\xff[]"):
        for reader in (json.loads, loads_answer):
            try:
                reader(bad + pad)
            except ValueError:
                continue
            raise AssertionError(f"{reader.__name__} read {bad!r}")


#: counts the turns another thread gets while a 16 MB list is read; its own process, so the test run's memory does not
#: grow by the 200 MB the items take (a later test's child would inherit that peak in its ru_maxrss)
TURNS_WHILE_READING = """
import sys, threading, time
sys.path.insert(0, sys.argv[1])
from oktatool.core.encoding import loads_answer
from tests.core.test_big_answers import big_list

body = big_list(16_000_000).decode()  # the parse alone (the decoding goes a megabyte at a time too)
reading, done = threading.Event(), threading.Event()

def read():
    reading.set()
    loads_answer(body)
    done.set()

worker = threading.Thread(target=read)
turns = 0
worker.start()
reading.wait()
while not done.is_set():  # each turn of this thread needs the GIL: the reader hands it over between pieces
    time.sleep(0.001)
    turns += 1
worker.join()
print(turns)
"""


def test_other_threads_run_while_a_16_mb_answer_is_read() -> None:
    result = subprocess.run([sys.executable, "-c", TURNS_WHILE_READING, str(REPO_ROOT)], capture_output=True,
                            text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert result.returncode == 0, result.stderr
    turns = int(result.stdout)
    # json.loads is one C call that keeps the GIL throughout: this thread would get a turn only before and after it
    assert turns >= 10, turns


def test_an_error_body_of_megabytes_is_read_from_its_start() -> None:
    body = b'{"error":"invalid_client","error_description":"' + b"Client authentication failed. " * 700_000 + b'"}'
    problem = parse_problem(401, {}, body, source="token")
    assert problem.error == "invalid_client"
    assert problem.description.startswith('{"error":"invalid_client"')
    assert len(problem.description) <= MAX_RAW_BODY + 2
    assert len(problem.message()) < 5000  # the window shows this message: it stays a message
    assert oauth_error(body) is None  # not parsed: a DPoP nonce challenge is a small body
    assert oauth_error(b'{"error":"use_dpop_nonce"}') == "use_dpop_nonce"
