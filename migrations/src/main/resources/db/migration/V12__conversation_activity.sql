-- writer: query-api
-- What the conversation list shows without reading chat history: how many messages a conversation
-- has, the latest one in short, and when it last moved. query-api keeps these as it bridges each
-- chat (intelligence writes the messages themselves; see ARCHITECTURE.md, table ownership).
ALTER TABLE conversations
    ADD COLUMN message_count        integer     NOT NULL DEFAULT 0 CHECK (message_count >= 0),
    ADD COLUMN last_message_preview text,
    ADD COLUMN last_activity_at     timestamptz NOT NULL DEFAULT now();

-- The list is paged by (last_activity_at, id) descending, per user.
DROP INDEX conversations_user_idx;
CREATE INDEX conversations_activity_idx ON conversations (user_id, last_activity_at DESC, id DESC);

-- Operators' dashboards: chat latency percentiles over recent answers.
CREATE INDEX chat_messages_created_idx ON chat_messages (created_at DESC) WHERE role = 'assistant';
