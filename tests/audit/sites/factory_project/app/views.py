"""Calls a wrapper with no LLM import of its own: found in the second round."""

from .wrappers import complete


def view(question):
    return complete(question, max_tokens=50)
