"""Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe), with the
Python standard library only: open a page, record what would make it broken (console errors,
uncaught exceptions, failed requests, any request that is not the page itself), evaluate
JavaScript in it, take a screenshot.

    with HeadlessChromium() as browser:
        page = browser.open("file:///tmp/report.html")   # waits for the load event
        page.problems        # ["console error: ...", "request failed: ...", ...]
        page.load_seconds    # navigate -> load event, wall
        page.evaluate("document.title")
        page.screenshot("/tmp/report.png")

Every wait is bounded (timeout_s); a browser that dies or stalls raises BrowserError.
"""

import base64
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time


class BrowserError(RuntimeError):
    pass


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise BrowserError("no chromium on PATH (scripts/setup installs Debian's chromium)")


class Page:
    def __init__(self, browser, session_id, url):
        self._browser = browser
        self._session = session_id
        self.url = url
        self.problems = []
        self.requests = []
        self.load_seconds = None

    def send(self, method, params=None):
        return self._browser.send(method, params, session=self._session)

    def evaluate(self, expression):
        reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        self._browser.drain()
        if "exceptionDetails" in reply:
            raise BrowserError(f"evaluate failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path, full_page=True, width=1280):
        params = {"format": "png"}
        if full_page:
            size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params["captureBeyondViewport"] = True
            params["clip"] = {"x": 0, "y": 0, "width": max(size[0], width), "height": size[1], "scale": 1}
        data = self.send("Page.captureScreenshot", params)["data"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))
        return path

    def note_event(self, message):
        method, params = message.get("method", ""), message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
            self.problems.append(f"console {params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            self.problems.append(f"uncaught exception: {params.get('exceptionDetails', {}).get('text')}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.problems.append(f"log error ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}")
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            self.requests.append(url)
            if url != self.url and not url.startswith("data:"):
                self.problems.append(f"request other than the page itself: {url}")
        elif method == "Network.loadingFailed":
            self.problems.append(f"request failed: {params.get('errorText')} ({params.get('type')})")


class HeadlessChromium:
    def __init__(self, timeout_s=60, window=(1280, 900)):
        self.timeout_s = timeout_s
        self._window = window
        self._next_id = 0
        self._replies = {}
        self._events = queue.Queue()
        self._lock = threading.Lock()
        self._pages = {}

    def __enter__(self):
        self._profile = tempfile.mkdtemp(prefix="parity-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        args = [find_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--disable-default-apps", "--mute-audio",
                f"--window-size={self._window[0]},{self._window[1]}", f"--user-data-dir={self._profile}",
                "--remote-debugging-pipe", "about:blank"]
        # The protocol pipe is fds 3 (commands in) and 4 (replies out) of the browser.
        shell = 'exec "$@" 3<&{} 4>&{}'.format(to_browser_r, from_browser_w)
        self._process = subprocess.Popen(["sh", "-c", shell, "sh"] + args, pass_fds=(to_browser_r, from_browser_w),
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._stderr = []
        threading.Thread(target=self._read_stderr, daemon=True).start()
        threading.Thread(target=self._read_replies, daemon=True).start()
        return self

    def __exit__(self, *exc):
        try:
            self.send("Browser.close", timeout_s=5)
        except BrowserError:
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, 9)
            self._process.wait()
        os.close(self._to_browser)
        shutil.rmtree(self._profile, ignore_errors=True)
        return False

    def _read_stderr(self):
        for line in self._process.stderr:
            self._stderr.append(line.decode(errors="replace").rstrip())

    def _read_replies(self):
        buffer = b""
        while True:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                self._events.put(None)
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        self._replies[message["id"]] = message
                else:
                    self._events.put(message)

    def _pump(self, until, timeout_s, what):
        """Handles events until until() holds; BrowserError after timeout_s."""
        deadline = time.monotonic() + timeout_s
        while not until():
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"timed out after {timeout_s} s waiting for {what}; browser stderr: "
                                   + " | ".join(self._stderr[-5:]))
            try:
                message = self._events.get(timeout=min(left, 0.05))
            except queue.Empty:
                continue
            if message is None:
                raise BrowserError("the browser closed its protocol pipe; stderr: " + " | ".join(self._stderr[-10:]))
            page = self._pages.get(message.get("sessionId"))
            if page is not None:
                page.note_event(message)
                if message.get("method") == "Page.loadEventFired":
                    page._loaded = True

    def send(self, method, params=None, session=None, timeout_s=None):
        with self._lock:
            self._next_id += 1
            ident = self._next_id
        message = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._to_browser, data):]
        except BrokenPipeError:
            raise BrowserError("the browser is gone; stderr: " + " | ".join(self._stderr[-10:]))
        self._pump(lambda: ident in self._replies, timeout_s or self.timeout_s, method)
        with self._lock:
            reply = self._replies.pop(ident)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def open(self, url):
        """A new page at url, once its load event has fired (and a frame was drawn)."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session, url)
        page._loaded = False
        self._pages[session] = page
        for domain in ("Runtime", "Log", "Network", "Page"):
            page.send(f"{domain}.enable")
        page.send("Emulation.setDeviceMetricsOverride",
                  {"width": self._window[0], "height": self._window[1], "deviceScaleFactor": 1, "mobile": False})
        started = time.monotonic()
        page.send("Page.navigate", {"url": url})
        self._pump(lambda: page._loaded, self.timeout_s, "the load event of " + url)
        # The load event comes after parsing and styles; a requestAnimationFrame callback runs
        # before the next frame is painted, so its promise resolves once the page was laid out.
        page.send("Runtime.evaluate", {"expression": "new Promise(r => requestAnimationFrame(() => r(1)))",
                                       "awaitPromise": True})
        page.load_seconds = time.monotonic() - started
        self.drain()
        return page

    def drain(self):
        """Handles every event received so far (replies can overtake the queue)."""
        while True:
            try:
                message = self._events.get_nowait()
            except queue.Empty:
                return
            if message is None:
                self._events.put(None)
                return
            page = self._pages.get(message.get("sessionId"))
            if page is not None:
                page.note_event(message)


def main():
    """python3 headless_chromium.py PAGE.html [SCREENSHOT.png]: opens the page from file:// and
    prints its size, the time from navigation to its first frame after the load event, and any
    problem (console error, failed or external request). Exit 1 when there was a problem."""
    import sys
    import urllib.parse
    if len(sys.argv) not in (2, 3):
        sys.exit(main.__doc__)
    path = os.path.abspath(sys.argv[1])
    with HeadlessChromium() as browser:
        page = browser.open("file://" + urllib.parse.quote(path))
        elements = page.evaluate("document.getElementsByTagName('*').length")
        if len(sys.argv) == 3:
            page.screenshot(sys.argv[2])
    print(f"{path}: {os.path.getsize(path) / 1e6:.2f} MB, {elements} elements, "
          f"rendered in {page.load_seconds:.2f} s")
    for problem in page.problems:
        print("problem:", problem)
    return 1 if page.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
