import { useEffect, useState } from "react";
import { useSession } from "./stores/session";
import { useRoute } from "./stores/route";
import { SignIn } from "./views/SignIn";
import { Chat } from "./views/Chat";
import { Library } from "./views/Library";
import { Operations } from "./views/Operations";
import { Admin } from "./views/Admin";
import { Account } from "./views/Account";
import { ForgotPassword, ResetPassword, VerifyEmail } from "./views/AccountPages";

const SECTIONS = [
  { path: "/", label: "Chat", admin: false },
  { path: "/library", label: "Library", admin: false },
  { path: "/ops", label: "Operations", admin: true },
  { path: "/admin", label: "Admin", admin: true },
  { path: "/account", label: "Account", admin: false },
];

export function App() {
  const session = useSession();
  const { path, go } = useRoute();
  const [theme, setTheme] = useState<"light" | "dark">(() =>
    window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light",
  );

  useEffect(() => {
    session.load();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // Pages reached from e-mail links work signed in or not.
  if (path === "/verify") return <VerifyEmail />;
  if (path === "/reset-password") return <ResetPassword />;
  if (path === "/forgot-password") return <ForgotPassword />;
  if (!session.checked) return null;
  if (!session.user) return <SignIn />;
  const admin = session.user.role === "admin";
  return (
    <>
      <header>
        <strong>OpenTier</strong>
        <nav aria-label="Sections">
          {SECTIONS.filter((s) => admin || !s.admin).map((s) => (
            <button key={s.path} aria-current={path === s.path} onClick={() => go(s.path)}>
              {s.label}
            </button>
          ))}
        </nav>
        <span className="muted">{session.user.email}</span>
        <button className="link" onClick={() => setTheme(theme === "dark" ? "light" : "dark")}>
          {theme === "dark" ? "Light" : "Dark"} theme
        </button>
        <button
          className="link"
          onClick={async () => {
            await session.signOut();
            go("/");
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        {(path === "/" || path === "/login") && <Chat />}
        {path === "/library" && <Library />}
        {path === "/ops" && admin && <Operations />}
        {path === "/admin" && admin && <Admin />}
        {path === "/account" && <Account />}
      </main>
    </>
  );
}
