"""Whether an SVG image is safe to show: an SVG file is an XML document that can carry
scripts, event handlers and references to other addresses, so one is accepted only when
it has none of them. It is refused naming what it has, never rewritten: the author's
file is what the course keeps."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from lms.core.messages import N_

SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Elements that run code or embed another document.
FORBIDDEN = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener", "audio", "video",
             "animate", "set", "animateMotion", "animateTransform"}
# url(...) to anything but a fragment of this file (#id), and @import, in attributes or <style>.
EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import|javascript:|data:", re.IGNORECASE)


def looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")) and b"<svg" in data[:4096].lower()


def problem(data: bytes) -> str | None:
    """What makes ``data`` not a safe SVG image, or None when it is one."""
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        return N_("is an SVG with a DOCTYPE or entities, which are not allowed")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        return N_("is not a well-formed SVG image (%(error)s)", error=str(error))
    if root.tag not in (f"{SVG_NS}svg", "svg"):
        return N_("is not an SVG image (its root element is not <svg>)")
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if name in FORBIDDEN:
            return N_("is an SVG with a <%(name)s> element; scripts and embedded documents are not allowed", name=name)
        if name == "style" and EXTERNAL_URL.search(element.text or ""):
            return N_("is an SVG whose style loads something from another address; it must be self-contained")
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1]
            if local.lower().startswith("on"):
                return N_("is an SVG with an event handler (%(name)s); scripts are not allowed", name=local)
            if (attribute == XLINK_HREF or local == "href") and not value.strip().startswith("#"):
                return N_("is an SVG that refers to %(target)s; it may refer only to its own parts (#id)",
                          target=repr(value.strip()[:80]))
            if EXTERNAL_URL.search(value):
                return N_("is an SVG whose %(name)s refers to another address; it must be self-contained", name=local)
    return None
