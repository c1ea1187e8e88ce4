"""The IPT protocol as data: content files, their loader and validator, and lookups.

No database and no Django: formats, phases, problem areas, techniques, session-plan steps,
group guides, fidelity checklists and client reading live in YAML and Markdown under
`content/`, are checked when loaded, and are read through a `Protocol` object.
"""

from .errors import ContentError, ContentErrors
from .protocol import Protocol, ProtocolRegistry, ProtocolUnavailable, default_protocol, load_protocol

__all__ = [
    "ContentError",
    "ContentErrors",
    "Protocol",
    "ProtocolRegistry",
    "ProtocolUnavailable",
    "default_protocol",
    "load_protocol",
]
