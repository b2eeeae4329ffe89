import { useEffect, useState } from "react";
import { z } from "zod";
import { api, ApiError } from "../api/http";
import { AuditEntry, UserPage, type AdminUser } from "../api/schemas";
import { useSession } from "../stores/session";

/** Users (search, role, disable, delete) and the audit log (admins). */
export function Admin() {
  const me = useSession((s) => s.user);
  const [query, setQuery] = useState("");
  const [users, setUsers] = useState<AdminUser[]>([]);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [message, setMessage] = useState<string | null>(null);

  const load = (q = query) =>
    api("GET", `/api/admin/users?q=${encodeURIComponent(q)}`, UserPage).then((page) => setUsers(page.users)).catch(() => undefined);
  const loadAudit = () => api("GET", "/api/admin/audit?limit=50", z.array(AuditEntry)).then(setAudit).catch(() => undefined);
  useEffect(() => {
    load("");
    loadAudit();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  async function change(id: string, body: unknown, method = "PATCH") {
    try {
      await api(method, `/api/admin/users/${id}`, z.unknown(), method === "PATCH" ? body : undefined);
      setMessage(null);
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : "The change failed.");
    }
    load();
    loadAudit();
  }

  return (
    <div className="page">
      <section aria-label="Users">
        <h2>Users</h2>
        <label>
          Search{" "}
          <input
            type="search"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              load(e.target.value);
            }}
          />
        </label>
        {message && <p role="alert" className="error">{message}</p>}
        <table>
          <thead>
            <tr>
              <th>E-mail</th>
              <th>Role</th>
              <th>State</th>
              <th>Sessions</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.map(({ user, disabled_at, sessions }) => (
              <tr key={user.id}>
                <td>{user.email}</td>
                <td>
                  <select
                    aria-label={`Role of ${user.email}`}
                    value={user.role}
                    disabled={user.id === me?.id}
                    onChange={(e) => change(user.id, { role: e.target.value })}
                  >
                    <option value="user">user</option>
                    <option value="admin">admin</option>
                  </select>
                </td>
                <td>{disabled_at ? "disabled" : "active"}</td>
                <td>{sessions}</td>
                <td>
                  {user.id !== me?.id && (
                    <>
                      <button className="link" onClick={() => change(user.id, { disabled: !disabled_at })}>
                        {disabled_at ? "Enable" : "Disable"}
                      </button>{" "}
                      <button
                        className="link"
                        onClick={() => window.confirm(`Delete ${user.email} and everything they own?`) && change(user.id, undefined, "DELETE")}
                      >
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-label="Audit log">
        <h2>Audit log</h2>
        <table>
          <tbody>
            {audit.map((a) => (
              <tr key={a.id}>
                <td>{new Date(a.at).toLocaleString()}</td>
                <td>{a.action}</td>
                <td>
                  {a.target_type} {a.target_id}
                </td>
                <td>{a.ip}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
