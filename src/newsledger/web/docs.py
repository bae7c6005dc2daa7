"""`/docs` (Swagger UI) and `/redoc` served offline: their scripts and styles come from the installed
`fastapi-offline` package, never a CDN, and no inline script is needed (the page's own CSP holds)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

# Swagger UI and ReDoc set inline styles and ReDoc runs its search in a blob: worker; scripts stay 'self'.
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'")
VENDOR = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
          "redoc.standalone.js": "text/javascript", "favicon.png": "image/png"}


def vendor_dir() -> Path:
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


def _page(title: str, head: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="/static/vendor/favicon.png">{head}</head><body>{body}</body></html>')


def add_docs(app: FastAPI, static: Path) -> None:
    """Routes for /docs, /redoc and the vendored assets (`/static/vendor/<name>`)."""
    vendor = vendor_dir()
    headers = {"Content-Security-Policy": DOCS_CSP}

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return HTMLResponse(_page(
            f"{app.title} — API (Swagger UI)", '<link rel="stylesheet" href="/static/vendor/swagger-ui.css">',
            '<div id="swagger-ui" data-spec="/openapi.json"></div>'
            '<script src="/static/vendor/swagger-ui-bundle.js"></script><script src="/static/docs.js"></script>'),
            headers=headers)

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return HTMLResponse(_page(f"{app.title} — API (ReDoc)", "",
                                  '<redoc spec-url="/openapi.json"></redoc>'
                                  '<script src="/static/vendor/redoc.standalone.js"></script>'), headers=headers)

    @app.get("/static/vendor/{name}", include_in_schema=False)
    def vendored(name: str):
        if name not in VENDOR:
            raise HTTPException(404, "no such file")
        return FileResponse(str(vendor / name), media_type=VENDOR[name],
                            headers={"Cache-Control": "public, max-age=86400"})
