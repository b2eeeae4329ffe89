import { useEffect, useState } from "react";
import { api, ApiError } from "../api/http";
import { DeadLetters, Replayed } from "../api/schemas";
import { useOps } from "../stores/ops";
import { ThroughputChart } from "./ThroughputChart";

const ms = (value: number | null) => (value === null ? "—" : `${Math.round(value)} ms`);

/** The pipeline as it runs (admins): throughput, lag, embedding, chat latency, health; live over SSE. */
export function Operations() {
  const ops = useOps();
  useEffect(() => ops.watch(), []); // eslint-disable-line react-hooks/exhaustive-deps
  const o = ops.overview;
  if (!o) return <p>{ops.connected ? "Waiting for the first sample…" : "Connecting…"}</p>;
  return (
    <div className="ops">
      <section aria-label="Health">
        <h2>Components</h2>
        <ul className="health">
          {Object.entries(o.components).map(([name, state]) => (
            <li key={name} className={state}>
              {name}: {state}
            </li>
          ))}
        </ul>
      </section>
      <section aria-label="Throughput">
        <h2>Throughput</h2>
        <ThroughputChart samples={ops.history} />
        <table>
          <thead>
            <tr>
              <th>Stage</th>
              <th>documents/s</th>
              <th>failures/s</th>
            </tr>
          </thead>
          <tbody>
            {o.stages.map((s) => (
              <tr key={s.stage}>
                <td>{s.stage}</td>
                <td>{s.documents_per_second.toFixed(1)}</td>
                <td>{s.failures_per_second.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          Embedding on {o.embedding.device ?? "?"} ({o.embedding.model ?? "?"}): {o.embedding.chunks_per_second.toFixed(1)} chunks/s
        </p>
      </section>
      <section aria-label="Lag">
        <h2>Consumer lag</h2>
        {o.lag ? (
          <>
            <p>{o.lag.total} records behind</p>
            <table>
              <thead>
                <tr>
                  <th>Topic</th>
                  <th>Partition</th>
                  <th>Lag</th>
                </tr>
              </thead>
              <tbody>
                {o.lag.partitions.filter((p) => p.lag > 0 || o.lag!.partitions.length <= 12).map((p) => (
                  <tr key={`${p.topic}-${p.partition}`}>
                    <td>{p.topic}</td>
                    <td>{p.partition}</td>
                    <td>{p.lag}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p className="error">{o.lag_error}</p>
        )}
      </section>
      <section aria-label="Chat latency">
        <h2>Chat (last hour, {o.chat.answers} answers)</h2>
        <p>
          latency p50 {ms(o.chat.latency_ms.p50)} · p95 {ms(o.chat.latency_ms.p95)} · p99 {ms(o.chat.latency_ms.p99)}
        </p>
        <p>
          first token p50 {ms(o.chat.time_to_first_token_ms.p50)} · p95 {ms(o.chat.time_to_first_token_ms.p95)} · p99{" "}
          {ms(o.chat.time_to_first_token_ms.p99)}
        </p>
      </section>
      <section aria-label="Rejections">
        <h2>Rejections and failures by reason</h2>
        <ul>
          {[...o.rejections, ...o.failures].map((r) => (
            <li key={`${r.outcome}-${r.stage}-${r.rule}`}>
              {r.outcome} · {r.rule}: {r.documents}
            </li>
          ))}
        </ul>
      </section>
      <DeadLetterList />
    </div>
  );
}

/** The dead-letter topic: what the pipeline could not process and why, with replay as a new job. */
function DeadLetterList() {
  const [letters, setLetters] = useState<DeadLetters | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const load = () => api("GET", "/api/ops/dlq?limit=100", DeadLetters).then(setLetters).catch(() => undefined);
  useEffect(() => {
    load();
  }, []);
  async function replay() {
    try {
      const done = await api("POST", "/api/ops/dlq/replay", Replayed, {});
      setMessage(done.job_id ? `Replaying ${done.documents} document(s) as job ${done.job_id}.` : "Nothing to replay.");
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : "The replay failed.");
    }
    load();
  }
  return (
    <section aria-label="Dead letters">
      <h2>Dead letters ({letters?.total ?? "…"})</h2>
      <button onClick={replay} disabled={!letters || letters.total === 0}>
        Replay all
      </button>
      {message && <p role="status">{message}</p>}
      <table>
        <tbody>
          {letters?.letters.map((l, i) => (
            <tr key={`${l.document_id}-${i}`}>
              <td>{l.failed_at ? new Date(l.failed_at).toLocaleString() : "—"}</td>
              <td title={l.uri ?? undefined}>{l.document_id}</td>
              <td>{l.stage}</td>
              <td>{l.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
