import { create } from "zustand";

/** The app's page, kept in the address bar (query-api serves the app for every non-API path). */
interface RouteState {
  path: string;
  query: URLSearchParams;
  go(path: string): void;
}

export const useRoute = create<RouteState>((set) => {
  window.addEventListener("popstate", () => set({ path: location.pathname, query: new URLSearchParams(location.search) }));
  return {
    path: location.pathname,
    query: new URLSearchParams(location.search),
    go(path) {
      history.pushState(null, "", path);
      set({ path: location.pathname, query: new URLSearchParams(location.search) });
    },
  };
});
