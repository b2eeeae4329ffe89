import { useEffect, useState, type DragEvent, type FormEvent } from "react";
import { useLibrary, type CurationProfile, type Filters } from "../stores/library";
import { useRoute } from "../stores/route";
import { DocumentPanel } from "./DocumentPanel";

/** Upload (drop or pick files), watch each upload's job live, and browse the documents. */
export function Library() {
  const library = useLibrary();
  const [visibility, setVisibility] = useState<"private" | "public">("private");
  const [curation, setCuration] = useState<CurationProfile | "">("");
  const [url, setUrl] = useState("");
  const { query } = useRoute();
  const [open, setOpen] = useState<string | null>(query.get("doc"));

  function crawl(event: FormEvent) {
    event.preventDefault();
    library.crawl(url, visibility, curation || undefined).then(() => setUrl(""));
  }

  useEffect(() => {
    library.load().catch(() => undefined);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  function drop(event: DragEvent) {
    event.preventDefault();
    library.upload(Array.from(event.dataTransfer.files), visibility, curation || undefined);
  }

  return (
    <div className="library">
      <section className="dropzone" onDragOver={(e) => e.preventDefault()} onDrop={drop} aria-label="Upload">
        <p>Drop files here, or</p>
        <label className="button">
          choose files
          <input type="file" multiple hidden onChange={(e) => library.upload(Array.from(e.target.files ?? []), visibility, curation || undefined)} />
        </label>
        <label>
          Visibility{" "}
          <select value={visibility} onChange={(e) => setVisibility(e.target.value as "private" | "public")}>
            <option value="private">private</option>
            <option value="public">public</option>
          </select>
        </label>
        <label>
          Curation{" "}
          <select value={curation} onChange={(e) => setCuration(e.target.value as CurationProfile | "")}>
            <option value="">default (files: knowledge base, sites: web)</option>
            <option value="knowledge-base">knowledge base: keep everything usable</option>
            <option value="web">web: also drop spam and junk pages</option>
            <option value="pretraining">pretraining: Gopher/C4 filters</option>
          </select>
        </label>
        {library.error && <p role="alert" className="error">{library.error}</p>}
      </section>
      <form onSubmit={crawl} className="inline" aria-label="Add a web site">
        <label>
          Web site{" "}
          <input type="url" placeholder="https://…" value={url} onChange={(e) => setUrl(e.target.value)} required />
        </label>
        <button type="submit">Add</button>
      </form>
      {library.jobs.map((job) => {
        const p = job.progress;
        const concluded = p ? p.job.outcomes.indexed + p.job.outcomes.unchanged + p.job.outcomes.rejected + p.job.outcomes.duplicate + p.job.outcomes.failed : 0;
        return (
          <section key={job.id} className="job" aria-label={`Upload of ${job.label}`}>
            <p>
              {job.label}: {job.done ? "done" : "in progress"} — {concluded} of {p?.job.expected ?? "?"} concluded
            </p>
            <progress max={p?.job.expected || 1} value={concluded} />
            {p && (
              <p className="muted">
                received {p.stages.received} · parsed {p.stages.parsed} · chunked {p.stages.chunked} · embedded {p.stages.embedded} · indexed{" "}
                {p.job.outcomes.indexed} · rejected {p.job.outcomes.rejected} · duplicates {p.job.outcomes.duplicate} · failed {p.job.outcomes.failed}
              </p>
            )}
            {p?.problems.map((problem) => (
              <p key={problem.document_id} className="error">
                {problem.outcome} at {problem.stage ?? "?"}: {problem.reason}
              </p>
            ))}
          </section>
        );
      })}
      <div className="inline" role="group" aria-label="Filters">
        <label>
          Status{" "}
          <select value={library.filters.status} onChange={(e) => library.load({ status: e.target.value })}>
            <option value="">all</option>
            <option value="indexed">indexed</option>
            <option value="rejected">rejected</option>
            <option value="duplicate">duplicate</option>
            <option value="failed">failed</option>
          </select>
        </label>
        <label>
          Language{" "}
          <input size={4} placeholder="en" value={library.filters.language} onChange={(e) => library.load({ language: e.target.value })} />
        </label>
        <label>
          Sort{" "}
          <select value={library.filters.sort} onChange={(e) => library.load({ sort: e.target.value as Filters["sort"] })}>
            <option value="updated">recently changed</option>
            <option value="created">recently added</option>
            <option value="title">title</option>
          </select>
        </label>
      </div>
      <table>
        <thead>
          <tr>
            <th>Title</th>
            <th>Status</th>
            <th>Language</th>
            <th>Visibility</th>
            <th>Chunks</th>
            <th>Source</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {library.documents.map((d) => (
            <tr key={d.id}>
              <td title={d.uri}>
                <button className="link" onClick={() => setOpen(d.id)}>
                  {d.title ?? d.uri}
                </button>
              </td>
              <td title={d.status_reason ?? undefined}>{d.status}</td>
              <td>{d.language ?? "—"}</td>
              <td>{d.visibility}</td>
              <td>{d.chunk_count}</td>
              <td>{d.source.startsWith("upload:") ? "upload" : d.source}</td>
              <td>
                <button className="link" onClick={() => library.remove(d.id)} aria-label={`Delete ${d.title ?? d.uri}`}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {library.nextCursor && <button onClick={() => library.load({}, true)}>More</button>}
      {open && <DocumentPanel id={open} onClose={() => setOpen(null)} onChanged={() => library.load()} />}
    </div>
  );
}
