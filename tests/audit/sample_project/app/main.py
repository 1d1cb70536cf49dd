"""A small FastAPI service: summaries from OpenAI, support answers from Claude."""

import json
import logging

from fastapi import FastAPI, HTTPException

from .clients import claude, openai_client

app = FastAPI()
log = logging.getLogger(__name__)
SUMMARY_MODEL = "gpt-4o-mini"


@app.post("/summarize")
async def summarize(text: str) -> dict:
    try:
        resp = await openai_client.chat.completions.create(
            model=SUMMARY_MODEL,
            messages=[{"role": "system", "content": "Summarize."}, {"role": "user", "content": text}],
            max_tokens=300,
        )
    except Exception as exc:
        raise HTTPException(503, "summarizer unavailable") from exc
    log.info("summary tokens %s", resp.usage.total_tokens)
    return json.loads(resp.choices[0].message.content)


@app.post("/support")
async def support(question: str, tone: str) -> str:
    reply = await claude.messages.create(
        model="claude-3-opus-20240229",
        max_tokens=500,
        system=f"You are Acme support. Answer in a {tone} tone.",
        messages=[{"role": "user", "content": question}],
    )
    return reply.content[0].text


@app.post("/legacy")
async def legacy(question: str) -> str:
    reply = await claude.messages.create(  # llmwright: ignore[LLM104]
        model="claude-haiku-4-5", max_tokens=200, messages=[{"role": "user", "content": question}]
    )
    return reply.content[0].text
