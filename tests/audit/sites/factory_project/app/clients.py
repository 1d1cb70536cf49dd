"""Clients built in one module, used in others."""

import anthropic
from openai import AzureOpenAI, OpenAI


def get_client(azure: bool):
    if azure:  # noqa: SIM108 - the branch shape is what the fixture tests
        client = AzureOpenAI(azure_endpoint="https://x.openai.azure.com", api_version="2024-10-21")
    else:
        client = OpenAI()
    return client


claude = anthropic.Anthropic(timeout=20, max_retries=0)


class Base:
    def __init__(self):
        self.llm = OpenAI(timeout=5)
