"""Calls a wrapper with no LLM import of its own. `complete` is too common a name for round two to
look for, so this file is not read again: the wrapper's findings stay unverified."""

from .wrappers import complete


def view(question):
    return complete(question, max_tokens=50)
