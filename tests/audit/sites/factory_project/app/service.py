"""Uses clients from app.clients: a factory, a module global and an inherited attribute."""

import logging

import httpx
from tenacity import retry

from .clients import Base, claude, get_client

log = logging.getLogger(__name__)


def answer(question):
    client = get_client(azure=False)
    return client.chat.completions.create(  # site: chat
        model="gpt-4o-mini", messages=[], timeout=httpx.Timeout(20), max_tokens=100
    )


def embed(text):
    client = get_client(azure=True)
    return client.embeddings.create(model="text-embedding-3-small", input=text)  # site: embed


@retry
def support(question):
    return claude.messages.create(model="claude-haiku-4-5", max_tokens=100, messages=[])  # site: chat


class Child(Base):
    def run(self, prompt):
        log.info("asking")
        return self.llm.chat.completions.create(model="gpt-4o-mini", messages=[], max_tokens=9)  # site: chat
