-- Conversations and their messages.

-- writer: query-api
CREATE TABLE conversations (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_user_idx ON conversations (user_id, updated_at DESC, id);

-- writer: intelligence
-- query-api reads these only through ChatService.GetConversation over gRPC.
CREATE TABLE chat_messages (
    id                      uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id         uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role                    text        NOT NULL CHECK (role IN ('user', 'assistant')),
    content                 text        NOT NULL,
    status                  text        NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'partial', 'error')),
    error_code              text,
    sources                 jsonb       NOT NULL DEFAULT '[]'::jsonb,
    model                   text,
    extractive              boolean     NOT NULL DEFAULT false,
    prompt_tokens           integer,
    completion_tokens       integer,
    latency_ms              integer,
    time_to_first_token_ms  integer,
    created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_messages_conversation_idx ON chat_messages (conversation_id, created_at, id);
