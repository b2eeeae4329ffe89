import { useEffect, useState, type FormEvent } from "react";
import Markdown from "react-markdown";
import { useChat, type ChatMessage } from "../stores/chat";
import type { Source } from "../api/schemas";
import { useRoute } from "../stores/route";
import { linkCitations } from "./citations";

/** Conversations on the side; the answer streams in with its citations; stop cancels it. */
export function Chat() {
  const chat = useChat();
  const [question, setQuestion] = useState("");
  const [cited, setCited] = useState<Source | null>(null);
  const [filter, setFilter] = useState("");
  const { go } = useRoute();
  const lastQuestion = [...chat.messages].reverse().find((m) => m.role === "user")?.content;

  useEffect(() => {
    chat.loadConversations().catch(() => undefined);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  async function submit(event: FormEvent) {
    event.preventDefault();
    const text = question.trim();
    if (!text) return;
    setQuestion("");
    await chat.ask(text);
  }

  return (
    <div className="chat">
      <nav className="sidebar" aria-label="Conversations">
        <button onClick={() => chat.create()}>New conversation</button>
        <label className="visually-hidden" htmlFor="conversation-filter">
          Search conversations
        </label>
        <input id="conversation-filter" type="search" placeholder="Search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <ul>
          {chat.conversations
            .filter((c) => (c.title ?? "").toLowerCase().includes(filter.toLowerCase()) || (c.last_message_preview ?? "").toLowerCase().includes(filter.toLowerCase()))
            .map((c) => (
              <li key={c.id} className={c.id === chat.currentId ? "current" : ""}>
                <button className="link" onClick={() => chat.open(c.id)} title={c.last_message_preview ?? undefined}>
                  {c.title ?? "Untitled"}
                </button>
                <span>
                  <button
                    className="icon"
                    aria-label={`Rename ${c.title ?? "untitled conversation"}`}
                    onClick={() => {
                      const title = window.prompt("New title", c.title ?? "");
                      if (title?.trim()) chat.rename(c.id, title.trim());
                    }}
                  >
                    ✎
                  </button>
                  <button className="icon" aria-label={`Delete ${c.title ?? "untitled conversation"}`} onClick={() => chat.remove(c.id)}>
                    ×
                  </button>
                </span>
              </li>
            ))}
        </ul>
      </nav>
      <section className="thread" aria-live="polite">
        {chat.messages.map((m) => (
          <MessageView key={m.id} message={m} onCite={setCited} />
        ))}
        <form onSubmit={submit} className="composer">
          <label className="visually-hidden" htmlFor="question">
            Your question
          </label>
          <textarea
            id="question"
            value={question}
            onChange={(e) => setQuestion(e.target.value)}
            onKeyDown={(e) => {
              // Enter sends, Shift+Enter starts a new line
              if (e.key === "Enter" && !e.shiftKey && !chat.streaming) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
            placeholder="Ask your documents… (Enter sends, Shift+Enter for a new line)"
          />
          {chat.streaming ? (
            <button type="button" onClick={() => chat.stop()}>
              Stop
            </button>
          ) : (
            <>
              <button type="submit">Send</button>
              {lastQuestion && (
                <button type="button" onClick={() => chat.ask(lastQuestion)}>
                  Regenerate
                </button>
              )}
            </>
          )}
        </form>
      </section>
      {cited && (
        <aside className="citation" aria-label="Cited passage">
          <button className="icon" aria-label="Close" onClick={() => setCited(null)}>
            ×
          </button>
          {cited.withheld ? (
            <>
              <h2>[{cited.index}] Not available</h2>
              <p>This passage's document is no longer shared with you, so its text is not shown.</p>
            </>
          ) : (
            <>
              <h2>
                [{cited.index}] {cited.passage.title || "Untitled"}
              </h2>
              {cited.passage.heading_path.length > 0 && <p className="muted">{cited.passage.heading_path.join(" › ")}</p>}
              {cited.passage.page !== null && <p className="muted">page {cited.passage.page}</p>}
              <blockquote>{cited.passage.text}</blockquote>
              <p className="muted">{cited.passage.uri}</p>
              <button className="link" onClick={() => go(`/library?doc=${encodeURIComponent(cited.passage.document_id)}`)}>
                Open the document
              </button>
            </>
          )}
        </aside>
      )}
    </div>
  );
}

/** The sentence intelligence puts before an extractive answer (for API clients); the app shows its own note instead. */
const EXTRACTIVE_PREFIX = /^Extractive answer \([^)]*\):\s*/;

function MessageView({ message, onCite }: { message: ChatMessage; onCite: (source: Source) => void }) {
  const quoted = message.role === "assistant" && EXTRACTIVE_PREFIX.test(message.content);
  const content = quoted ? message.content.replace(EXTRACTIVE_PREFIX, "") : message.content;
  return (
    <article className={`message ${message.role}`}>
      {(message.extractive || quoted) && (
        <p className="note">Extractive answer: no language model is configured, these sentences are quoted from your documents.</p>
      )}
      {content && (
        <Markdown
          components={{
            // [n] markers open the passage they cite; other links stay plain links, opened elsewhere
            a: ({ href, children }) => {
              const source = href?.startsWith("#cite-") ? message.sources.find((s) => `#cite-${s.index}` === href) : undefined;
              if (source) {
                return (
                  <button className="cite" aria-label={`Open source ${source.index}: ${source.passage.title || source.passage.uri}`} onClick={() => onCite(source)}>
                    {children}
                  </button>
                );
              }
              return (
                <a href={href} target="_blank" rel="noreferrer noopener">
                  {children}
                </a>
              );
            },
          }}
        >
          {linkCitations(content, new Set(message.sources.map((s) => s.index)))}
        </Markdown>
      )}
      {message.error && (
        <p role="alert" className="error">
          {message.error.message} ({message.error.code})
        </p>
      )}
      {message.sources.length > 0 && (
        <ol className="sources" aria-label="Sources">
          {message.sources.map((s) => (
            <li key={s.index}>
              <button className="link" onClick={() => onCite(s)}>
                [{s.index}] {s.passage.title || s.passage.uri}
              </button>
            </li>
          ))}
        </ol>
      )}
      {message.role === "assistant" && (
        <button className="link small" onClick={() => navigator.clipboard?.writeText(message.content)}>
          Copy
        </button>
      )}
    </article>
  );
}
