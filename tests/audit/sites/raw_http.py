"""Raw HTTP to LLM endpoints: URLs from literals, constants, f-strings, config, sessions, bodies."""

import os

import aiohttp
import httpx
import requests

OPENAI_URL = "https://api.openai.com/v1/chat/completions"
BASE = os.getenv("LLM_BASE_URL", "https://api.groq.com/openai/v1")


class Settings:
    ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"


settings = Settings()
session = httpx.Client(base_url="https://api.mistral.ai", timeout=10)


def literal(body):
    return requests.post("https://api.openai.com/v1/chat/completions", json=body, timeout=9)  # site: http


def constant(body):
    return requests.post(OPENAI_URL, json=body, timeout=9)  # site: http


def env_default(body):
    return requests.post(f"{BASE}/chat/completions", json=body, timeout=9)  # site: http


def class_attribute(body):
    return requests.post(settings.ANTHROPIC_URL, json=body, timeout=9)  # site: http


def base_url_session(body):
    return session.post("/v1/chat/completions", json=body)  # site: http


def formatted(host, body):
    return requests.post(f"{host}/v1/embeddings", json=body, timeout=9)  # site: http


class Bot:
    def __init__(self, api_base):
        self.api_base = api_base
        self.inference_endpoint = api_base

    def by_name(self, docs):
        return requests.post(self.inference_endpoint, json={"inputs": docs}, timeout=9)  # site: http

    def by_body(self, question):
        payload = {"model": "kimi", "messages": [{"role": "user", "content": question}]}
        return requests.post(f"{self.api_base}/v2/talk", json=payload, timeout=9)  # site: http

    def _send(self, url, body):
        return requests.post(url, json=body, timeout=9)  # site: http

    def ask(self, body):
        return self._send(f"{self.api_base}/chat/completions", body)


async def aio(body):
    async with aiohttp.ClientSession() as http:  # noqa: SIM117 - nested on purpose
        async with http.post("https://api.deepseek.com/chat/completions", json=body) as resp:  # site: http
            return await resp.json()


def not_llm(body):
    requests.post("https://hooks.slack.com/services/x", json=body, timeout=9)  # not-site
    requests.get("https://api.openai.com/v1/models", timeout=9)  # not-site
    return requests.post("https://example.com/api/ingest", json={"text": body}, timeout=9)  # not-site
