import { create } from "zustand";
import { z } from "zod";
import { api, ApiError } from "../api/http";
import { LoginResult, User } from "../api/schemas";

interface SessionState {
  user: User | null;
  checked: boolean;
  error: string | null;
  load(): Promise<void>;
  signIn(email: string, password: string): Promise<void>;
  signUp(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

/** Who is signed in. The session itself is the HttpOnly cookie the server sets; the app never sees the token. */
export const useSession = create<SessionState>((set) => ({
  user: null,
  checked: false,
  error: null,
  async load() {
    try {
      set({ user: await api("GET", "/api/auth/me", User), checked: true });
    } catch {
      set({ user: null, checked: true });
    }
  },
  async signIn(email, password) {
    try {
      const result = await api("POST", "/api/auth/login", LoginResult, { email, password });
      set({ user: result.user, error: null });
    } catch (e) {
      set({ error: e instanceof ApiError ? e.message : "Could not sign in." });
    }
  },
  async signUp(email, password) {
    try {
      await api("POST", "/api/auth/register", z.unknown(), { email, password });
      const result = await api("POST", "/api/auth/login", LoginResult, { email, password });
      set({ user: result.user, error: null });
    } catch (e) {
      set({ error: e instanceof ApiError ? e.message : "Could not sign up." });
    }
  },
  async signOut() {
    await api("POST", "/api/auth/logout", z.unknown()).catch(() => undefined);
    set({ user: null });
  },
}));
