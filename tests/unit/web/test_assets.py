"""The browser files the server hands out: all shipped, typed, with stable distinct ETags."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice_agent.web.assets import Asset, load_assets

STATIC = Path(__file__).resolve().parents[3] / "voice_agent" / "web" / "static"
SHIPPED = {
    "widget.js": "text/javascript; charset=utf-8",
    "widget-worklet.js": "text/javascript; charset=utf-8",
    "demo.html": "text/html; charset=utf-8",
    "demo.js": "text/javascript; charset=utf-8",
    "demo.css": "text/css; charset=utf-8",
}


@pytest.fixture(scope="module")
def assets() -> dict[str, Asset]:
    return load_assets()


@pytest.mark.parametrize(("name", "media_type"), sorted(SHIPPED.items()))
def test_every_shipped_file_loads_with_its_media_type(
    assets: dict[str, Asset], name: str, media_type: str
) -> None:
    asset = assets[name]
    assert asset.name == name
    assert asset.media_type == media_type
    assert asset.body == (STATIC / name).read_bytes()
    assert asset.body.strip(), name
    asset.body.decode("utf-8")  # served as charset=utf-8


def test_only_web_files_are_loaded(assets: dict[str, Asset]) -> None:
    on_disk = {p.name for p in STATIC.iterdir() if p.suffix in (".js", ".css", ".html")}
    assert set(assets) == on_disk
    assert set(SHIPPED) <= set(assets)


def test_etags_are_strong_stable_and_distinct(assets: dict[str, Asset]) -> None:
    again = load_assets()
    for name, asset in assets.items():
        assert asset.etag.startswith('"') and asset.etag.endswith('"'), asset.etag
        assert not asset.etag.startswith("W/")
        assert len(asset.etag) == 34
        assert again[name].etag == asset.etag
    etags = [a.etag for a in assets.values()]
    assert len(set(etags)) == len(etags)


def test_the_etag_follows_the_content() -> None:
    a = Asset("x.js", b"one", "text/javascript; charset=utf-8", '"aaa"')
    assert a.not_modified('"aaa"')
    assert not a.not_modified('"bbb"')


@pytest.mark.parametrize(
    "header",
    [
        '"{etag}"',
        'W/"{etag}"',
        ' "{etag}" ',
        '"other", "{etag}"',
        'W/"other",W/"{etag}"',
        '"other" ,  W/"{etag}" , "third"',
        "*",
        '"other", *',
    ],
)
def test_not_modified_matches(assets: dict[str, Asset], header: str) -> None:
    asset = assets["widget.js"]
    assert asset.not_modified(header.replace('"{etag}"', asset.etag))


@pytest.mark.parametrize(
    "header",
    [None, "", '"other"', 'W/"other"', '"other", W/"third"', "{bare}", '"{bare}', "**", ","],
)
def test_not_modified_refuses(assets: dict[str, Asset], header: str | None) -> None:
    asset = assets["widget.js"]
    bare = asset.etag.strip('"')
    assert not asset.not_modified(None if header is None else header.replace("{bare}", bare))


def test_an_etag_of_another_file_is_not_this_one(assets: dict[str, Asset]) -> None:
    assert not assets["widget.js"].not_modified(assets["demo.js"].etag)
    assert not assets["demo.css"].not_modified(f"W/{assets['demo.js'].etag}")
