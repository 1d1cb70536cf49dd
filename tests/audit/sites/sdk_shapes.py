"""Call sites a well-kept audit must see: SDK surfaces, aliases, references, threads, sessions."""

import asyncio
import functools

import anthropic
import boto3
import dashscope
import litellm
import ollama
import openai
from asgiref.sync import sync_to_async
from google import genai
from openai import AsyncOpenAI, OpenAI

client = OpenAI(timeout=20)
aclient = AsyncOpenAI(timeout=20)
claude = anthropic.Anthropic(timeout=20)
gem = genai.Client()
bedrock = boto3.client("bedrock-runtime")
local = ollama.Client(host="http://localhost:11434")

client.chat.completions.create(model="gpt-4o-mini", messages=[])  # site: chat
client.embeddings.create(model="text-embedding-3-small", input="x")  # site: embed
client.images.generate(prompt="a cat")  # site: image
client.audio.transcriptions.create(model="whisper-1", file=b"")  # site: audio
client.moderations.create(input="x")  # site: moderation
claude.messages.create(model="claude-haiku-4-5", max_tokens=9, messages=[])  # site: chat
claude.beta.prompt_caching.messages.create(model="claude-haiku-4-5", max_tokens=9, messages=[])  # site: chat
gem.models.generate_content(model="gemini-2.5-flash", contents="x")  # site: chat
bedrock.converse(modelId="anthropic.claude", messages=[])  # site: chat
local.chat(model="llama3", messages=[])  # site: chat
openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[])  # site: chat
litellm.completion(model="gpt-4o-mini", messages=[])  # site: chat
dashscope.Generation.call(model="qwen-plus", messages=[])  # site: chat
client.models.list()  # not-site
claude.messages.count_tokens(model="claude-haiku-4-5", messages=[])  # not-site

create = client.chat.completions.create
create(model="gpt-4o-mini", messages=[])  # site: chat
quick = functools.partial(litellm.completion, model="gpt-4o-mini")
quick(messages=[])  # site: chat


class Chatter:
    def __init__(self):
        self.session = gem.chats.create(model="gemini-2.5-flash")
        self.engine = dashscope.Generation

    def ask(self, text):
        return self.session.send_message(text)  # site: chat

    def ask_qwen(self, text):
        return self.engine.call(model="qwen-plus", prompt=text)  # site: chat


def with_retry_helper(call, params):
    return call(**params)


def through_helpers():
    with_retry_helper(client.chat.completions.create, {"model": "gpt-4o-mini"})  # site: chat


async def threads(audio):
    await asyncio.to_thread(client.embeddings.create, model="text-embedding-3-small", input="x")  # site: embed
    await sync_to_async(client.audio.translations.create)(model="whisper-1", file=audio)  # site: audio
    await aclient.responses.create(model="gpt-4o-mini", input="x")  # site: chat


def passed_in(llm_client: OpenAI):
    return llm_client.chat.completions.create(model="gpt-4o-mini", messages=[])  # site: chat


def made_elsewhere(factory):
    return factory().chat.completions.create(model="gpt-4o-mini", messages=[])  # site: chat


class Twilio:
    def text(self, sms):
        return sms.messages.create(body="hi", to="+1555", from_="+1666")  # not-site


def dynamic():
    sdk = __import__("ollama")
    local_client = sdk.Client(host="http://localhost:11434")
    return local_client.generate(model="llama3", prompt="x")  # site: chat
