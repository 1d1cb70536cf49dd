"""Token counting: exact with tiktoken where possible, calibrated estimates elsewhere."""

from .anthropic_api import count_with_api
from .count import TokenCount, count_conversation, count_text
from .encodings import get_encoding
from .files import read_json_file, read_stdin, read_text_file
from .fit import Fit, Truncation, check_fit, larger_windows, truncate
from .messages import Conversation, Message, ToolDef, parse_conversation

__all__ = [
    "Conversation",
    "Fit",
    "Message",
    "TokenCount",
    "ToolDef",
    "Truncation",
    "check_fit",
    "count_conversation",
    "count_text",
    "count_with_api",
    "get_encoding",
    "larger_windows",
    "parse_conversation",
    "read_json_file",
    "read_stdin",
    "read_text_file",
    "truncate",
]
