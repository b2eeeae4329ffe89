import { useEffect, useState, type FormEvent } from "react";
import { api } from "../api/http";
import { Providers } from "../api/schemas";
import { useRoute } from "../stores/route";
import { useSession } from "../stores/session";

const PROVIDER_NAMES: Record<string, string> = { google: "Google", github: "GitHub" };

/** Password sign-in and sign-up. */
export function SignIn() {
  const { signIn, signUp, error } = useSession();
  const [mode, setMode] = useState<"in" | "up">("in");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [providers, setProviders] = useState<string[]>([]);
  const { query, go } = useRoute();
  const oauthError = query.get("error") ? query.get("message") ?? "Signing in with that provider failed." : null;

  useEffect(() => {
    // Only the providers the server has configured get a button.
    api("GET", "/api/auth/oauth/providers", Providers).then((p) => setProviders(p.providers)).catch(() => setProviders([]));
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) return setProblem("Enter an e-mail address.");
    if (password.length < 10) return setProblem("Passwords have at least 10 characters.");
    setProblem(null);
    await (mode === "in" ? signIn(email, password) : signUp(email, password));
  }

  return (
    <main className="signin">
      <h1>OpenTier</h1>
      <form onSubmit={submit} aria-label={mode === "in" ? "Sign in" : "Sign up"}>
        <label>
          E-mail
          <input type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete={mode === "in" ? "current-password" : "new-password"}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {(problem ?? error ?? oauthError) && <p role="alert" className="error">{problem ?? error ?? oauthError}</p>}
        <button type="submit">{mode === "in" ? "Sign in" : "Create account"}</button>
      </form>
      {providers.map((p) => (
        <a key={p} className="button" href={`/api/auth/oauth/${p}/start`}>
          Continue with {PROVIDER_NAMES[p] ?? p}
        </a>
      ))}
      <button className="link" onClick={() => setMode(mode === "in" ? "up" : "in")}>
        {mode === "in" ? "No account yet? Sign up" : "Have an account? Sign in"}
      </button>
      <button className="link" onClick={() => go("/forgot-password")}>
        Forgot your password?
      </button>
    </main>
  );
}
