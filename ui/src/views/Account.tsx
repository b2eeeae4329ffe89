import { useEffect, useState, type FormEvent } from "react";
import { z } from "zod";
import { api, ApiError } from "../api/http";
import { SessionInfo } from "../api/schemas";
import { useSession } from "../stores/session";

/** Profile, password, and the sessions signed in with this account (each can be ended). */
export function Account() {
  const { user } = useSession();
  const [sessions, setSessions] = useState<SessionInfo[]>([]);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [message, setMessage] = useState<string | null>(null);

  const load = () => api("GET", "/api/account/sessions", z.array(SessionInfo)).then(setSessions).catch(() => undefined);
  useEffect(() => {
    load();
  }, []);

  async function changePassword(event: FormEvent) {
    event.preventDefault();
    try {
      await api("POST", "/api/account/password", z.unknown(), { current_password: current, new_password: next });
      setMessage("Password changed; your other sessions were signed out.");
      setCurrent("");
      setNext("");
      load();
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : "The password could not be changed.");
    }
  }

  return (
    <div className="page">
      <section aria-label="Profile">
        <h2>Profile</h2>
        <p>
          {user?.email} · {user?.role}
          {user?.email_verified === false && " · e-mail not verified"}
        </p>
      </section>
      <section aria-label="Password">
        <h2>Password</h2>
        <form onSubmit={changePassword} className="stack">
          <label>
            Current password
            <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
          </label>
          <label>
            New password
            <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} minLength={10} required />
          </label>
          <button type="submit">Change password</button>
          {message && <p role="status">{message}</p>}
        </form>
      </section>
      <section aria-label="Sessions">
        <h2>Sessions</h2>
        <table>
          <thead>
            <tr>
              <th>Signed in</th>
              <th>Last seen</th>
              <th>Address</th>
              <th>Browser</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td>{new Date(s.created_at).toLocaleString()}</td>
                <td>{new Date(s.last_seen_at).toLocaleString()}</td>
                <td>{s.ip ?? "—"}</td>
                <td>{s.user_agent ?? "—"}</td>
                <td>
                  {s.current ? (
                    "this session"
                  ) : (
                    <button
                      className="link"
                      aria-label={`End the session signed in ${new Date(s.created_at).toLocaleString()}`}
                      onClick={() => api("DELETE", `/api/account/sessions/${s.id}`, z.unknown()).then(load)}
                    >
                      End session
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
