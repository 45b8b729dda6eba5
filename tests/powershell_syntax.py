"""Read the PowerShell that oktatool writes, without PowerShell (no pwsh can be installed here).

``tokens`` follows the PowerShell language specification (§2.3.5.2, verbatim string literals) and the
tokenizer's ``IsSingleQuote``: a single-quoted string starts and ends at a single-quote character, which
is ``'`` or one of the typographic quotes U+2018 to U+201B; two of them in a row are one literal quote;
nothing else in it is special (no ``$`` expansion, no backtick escapes). A ``#`` outside a string starts a
comment that runs to the end of the line. A double quote or a backtick outside a string is refused: the
text oktatool writes has no expandable strings and no escapes, so that data is never interpolated.

``run`` evaluates the few statements oktatool's commands are made of (``$env:N = …``, ``$v = @{ … }``,
``$v = …``, the token check, the TLS 1.2 line, ``Invoke-RestMethod @v``) and refuses anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

QUOTES = "'\u2018\u2019\u201a\u201b"
#: the code between strings, word by word: variables, ``@{``, punctuation, bare words
_WORD = re.compile(r"\$env:\w+|\$\w+|@\{|\n|[{}()=+]|[^\s{}()=+]+")
#: the one line that tells Windows PowerShell 5.1 to offer TLS 1.2
TLS12 = ("[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor "
         "[Net.SecurityProtocolType]::Tls12")


@dataclass(frozen=True)
class Token:
    """A word of code (``str`` False) or the value of a single-quoted string (``str`` True)."""

    text: str
    str: bool = False


def tokens(source: str) -> list[Token]:
    """Return the words and strings of ``source``, comments left out."""
    out: list[Token] = []
    code: list[str] = []

    def flush() -> None:
        for word in _WORD.findall("".join(code)):
            if '"' in word or "`" in word:
                raise SyntaxError(f"expandable string or escape outside a single-quoted string: {word!r}")
            out.append(Token(word))
        code.clear()

    i = 0
    while i < len(source):
        c = source[i]
        if c in QUOTES:
            flush()
            value: list[str] = []
            i += 1
            while True:
                if i >= len(source):
                    raise SyntaxError("a single-quoted string is not closed")
                if source[i] in QUOTES:
                    if i + 1 < len(source) and source[i + 1] in QUOTES:
                        value.append(source[i + 1])  # two quotes are one; the tokenizer keeps the second
                        i += 2
                        continue
                    i += 1
                    break
                value.append(source[i])
                i += 1
            out.append(Token("".join(value), str=True))
        elif c == "#":
            end = source.find("\n", i)
            i = len(source) if end == -1 else end
        else:
            code.append(c)
            i += 1
    flush()
    return out


class PowerShellThrow(Exception):
    """The script threw (the token check)."""


@dataclass
class Script:
    """What running a script did: the environment it left and each ``Invoke-RestMethod`` call's parameters."""

    env: dict[str, str]
    variables: dict[str, Any] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)
    tls12: bool = False


def _statements(words: list[Token]) -> list[list[Token]]:
    """Split at line ends outside ``{ … }``."""
    statements: list[list[Token]] = [[]]
    depth = 0
    for word in words:
        if not word.str and word.text in ("{", "@{"):
            depth += 1
        elif not word.str and word.text == "}":
            depth -= 1
        if not word.str and word.text == "\n" and depth == 0:
            statements.append([])
        else:
            statements[-1].append(word)
    return [s for s in statements if s]


def _value(words: list[Token], script: Script) -> Any:
    """Evaluate ``'text'``, ``$env:N``, ``$v`` joined by ``+``, or a ``@{ key = value … }`` hashtable."""
    if words and words[0] == Token("@{"):
        assert words[-1] == Token("}"), words
        table: dict[str, Any] = {}
        for entry in _statements([w for w in words[1:-1]]):
            key, equals, *rest = entry
            assert equals == Token("=") and (key.str or re.fullmatch(r"\w+", key.text)), entry
            assert key.text.lower() not in (k.lower() for k in table), f"duplicate key {key.text}"
            table[key.text] = _value(rest, script)
        return table
    parts = words[::2]
    assert all(w == Token("+") for w in words[1::2]) and len(words) % 2 == 1, words
    values = []
    for part in parts:
        if part.str:
            values.append(part.text)
        elif part.text.startswith("$env:"):
            values.append(script.env.get(part.text[5:], ""))
        elif part.text.startswith("$"):
            values.append(script.variables[part.text[1:]])
        else:
            raise SyntaxError(f"not a value: {part.text!r}")
    return values[0] if len(values) == 1 else "".join(values)


def run(source: str, env: dict[str, str]) -> Script:
    """Run ``source`` (the subset described above) with ``env`` as the environment."""
    script = Script(dict(env))
    for statement in _statements(tokens(source)):
        text = " ".join(w.text for w in statement)
        if not any(w.str for w in statement) and text == TLS12:
            script.tls12 = True
        elif statement[0].text == "if" and not statement[0].str:
            words = [w.text for w in statement]
            assert words[:3] == ["if", "(", "-not"] and words[4:7] == [")", "{", "throw"] and words[8] == "}", words
            if not script.env.get(words[3].removeprefix("$env:")):
                raise PowerShellThrow(statement[7].text)
        elif [w.text for w in statement[:1]] == ["Invoke-RestMethod"] and len(statement) == 2:
            assert statement[1].text.startswith("@") and not statement[1].str
            script.calls.append(script.variables[statement[1].text[1:]])
        elif len(statement) >= 3 and statement[1] == Token("=") and statement[0].text.startswith("$"):
            value = _value(statement[2:], script)
            name = statement[0].text
            if name.startswith("$env:"):
                script.env[name[5:]] = value
            else:
                script.variables[name[1:]] = value
        else:
            raise SyntaxError(f"not a statement oktatool writes: {text!r}")
    return script


def invoke_rest_method(call: dict[str, Any], *, timeout: float = 30) -> Any:
    """Send what ``Invoke-RestMethod @call`` sends (a string body as Windows PowerShell 5.1 encodes it)."""
    import requests

    headers = dict(call["Headers"])
    if "ContentType" in call:
        headers["Content-Type"] = call["ContentType"]
    body = call["Body"].encode("iso-8859-1") if "Body" in call else None
    return requests.request(call["Method"], call["Uri"], headers=headers, data=body, timeout=timeout)
