"""A small client of a language server over stdio: JSON-RPC framed by Content-Length headers.

Enough of the Language Server Protocol to open a file in the real YAML language server
the way an editor does, and read what the editor would show: its diagnostics, the
completion list and the hover text.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any


class LanguageServerError(RuntimeError):
    pass


class LanguageServer:
    """One running server; `with LanguageServer(command, root) as server: ...`."""

    def __init__(self, command: list[str], root: Path, timeout: float = 30.0) -> None:
        self.command = command
        self.root = root
        self.timeout = timeout
        self._next_id = 0
        self._responses: dict[int, queue.Queue] = {}
        self._diagnostics: dict[str, list[dict]] = {}
        self._published = threading.Condition()
        self._log: list[str] = []

    def __enter__(self) -> LanguageServer:
        self._process = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        self.request("initialize", {
            "processId": None,
            "rootUri": self.root.as_uri(),
            "capabilities": {
                "textDocument": {
                    "completion": {"completionItem": {"snippetSupport": True, "documentationFormat": ["markdown", "plaintext"]}},
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                    "publishDiagnostics": {},
                },
            },
            "workspaceFolders": [{"uri": self.root.as_uri(), "name": self.root.name}],
        })
        self.notify("initialized", {})
        # What an editor sends from its settings; the schema itself comes from each file's first line.
        self.notify("workspace/didChangeConfiguration", {
            "settings": {"yaml": {"validate": True, "hover": True, "completion": True, "schemaStore": {"enable": False}}}
        })
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.request("shutdown", None, timeout=5)
            self.notify("exit", None)
            self._process.wait(timeout=5)
        except (LanguageServerError, subprocess.TimeoutExpired, OSError):
            self._process.kill()
            self._process.wait()

    # The wire.
    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self._process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self._process.stdin.flush()

    def _read(self) -> None:
        stream = self._process.stdout
        while True:
            headers = {}
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            if not headers:
                return
            self._receive(json.loads(stream.read(int(headers["content-length"]))))

    def _read_stderr(self) -> None:
        for line in self._process.stderr:
            self._log.append(line.decode("utf-8", "replace"))

    def _receive(self, message: dict) -> None:
        if "id" in message and "method" not in message:  # a response to one of ours
            self._responses.setdefault(message["id"], queue.Queue()).put(message)
        elif "id" in message:  # the server asks the editor something: answer as a plain editor would
            self._send({"id": message["id"], "result": [None] * len(message.get("params", {}).get("items", []))
                        if message["method"] == "workspace/configuration" else None})
        elif message.get("method") == "textDocument/publishDiagnostics":
            with self._published:
                self._diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
                self._published.notify_all()
        elif message.get("method") == "window/logMessage":
            self._log.append(message["params"]["message"])

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float | None = None) -> Any:
        self._next_id += 1
        ident = self._next_id
        answers = self._responses.setdefault(ident, queue.Queue())
        self._send({"id": ident, "method": method, "params": params})
        try:
            answer = answers.get(timeout=timeout or self.timeout)
        except queue.Empty:
            raise LanguageServerError(f"no answer to {method} in time; the server said:\n{self.log()}") from None
        if "error" in answer:
            raise LanguageServerError(f"{method} failed: {answer['error']}\n{self.log()}")
        return answer.get("result")

    def log(self) -> str:
        return "".join(line if line.endswith("\n") else line + "\n" for line in self._log[-40:])

    # What an editor does with a file.
    def open(self, path: Path, text: str | None = None) -> str:
        """Open a file (its text on disk, or `text` as if typed) and return its URI."""
        uri = path.as_uri()
        with self._published:
            self._diagnostics.pop(uri, None)
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1,
            "text": path.read_text(encoding="utf-8") if text is None else text,
        }})
        return uri

    def diagnostics(self, uri: str) -> list[dict]:
        """The problems the editor underlines in the file, once the server has published them."""
        deadline = time.monotonic() + self.timeout
        with self._published:
            while uri not in self._diagnostics:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LanguageServerError(f"no diagnostics for {uri} in time; the server said:\n{self.log()}")
                self._published.wait(left)
            return self._diagnostics[uri]

    def completion(self, uri: str, line: int, character: int) -> list[dict]:
        result = self.request("textDocument/completion", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
        return result["items"] if isinstance(result, dict) else (result or [])

    def hover(self, uri: str, line: int, character: int) -> str:
        result = self.request("textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
        if not result:
            return ""
        contents = result["contents"]
        return contents["value"] if isinstance(contents, dict) else str(contents)
