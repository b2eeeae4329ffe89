import { useEffect, useState, type FormEvent } from "react";
import { z } from "zod";
import { api, ApiError } from "../api/http";
import { useRoute } from "../stores/route";

/** The page an e-mail verification link opens. */
export function VerifyEmail() {
  const { query, go } = useRoute();
  const [state, setState] = useState<"checking" | "done" | string>("checking");
  useEffect(() => {
    api("POST", "/api/auth/verify", z.unknown(), { token: query.get("token") ?? "" })
      .then(() => setState("done"))
      .catch((e) => setState(e instanceof ApiError ? e.message : "The link could not be checked."));
  }, [query]);
  return (
    <main className="signin">
      <h1>E-mail verification</h1>
      {state === "checking" && <p>Checking the link…</p>}
      {state === "done" && <p>Your e-mail address is verified.</p>}
      {state !== "checking" && state !== "done" && <p role="alert" className="error">{state}</p>}
      <button className="link" onClick={() => go("/")}>Go to OpenTier</button>
    </main>
  );
}

/** Asks for a reset link (the answer is the same whether or not the address has an account). */
export function ForgotPassword() {
  const { go } = useRoute();
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    await api("POST", "/api/auth/password-reset/request", z.unknown(), { email }).catch(() => undefined);
    setSent(true);
  }
  return (
    <main className="signin">
      <h1>Reset your password</h1>
      {sent ? (
        <p>If an account has that address, a link to choose a new password is on its way.</p>
      ) : (
        <form onSubmit={submit} aria-label="Reset password">
          <label>
            E-mail
            <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          </label>
          <button type="submit">Send the link</button>
        </form>
      )}
      <button className="link" onClick={() => go("/")}>Back to sign-in</button>
    </main>
  );
}

/** The page a reset link opens: a new password. */
export function ResetPassword() {
  const { query, go } = useRoute();
  const [password, setPassword] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password.length < 10) return setMessage("Passwords have at least 10 characters.");
    try {
      await api("POST", "/api/auth/password-reset", z.unknown(), { token: query.get("token") ?? "", new_password: password });
      setDone(true);
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : "The password could not be changed.");
    }
  }
  return (
    <main className="signin">
      <h1>Choose a new password</h1>
      {done ? (
        <p>Your password is changed; every session was signed out.</p>
      ) : (
        <form onSubmit={submit} aria-label="New password">
          <label>
            New password
            <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </label>
          {message && <p role="alert" className="error">{message}</p>}
          <button type="submit">Change password</button>
        </form>
      )}
      <button className="link" onClick={() => go("/")}>Go to sign-in</button>
    </main>
  );
}
