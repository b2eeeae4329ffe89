import { create } from "zustand";
import { api } from "../api/http";
import { z } from "zod";
import { DocumentPage, JobProgress, Submitted, type Document } from "../api/schemas";

const CrawlStarted = z.object({ url: z.string(), job_id: z.string() });

/** An upload being followed: its job's progress as the pipeline reports it. */
export interface TrackedJob {
  id: string;
  label: string;
  progress: JobProgress | null;
  done: boolean;
}

/** What the document list shows: status and language filters, and its order. */
export interface Filters {
  status: string;
  language: string;
  sort: "updated" | "created" | "title";
}

interface LibraryState {
  documents: Document[];
  nextCursor: string | null;
  filters: Filters;
  jobs: TrackedJob[];
  error: string | null;
  load(filters?: Partial<Filters>, more?: boolean): Promise<void>;
  upload(files: File[], visibility: "private" | "public", curation?: CurationProfile): Promise<void>;
  crawl(url: string, visibility: "private" | "public", curation?: CurationProfile): Promise<void>;
  remove(id: string): Promise<void>;
  track(jobId: string, label: string): void;
}

/** Which curation rules may reject a document (the server's default per kind of source when none is chosen). */
export type CurationProfile = "knowledge-base" | "web" | "pretraining";

/** The documents the user may see, and the uploads they are watching (live, over SSE). */
export const useLibrary = create<LibraryState>((set, get) => ({
  documents: [],
  nextCursor: null,
  filters: { status: "", language: "", sort: "updated" },
  jobs: [],
  error: null,

  async load(change = {}, more = false) {
    const filters = { ...get().filters, ...change };
    const params = new URLSearchParams({ limit: "50", sort: filters.sort });
    if (filters.status) params.set("status", filters.status);
    if (filters.language.trim()) params.set("language", filters.language.trim());
    if (more && get().nextCursor) params.set("cursor", get().nextCursor as string);
    const page = await api("GET", `/api/documents?${params}`, DocumentPage);
    set({ filters, documents: more ? [...get().documents, ...page.documents] : page.documents, nextCursor: page.next_cursor });
  },

  async upload(files, visibility, curation) {
    const form = new FormData();
    for (const file of files) form.append("files", file, (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name);
    form.append("visibility", visibility);
    if (curation) form.append("curation", curation);
    try {
      const submitted = await api("POST", "/api/documents", Submitted, form);
      get().track(submitted.job_id, `${submitted.files} file(s)`);
      set({ error: null });
    } catch (e) {
      set({ error: e instanceof Error ? e.message : "The upload failed." });
    }
  },

  async crawl(url, visibility, curation) {
    try {
      const started = await api("POST", "/api/documents/urls", z.array(CrawlStarted), { urls: [url], visibility, ...(curation ? { curation } : {}) });
      for (const crawl of started) get().track(crawl.job_id, crawl.url);
      set({ error: null });
    } catch (e) {
      set({ error: e instanceof Error ? e.message : "The site could not be added." });
    }
  },

  track(id, label) {
    set({ jobs: [{ id, label, progress: null, done: false }, ...get().jobs] });
    follow(id, (progress, done) => {
      set({ jobs: get().jobs.map((j) => (j.id === id ? { ...j, progress, done } : j)) });
      if (done) get().load().catch(() => undefined);
    });
  },

  async remove(id) {
    await api("DELETE", `/api/documents/${id}`, Submitted);
    set({ documents: get().documents.filter((d) => d.id !== id) });
  },
}));

/** Follows a job's event stream until its done event. */
function follow(jobId: string, onProgress: (progress: JobProgress, done: boolean) => void) {
  const events = new EventSource(`/api/ingestion/jobs/${jobId}/events`);
  const handle = (done: boolean) => (message: MessageEvent<string>) => {
    onProgress(JobProgress.parse(JSON.parse(message.data)), done);
    if (done) events.close();
  };
  events.addEventListener("progress", handle(false));
  events.addEventListener("done", handle(true));
}
