import { z } from "zod";
import { ApiErrorBody } from "./schemas";

/** A failed API call: the server's status, stable code and message (never a stack trace). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls the API with the session cookie and parses the answer with {@code schema}. */
export async function api<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown, signal?: AbortSignal): Promise<T> {
  const response = await send(method, path, body, undefined, signal);
  if (response.status === 204) return schema.parse(undefined);
  return schema.parse(await response.json());
}

/** Sends a request and turns a non-2xx answer into an ApiError. */
export async function send(method: string, path: string, body?: unknown, accept?: string, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { Accept: accept ?? "application/json" };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload, credentials: "same-origin", signal });
  if (!response.ok) throw await toError(response);
  return response;
}

async function toError(response: Response): Promise<ApiError> {
  try {
    const parsed = ApiErrorBody.safeParse(await response.json());
    if (parsed.success) return new ApiError(response.status, parsed.data.error, parsed.data.message);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(response.status, "http_" + response.status, response.statusText || "request failed");
}
