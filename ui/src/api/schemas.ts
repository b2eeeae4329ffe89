import { z } from "zod";

// The shapes query-api answers (snake_case, as on the wire). Every response is parsed with one of
// these, so a change on the server shows up as a clear error here rather than as undefined later.

export const ApiErrorBody = z.object({ error: z.string(), message: z.string(), request_id: z.string().nullish() });

export const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullish(),
  role: z.enum(["user", "admin"]),
  email_verified: z.boolean().nullish(),
});
export type User = z.infer<typeof User>;

export const LoginResult = z.object({ token: z.string(), expires_at: z.string(), user: User });

export const Conversation = z.object({
  id: z.string(),
  title: z.string().nullable(),
  message_count: z.number(),
  last_message_preview: z.string().nullable(),
  created_at: z.string(),
  last_activity_at: z.string(),
});
export type Conversation = z.infer<typeof Conversation>;

export const ConversationPage = z.object({ conversations: z.array(Conversation), next_cursor: z.string().nullable() });

export const Passage = z.object({
  chunk_id: z.string(),
  document_id: z.string(),
  title: z.string(),
  uri: z.string(),
  heading_path: z.array(z.string()),
  start_offset: z.number(),
  end_offset: z.number(),
  page: z.number().nullable(),
  text: z.string(),
});
export type Passage = z.infer<typeof Passage>;

// withheld: the caller may no longer see the cited document (share revoked, made private, deleted).
export const Source = z.object({ index: z.number(), passage: Passage, withheld: z.boolean().default(false) });
export type Source = z.infer<typeof Source>;

export const Usage = z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() });

export const Message = z.object({
  id: z.string(),
  role: z.enum(["user", "assistant"]),
  content: z.string(),
  sources: z.array(Source),
  partial: z.boolean(),
  created_at: z.string(),
});
export type Message = z.infer<typeof Message>;

export const ConversationDetail = z.object({
  id: z.string(),
  title: z.string().nullable(),
  message_count: z.number(),
  messages: z.array(Message),
});

// Chat stream events.
export const StartEvent = z.object({ message_id: z.string(), user_message_id: z.string(), conversation_id: z.string() });
export const TokenEvent = z.object({ text: z.string() });
export const DoneEvent = z.object({
  usage: Usage,
  latency_ms: z.number(),
  time_to_first_token_ms: z.number(),
  model: z.string(),
  extractive: z.boolean(),
  title: z.string().nullable(),
});
export type DoneEvent = z.infer<typeof DoneEvent>;
export const ErrorEvent = z.object({ code: z.string(), message: z.string() });

export const Document = z.object({
  id: z.string(),
  title: z.string().nullable(),
  uri: z.string(),
  source: z.string(),
  status: z.enum(["indexed", "rejected", "duplicate", "failed"]),
  status_reason: z.string().nullable(),
  language: z.string().nullable(),
  visibility: z.enum(["private", "public"]),
  chunk_count: z.number(),
  updated_at: z.string(),
});
export type Document = z.infer<typeof Document>;

export const DocumentPage = z.object({ documents: z.array(Document), next_cursor: z.string().nullable() });

export const Submitted = z.object({ job_id: z.string(), files: z.number(), refused: z.array(z.string()) });

export const Outcomes = z.object({
  indexed: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
  duplicate: z.number(),
  failed: z.number(),
  deleted: z.number(),
  chunks: z.number(),
});

export const JobProgress = z.object({
  job: z.object({
    id: z.string(),
    kind: z.string(),
    source: z.string(),
    status: z.string(),
    expected: z.number(),
    outcomes: Outcomes,
    finished: z.boolean(),
  }),
  stages: z.object({ received: z.number(), parsed: z.number(), chunked: z.number(), embedded: z.number() }),
  problems: z.array(z.object({ document_id: z.string(), outcome: z.string(), stage: z.string().nullable(), reason: z.string().nullable() })),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const Overview = z.object({
  at: z.string(),
  components: z.record(z.string(), z.string()),
  stages: z.array(z.object({ stage: z.string(), documents_per_second: z.number(), failures_per_second: z.number() })),
  embedding: z.object({ device: z.string().nullable(), model: z.string().nullable(), chunks_per_second: z.number() }),
  lag: z.object({ total: z.number(), partitions: z.array(z.object({ topic: z.string(), partition: z.number(), lag: z.number() })) }).nullable(),
  lag_error: z.string().nullable(),
  chat: z.object({
    answers: z.number(),
    latency_ms: z.object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() }),
    time_to_first_token_ms: z.object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() }),
  }),
  rejections: z.array(z.object({ outcome: z.string(), stage: z.string().nullable(), rule: z.string(), documents: z.number() })),
  failures: z.array(z.object({ outcome: z.string(), stage: z.string().nullable(), rule: z.string(), documents: z.number() })),
  open_streams: z.number(),
});
export type Overview = z.infer<typeof Overview>;

export const SessionInfo = z.object({
  id: z.string(),
  created_at: z.string(),
  last_seen_at: z.string(),
  expires_at: z.string(),
  ip: z.string().nullish(),
  user_agent: z.string().nullish(),
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const AdminUser = z.object({ user: User, disabled_at: z.string().nullable(), sessions: z.number() });
export type AdminUser = z.infer<typeof AdminUser>;
export const UserPage = z.object({ users: z.array(AdminUser) });

export const AuditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string().nullable(),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const Providers = z.object({ providers: z.array(z.string()) });

export const DeadLetters = z.object({
  total: z.number(),
  letters: z.array(z.object({
    document_id: z.string(),
    job_id: z.string().nullable(),
    stage: z.string().nullable(),
    reason: z.string().nullable(),
    uri: z.string().nullable(),
    failed_at: z.string().nullable(),
    replayable: z.boolean(),
  })),
});
export type DeadLetters = z.infer<typeof DeadLetters>;
export const Replayed = z.object({ job_id: z.string().nullable(), documents: z.number(), unreplayable: z.number() });

export const Grant = z.object({ email: z.string(), granted_at: z.string() });
export const DocumentDetail = z.object({
  document: Document,
  metadata: z.record(z.string(), z.unknown()),
  curation: z.record(z.string(), z.unknown()),
  can_manage: z.boolean(),
  grants: z.array(Grant),
  chunks: z.array(z.object({
    id: z.string(),
    position: z.number(),
    text: z.string(),
    token_count: z.number(),
    heading_path: z.array(z.string()),
    page: z.number().nullable(),
  })),
});
export type DocumentDetail = z.infer<typeof DocumentDetail>;
