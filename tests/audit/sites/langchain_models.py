"""LangChain and LlamaIndex models under current and legacy import paths, and what derives from them."""

from langchain.chat_models import ChatOpenAI as LegacyChat
from langchain.chat_models import init_chat_model
from langchain_anthropic import ChatAnthropic
from langchain_community.embeddings import HuggingFaceEmbeddings
from langchain_core.messages import ChatMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import OpenAIEmbeddings
from llama_index.llms.openai import OpenAI as IndexOpenAI

llm = ChatAnthropic(model="claude-haiku-4-5", timeout=20, max_tokens=500)
legacy = LegacyChat(model_name="gpt-4o-mini", request_timeout=20)
router = init_chat_model(model="openai:gpt-4o-mini")
embedder = OpenAIEmbeddings(timeout=20)
local_embedder = HuggingFaceEmbeddings(model_name="all-MiniLM-L6-v2")
index_llm = IndexOpenAI(model="gpt-4o-mini", timeout=20)
prompt = ChatPromptTemplate.from_messages([("user", "{q}")])

llm.invoke("hi")  # site: chat
legacy.predict("hi")  # site: chat
router.invoke("hi")  # site: chat
embedder.embed_query("hi")  # site: embed
local_embedder.embed_query("hi")  # not-site
index_llm.complete("hi")  # site: chat
prompt.invoke({"q": "hi"})  # not-site
ChatMessage(content="x", role="user")  # not-site

chain = prompt | llm
chain.invoke({"q": "hi"})  # site: chat
structured = llm.with_structured_output(dict)
structured.invoke("hi")  # site: chat
tooled = llm.bind_tools([])
tooled.invoke("hi")  # site: chat
safer = llm.with_retry(stop_after_attempt=3).with_fallbacks([legacy])
safer.invoke("hi")  # site: chat


async def named(self_like, summary_model):
    return await summary_model.ainvoke("summarise")  # site: chat
