import { useEffect, useState, type FormEvent } from "react";
import { z } from "zod";
import { api, ApiError } from "../api/http";
import { Document, DocumentDetail } from "../api/schemas";

/** The rules a document crossed without being rejected for it, e.g. "duplicate_lines=0.41 (limit 0.3)". */
function flags(curation: Record<string, unknown>): string[] {
  const quality = curation.quality as { flags?: { rule: string; value: number; limit: number }[] } | undefined;
  return (quality?.flags ?? []).map((f) => `${f.rule}=${f.value} (limit ${f.limit})`);
}

/** One document: why it was curated as it was, its chunks, and (for its owner or an admin) sharing. */
export function DocumentPanel({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const [detail, setDetail] = useState<DocumentDetail | null>(null);
  const [email, setEmail] = useState("");
  const [message, setMessage] = useState<string | null>(null);

  const load = () => api("GET", `/api/documents/${id}?chunk_limit=50`, DocumentDetail).then(setDetail).catch(() => setDetail(null));
  useEffect(() => {
    load();
  }, [id]); // eslint-disable-line react-hooks/exhaustive-deps

  async function act(action: () => Promise<unknown>) {
    try {
      await action();
      setMessage(null);
      await load();
      onChanged();
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : "That did not work.");
    }
  }

  function share(event: FormEvent) {
    event.preventDefault();
    act(() => api("POST", `/api/documents/${id}/grants`, z.unknown(), { email })).then(() => setEmail(""));
  }

  if (!detail) return null;
  const d = detail.document;
  return (
    <aside className="panel" aria-label={`Document ${d.title ?? d.uri}`}>
      <button className="icon" aria-label="Close" onClick={onClose}>
        ×
      </button>
      <h2>{d.title ?? d.uri}</h2>
      <p className="muted">{d.uri}</p>
      <p>
        {d.status}
        {d.status_reason && ` — ${d.status_reason}`} · {d.language ?? "language unknown"} · {d.visibility} · {d.chunk_count} chunks
      </p>
      {flags(detail.curation).length > 0 && (
        <>
          <h3>Flags</h3>
          <ul aria-label="Curation flags">
            {flags(detail.curation).map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        </>
      )}
      {detail.can_manage && d.status === "rejected" && (
        <button onClick={() => act(() => api("POST", `/api/documents/${id}/index-anyway`, z.unknown()))}>Index anyway</button>
      )}
      <h3>Curation record</h3>
      <dl className="record">
        {Object.entries(detail.curation).map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{typeof value === "object" ? JSON.stringify(value) : String(value)}</dd>
          </div>
        ))}
      </dl>
      {detail.can_manage && (
        <>
          <h3>Sharing</h3>
          <button
            onClick={() =>
              act(() => api("PATCH", `/api/documents/${id}`, Document, { visibility: d.visibility === "public" ? "private" : "public" }))
            }
          >
            Make {d.visibility === "public" ? "private" : "public"}
          </button>
          <form onSubmit={share} className="inline">
            <label>
              Share with (e-mail){" "}
              <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
            </label>
            <button type="submit">Share</button>
          </form>
          <p className="muted">The person sees it once their account has verified this address.</p>
          <ul>
            {detail.grants.map((g) => (
              <li key={g.email}>
                {g.email}{" "}
                <button className="link" onClick={() => act(() => api("DELETE", `/api/documents/${id}/grants/${encodeURIComponent(g.email)}`, z.unknown()))}>
                  Stop sharing
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {message && <p role="alert" className="error">{message}</p>}
      <h3>Chunks</h3>
      <ol className="chunks">
        {detail.chunks.map((c) => (
          <li key={c.id}>
            {c.heading_path.length > 0 && <p className="muted">{c.heading_path.join(" › ")}</p>}
            <p>{c.text}</p>
          </li>
        ))}
      </ol>
    </aside>
  );
}
