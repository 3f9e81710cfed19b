"""What the load generator keeps for one browser journey: its cookies and where it is sent next."""

from urllib.parse import urlsplit


class Browser:
    """A journey's cookie jar; it follows every redirect, as a browser does."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def encode(self, head: bytes, body: bytes) -> bytes:
        """A request (its head without the blank line, and its body) with this jar's cookies."""
        jar = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        cookie = f"Cookie: {jar}\r\n".encode("latin-1") if jar else b""
        return head + cookie + b"\r\n" + body

    def answer(self, redirect_to: str | None, status: int, headers: dict[str, str]) -> str | None:
        """Keep the cookies set; a problem when the step was to redirect to `redirect_to`."""
        for line in headers.get("set-cookie", "").split("\n"):
            pair, _, attributes = line.partition(";")
            name, _, value = pair.strip().partition("=")
            if not name:
                continue
            if not value or "max-age=0" in attributes.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value.strip('"')
        if redirect_to is None:
            return None
        went = urlsplit(headers.get("location", "")).path if 300 <= status < 400 else None
        return None if went == redirect_to else f"went to {went}, not to {redirect_to}"

    def follow(self, status: int, headers: dict[str, str]) -> str | None:
        """The path and query a redirect sends the browser to; None when it is not one."""
        if not 300 <= status < 400 or "location" not in headers:
            return None
        target = urlsplit(headers["location"])
        return target.path + (f"?{target.query}" if target.query else "")
