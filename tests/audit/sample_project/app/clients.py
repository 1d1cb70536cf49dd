"""Provider clients, created once at import."""

import os

import anthropic
from openai import AsyncOpenAI

openai_client = AsyncOpenAI(api_key=os.environ["OPENAI_API_KEY"], timeout=20.0)
claude = anthropic.AsyncAnthropic(max_retries=0)
