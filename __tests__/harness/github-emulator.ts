/**
 * The project's own emulator of the GitHub REST API calls the action makes for pull-request
 * comments: a real HTTP server on 127.0.0.1 that answers Octokit (`getOctokit(token,
 * { baseUrl })`) the way api.github.com does: JSON bodies, GitHub's error bodies
 * (`{ message, documentation_url, status }`), GitHub's `Link` pagination header, token
 * authentication with read-only and installation tokens, and injected failures.
 *
 * It also serves the runner's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL, with
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN as its bearer token), as @actions/core's getIDToken calls
 * it: `GET <url>&audience=<aud>`, answered `{ "count": n, "value": "<jwt>" }`. The tokens are
 * unsigned JWTs with GitHub's claims (iss, sub, aud, iat, nbf, exp, jti, repository, ...).
 *
 * Repositories and issues exist implicitly: any owner, repository and issue number work.
 * Where the real behaviour is not documented the choice is noted next to the code.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHubUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface EmulatedComment {
  id: number;
  node_id: string;
  body: string;
  user: GitHubUser;
  /** https://github.com/<owner>/<repo>/pull/<n>#issuecomment-<id> */
  html_url: string;
  /** The comment's API URL, on the emulator's base URL. */
  url: string;
  created_at: string;
  updated_at: string;
}

export interface TokenGrant {
  user: GitHubUser;
  /** false: a read-only token (a pull request from a fork): writes get 403. */
  write: boolean;
  /** true for installation tokens (GITHUB_TOKEN, GitHub Apps): GET /user answers 403. */
  installation: boolean;
}

export interface GitHubEmulatorOptions {
  /** Tokens the emulator accepts. Default: {@link DEFAULT_TOKENS}:
   *  'ghs_writer' → github-actions[bot] (id 41898282, Bot), write, installation;
   *  'ghs_reader' → github-actions[bot], read-only, installation;
   *  'ghp_user'   → octocat (id 583231, User), write, not installation. */
  tokens?: Record<string, TokenGrant>;
  /** Clock in ms, default Date.now; timestamps and `at` use it. */
  now?: () => number;
  /** The OIDC tokens' lifetime (GitHub's: 5 minutes) and their subject's repository. */
  idToken?: { lifetimeMs?: number; repository?: string; ref?: string };
}

/** The claims of an OIDC token the emulator issued. */
export interface IdTokenClaims {
  jti: string;
  iss: string;
  sub: string;
  aud: string;
  iat: number;
  nbf: number;
  exp: number;
  repository: string;
  ref: string;
}

export interface RecordedGitHubRequest {
  method: string;
  /** The path as sent, without the query string. */
  path: string;
  query: Record<string, string>;
  /** The parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
  /** The token of the Authorization header, whether the emulator knows it or not. */
  token: string | undefined;
  at: number;
  /** The status answered (0 while the request is in flight). */
  status: number;
  /** Login of the comment's author when a PATCH or DELETE changed another user's comment. */
  foreignAuthor?: string;
}

export interface GitHubEmulator {
  /** Base URL to pass as baseUrl / GITHUB_API_URL, e.g. http://127.0.0.1:1234 */
  url: string;
  /** Every request, in order, failed and injected ones included. */
  requests: RecordedGitHubRequest[];
  /** The comments of an issue or pull request, oldest first (copies). */
  comments(owner: string, repo: string, issue: number): EmulatedComment[];
  /** Seeds a comment by any user (default github-actions[bot]) without a request. */
  addComment(
    owner: string,
    repo: string,
    issue: number,
    body: string,
    user?: GitHubUser,
  ): EmulatedComment;
  /** Number of requests that changed something: POST, PATCH and DELETE answered with 2xx. */
  writes(): number;
  /**
   * Make the next `count` requests (default 1; optionally only those whose method and path
   * match) answer `status` with a GitHub-style error body, before authentication and
   * without changing anything.
   */
  fail(
    status: number,
    options?: { count?: number; method?: string; path?: RegExp; message?: string },
  ): void;
  /** ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN for the runner's env. */
  readonly idTokenEnv: {
    ACTIONS_ID_TOKEN_REQUEST_URL: string;
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: string;
  };
  /** The claims of every OIDC token issued, in order. */
  idTokens(): IdTokenClaims[];
  /** The OIDC tokens issued and the runtime token: for tests that check they are never shown. */
  secrets(): string[];
  close(): Promise<void>;
}

export const GITHUB_ACTIONS_BOT: GitHubUser = {
  login: 'github-actions[bot]',
  id: 41898282,
  type: 'Bot',
};

export const OCTOCAT: GitHubUser = { login: 'octocat', id: 583231, type: 'User' };

export const DEFAULT_TOKENS: Readonly<Record<string, TokenGrant>> = {
  ghs_writer: { user: GITHUB_ACTIONS_BOT, write: true, installation: true },
  ghs_reader: { user: GITHUB_ACTIONS_BOT, write: false, installation: true },
  ghp_user: { user: OCTOCAT, write: true, installation: false },
};

/** GitHub's limit on the body of an issue or pull-request comment, in characters. */
export const MAX_COMMENT_LENGTH = 65536;

// ---------------------------------------------------------------------------------------------
// State

type Json = Record<string, unknown>;

interface Thread {
  /** Owner and repository as first written; GitHub matches them case-insensitively. */
  owner: string;
  repo: string;
  issue: number;
  comments: EmulatedComment[];
}

interface QueuedFailure {
  status: number;
  remaining: number;
  method?: string;
  path?: RegExp;
  message?: string;
}

interface Backend {
  url: string;
  now: () => number;
  tokens: Map<string, TokenGrant>;
  threads: Map<string, Thread>;
  /** Comment id -> the thread holding it. */
  owners: Map<number, Thread>;
  nextId: number;
  failures: QueuedFailure[];
  requests: RecordedGitHubRequest[];
  idToken: { lifetimeMs: number; repository: string; ref: string; requestToken: string };
  idTokens: IdTokenClaims[];
  idTokenValues: string[];
}

/** The runner's OIDC endpoint: .../_apis/distributedtask/hubs/Actions/plans/<plan>/jobs/<job>/idtoken */
const ID_TOKEN_PATH =
  '/_apis/distributedtask/hubs/Actions/plans/5e3f9c2a-6d41-4f8e-9a1b-2c7d8e9f0a1b/jobs/0b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e/idtoken';

const DOCS = 'https://docs.github.com/rest';
const DOCS_CREATE = `${DOCS}/issues/comments#create-an-issue-comment`;
const DOCS_GET = `${DOCS}/issues/comments#get-an-issue-comment`;
const DOCS_UPDATE = `${DOCS}/issues/comments#update-an-issue-comment`;
const DOCS_DELETE = `${DOCS}/issues/comments#delete-an-issue-comment`;
const DOCS_USER = `${DOCS}/users/users#get-the-authenticated-user`;

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly documentationUrl = DOCS,
    readonly extra: Json = {},
  ) {
    super(message);
  }
}

const notFound = (documentationUrl = DOCS): ApiError =>
  new ApiError(404, 'Not Found', documentationUrl);

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const threadKey = (owner: string, repo: string, issue: number): string =>
  `${owner.toLowerCase()}/${repo.toLowerCase()}#${issue}`;

/** GitHub's timestamps have whole seconds: 2025-01-15T12:00:00Z. */
const timestamp = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** GitHub's legacy global node ids: base64 of `0<length of type>:<Type><id>`. */
const nodeId = (type: string, id: number): string =>
  Buffer.from(`0${type.length}:${type}${id}`).toString('base64');

const cloneComment = (comment: EmulatedComment): EmulatedComment => ({
  ...comment,
  user: { ...comment.user },
});

function thread(b: Backend, owner: string, repo: string, issue: number): Thread {
  const key = threadKey(owner, repo, issue);
  let found = b.threads.get(key);
  if (!found) {
    found = { owner, repo, issue, comments: [] };
    b.threads.set(key, found);
  }
  return found;
}

function storeComment(b: Backend, t: Thread, body: string, user: GitHubUser): EmulatedComment {
  const id = b.nextId++;
  const created = timestamp(b.now());
  const comment: EmulatedComment = {
    id,
    node_id: nodeId('IssueComment', id),
    body,
    user: { ...user },
    html_url: `https://github.com/${t.owner}/${t.repo}/pull/${t.issue}#issuecomment-${id}`,
    url: `${b.url}/repos/${t.owner}/${t.repo}/issues/comments/${id}`,
    created_at: created,
    updated_at: created,
  };
  t.comments.push(comment);
  b.owners.set(id, t);
  return comment;
}

// ---------------------------------------------------------------------------------------------
// Representations

function userJson(b: Backend, user: GitHubUser): Json {
  // Bots are shown under their app's page: github-actions[bot] -> /apps/github-actions.
  const page =
    user.type === 'Bot'
      ? `https://github.com/apps/${user.login.replace(/\[bot\]$/, '')}`
      : `https://github.com/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type, user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url: `${b.url}/users/${encodeURIComponent(user.login)}`,
    html_url: page,
    type: user.type,
    site_admin: false,
  };
}

function commentJson(b: Backend, t: Thread, comment: EmulatedComment): Json {
  return {
    url: comment.url,
    html_url: comment.html_url,
    issue_url: `${b.url}/repos/${t.owner}/${t.repo}/issues/${t.issue}`,
    id: comment.id,
    node_id: comment.node_id,
    user: userJson(b, comment.user),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    // A guess kept simple: OWNER for the repository's owner, NONE for everybody else.
    author_association:
      comment.user.login.toLowerCase() === t.owner.toLowerCase() ? 'OWNER' : 'NONE',
    body: comment.body,
    performed_via_github_app: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Requests

interface Call {
  method: string;
  segments: string[];
  path: string;
  query: URLSearchParams;
  /** undefined: no body; Error: not JSON. */
  body: unknown;
  grant: TokenGrant;
  record: RecordedGitHubRequest;
}

interface Answer {
  status: number;
  payload?: unknown;
  headers?: OutgoingHttpHeaders;
}

/** A positive integer query parameter; absent, malformed, zero or negative gives `fallback`. */
function positive(value: string | null, fallback: number): number {
  if (value === null || !/^\d+$/.test(value.trim())) return fallback;
  const parsed = Number(value.trim());
  return parsed >= 1 ? parsed : fallback;
}

/** `Link` in GitHub's format and order: prev, next, last, first. */
function linkHeader(b: Backend, call: Call, page: number, lastPage: number): string | undefined {
  const at = (target: number): string => {
    const params = new URLSearchParams();
    for (const [name, value] of call.query) if (name !== 'page') params.append(name, value);
    params.append('page', String(target));
    return `<${b.url}${call.path}?${params.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${at(page - 1)}; rel="prev"`);
  if (page < lastPage) links.push(`${at(page + 1)}; rel="next"`, `${at(lastPage)}; rel="last"`);
  if (page > 1) links.push(`${at(1)}; rel="first"`);
  return links.length > 0 ? links.join(', ') : undefined;
}

function listComments(b: Backend, call: Call, t: Thread): Answer {
  // GitHub caps per_page at 100; a missing or unusable value means the default, 30.
  const perPage = Math.min(positive(call.query.get('per_page'), 30), 100);
  const page = positive(call.query.get('page'), 1);
  const lastPage = Math.max(1, Math.ceil(t.comments.length / perPage));
  const items = t.comments.slice((page - 1) * perPage, page * perPage);
  const link = linkHeader(b, call, page, lastPage);
  return {
    status: 200,
    payload: items.map((comment) => commentJson(b, t, comment)),
    headers: link ? { link } : {},
  };
}

function requireWrite(call: Call, documentationUrl: string): void {
  if (call.grant.write) return;
  const by = call.grant.installation ? 'integration' : 'personal access token';
  throw new ApiError(403, `Resource not accessible by ${by}`, documentationUrl);
}

/** The `body` member of a create or update request, checked as GitHub checks it. */
function commentBody(call: Call, documentationUrl: string): string {
  if (call.body instanceof Error)
    throw new ApiError(400, 'Problems parsing JSON', documentationUrl);
  // Not an object (an array, a string): a guess, GitHub answers this as unparsable.
  if (call.body !== undefined && !isRecord(call.body)) {
    throw new ApiError(400, 'Problems parsing JSON', documentationUrl);
  }
  const body = call.body?.body;
  if (body === undefined) {
    throw new ApiError(422, 'Invalid request.\n\n"body" wasn\'t supplied.', documentationUrl);
  }
  if (typeof body !== 'string') {
    const shown = body === null ? 'nil' : JSON.stringify(body);
    throw new ApiError(
      422,
      `Invalid request.\n\nFor 'properties/body', ${shown} is not a string.`,
      documentationUrl,
    );
  }
  // GitHub counts characters (code points), not UTF-16 units; an empty body is a guess.
  if (body.trim() === '') {
    throw new ApiError(422, 'Validation Failed', documentationUrl, {
      errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
    });
  }
  if ([...body].length > MAX_COMMENT_LENGTH) {
    throw new ApiError(422, 'Validation Failed', documentationUrl, {
      errors: [
        {
          resource: 'IssueComment',
          code: 'custom',
          field: 'body',
          message: `body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`,
        },
      ],
    });
  }
  return body;
}

function createComment(b: Backend, call: Call, t: Thread): Answer {
  requireWrite(call, DOCS_CREATE);
  const body = commentBody(call, DOCS_CREATE);
  const comment = storeComment(b, t, body, call.grant.user);
  return { status: 201, payload: commentJson(b, t, comment), headers: { location: comment.url } };
}

function findComment(
  b: Backend,
  owner: string,
  repo: string,
  id: string,
  documentationUrl: string,
): { t: Thread; comment: EmulatedComment } {
  const t = /^\d+$/.test(id) ? b.owners.get(Number(id)) : undefined;
  // A comment is only found under its own repository.
  if (!t || threadKey(owner, repo, t.issue) !== threadKey(t.owner, t.repo, t.issue)) {
    throw notFound(documentationUrl);
  }
  const comment = t.comments.find((candidate) => candidate.id === Number(id));
  if (!comment) throw notFound(documentationUrl);
  return { t, comment };
}

function noteForeign(call: Call, comment: EmulatedComment): void {
  // GitHub lets only maintainers edit others' comments; the emulator allows it and records it.
  if (comment.user.id !== call.grant.user.id) call.record.foreignAuthor = comment.user.login;
}

function commentRoute(b: Backend, call: Call, owner: string, repo: string, id: string): Answer {
  switch (call.method) {
    case 'GET': {
      const { t, comment } = findComment(b, owner, repo, id, DOCS_GET);
      return { status: 200, payload: commentJson(b, t, comment) };
    }
    case 'PATCH': {
      requireWrite(call, DOCS_UPDATE);
      const { t, comment } = findComment(b, owner, repo, id, DOCS_UPDATE);
      const body = commentBody(call, DOCS_UPDATE);
      noteForeign(call, comment);
      comment.body = body;
      // updated_at moves forward by at least a second, so an edit is always visible in it.
      const previous = Date.parse(comment.updated_at);
      comment.updated_at = timestamp(Math.max(b.now(), previous + 1000));
      return { status: 200, payload: commentJson(b, t, comment) };
    }
    case 'DELETE': {
      requireWrite(call, DOCS_DELETE);
      const { t, comment } = findComment(b, owner, repo, id, DOCS_DELETE);
      noteForeign(call, comment);
      t.comments.splice(t.comments.indexOf(comment), 1);
      b.owners.delete(comment.id);
      return { status: 204 };
    }
    default:
      throw notFound();
  }
}

function route(b: Backend, call: Call): Answer {
  const [first, owner, repo, issues, fifth, sixth, ...rest] = call.segments;
  if (first === 'user' && call.segments.length === 1 && call.method === 'GET') {
    if (call.grant.installation) {
      throw new ApiError(403, 'Resource not accessible by integration', DOCS_USER);
    }
    return { status: 200, payload: { ...userJson(b, call.grant.user), name: null } };
  }
  if (first !== 'repos' || !owner || !repo || issues !== 'issues' || rest.length > 0) {
    throw notFound();
  }
  if (fifth === 'comments' && sixth !== undefined) {
    return commentRoute(b, call, owner, repo, sixth);
  }
  if (fifth !== undefined && /^\d+$/.test(fifth) && sixth === 'comments') {
    const t = thread(b, owner, repo, Number(fifth));
    if (call.method === 'GET') return listComments(b, call, t);
    if (call.method === 'POST') return createComment(b, call, t);
  }
  throw notFound();
}

// ---------------------------------------------------------------------------------------------
// The runner's OIDC token endpoint

const base64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/** An OIDC token as the runner's token service mints it, unsigned (alg none). */
function issueIdToken(b: Backend, audience: string | undefined): string {
  const iat = Math.floor(b.now() / 1000);
  const [owner] = b.idToken.repository.split('/');
  const claims: IdTokenClaims = {
    jti: randomUUID(),
    iss: 'https://token.actions.githubusercontent.com',
    sub: `repo:${b.idToken.repository}:ref:${b.idToken.ref}`,
    // Without an audience the token is for the repository owner's URL.
    aud: audience ?? `https://github.com/${owner}`,
    iat,
    nbf: iat - 5,
    exp: Math.floor((b.now() + b.idToken.lifetimeMs) / 1000),
    repository: b.idToken.repository,
    ref: b.idToken.ref,
  };
  b.idTokens.push(claims);
  const token = `${base64url({ typ: 'JWT', alg: 'none' })}.${base64url(claims)}.`;
  b.idTokenValues.push(token);
  return token;
}

function idTokenAnswer(b: Backend, method: string, target: URL, token: string | undefined): Answer {
  // The token service's answers to a missing or wrong runtime token are not documented.
  if (token !== b.idToken.requestToken) {
    return {
      status: 401,
      payload: { message: 'Unauthorized: the request token is missing or wrong' },
    };
  }
  if (method !== 'GET') return { status: 405, payload: { message: 'Method Not Allowed' } };
  const value = issueIdToken(b, target.searchParams.get('audience') ?? undefined);
  return { status: 200, payload: { count: b.idTokens.length, value } };
}

// ---------------------------------------------------------------------------------------------
// HTTP

function tokenOf(request: IncomingMessage): string | undefined {
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

function authenticate(b: Backend, token: string | undefined): TokenGrant {
  // GitHub says "Requires authentication" without a token and "Bad credentials" for a bad one.
  if (token === undefined) throw new ApiError(401, 'Requires authentication');
  const grant = b.tokens.get(token);
  if (!grant) throw new ApiError(401, 'Bad credentials');
  return grant;
}

const FAILURE_MESSAGES: Record<number, string> = {
  401: 'Bad credentials',
  404: 'Not Found',
  422: 'Validation Failed',
  500: 'Server Error',
};

function takeFailure(b: Backend, method: string, path: string): QueuedFailure | undefined {
  const index = b.failures.findIndex(
    (queued) =>
      (queued.method === undefined || queued.method === method) &&
      (queued.path === undefined || new RegExp(queued.path.source, queued.path.flags).test(path)),
  );
  const queued = b.failures[index];
  if (!queued) return undefined;
  queued.remaining -= 1;
  if (queued.remaining <= 0) b.failures.splice(index, 1);
  return queued;
}

function errorAnswer(error: ApiError): Answer {
  return {
    status: error.status,
    payload: {
      message: error.message,
      ...error.extra,
      documentation_url: error.documentationUrl,
      status: String(error.status),
    },
  };
}

function send(response: ServerResponse<IncomingMessage>, answer: Answer): void {
  const headers: OutgoingHttpHeaders = {
    'x-github-api-version-selected': '2022-11-28',
    'x-github-media-type': 'github.v3; format=json',
    'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
    ...answer.headers,
  };
  if (answer.payload === undefined) {
    response.writeHead(answer.status, headers);
    response.end();
    return;
  }
  const text = JSON.stringify(answer.payload);
  response.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): { recorded: unknown; parsed: unknown } {
  if (text.trim() === '') return { recorded: undefined, parsed: undefined };
  try {
    const parsed: unknown = JSON.parse(text);
    return { recorded: parsed, parsed };
  } catch (error) {
    return { recorded: text, parsed: error instanceof Error ? error : new Error(String(error)) };
  }
}

function segmentsOf(path: string): string[] | undefined {
  try {
    return path.slice(1).split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function answer(b: Backend, request: IncomingMessage, text: string): Answer {
  const method = (request.method ?? 'GET').toUpperCase();
  const target = new URL(request.url ?? '/', b.url);
  const { recorded, parsed } = parseBody(text);
  const token = tokenOf(request);
  const record: RecordedGitHubRequest = {
    method,
    path: target.pathname,
    query: Object.fromEntries(target.searchParams),
    body: recorded,
    token,
    at: b.now(),
    status: 0,
  };
  b.requests.push(record);
  let result: Answer;
  const failure = takeFailure(b, method, target.pathname);
  if (failure) {
    const message = failure.message ?? FAILURE_MESSAGES[failure.status];
    result = errorAnswer(
      new ApiError(failure.status, message ?? STATUS_CODES[failure.status] ?? 'Error'),
    );
  } else if (target.pathname === ID_TOKEN_PATH) {
    result = idTokenAnswer(b, method, target, token);
  } else {
    try {
      const grant = authenticate(b, token);
      const segments = segmentsOf(target.pathname);
      if (!segments) throw notFound();
      const call: Call = {
        method,
        segments,
        path: target.pathname,
        query: target.searchParams,
        body: parsed,
        grant,
        record,
      };
      result = route(b, call);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = errorAnswer(error instanceof ApiError ? error : new ApiError(500, message));
    }
  }
  record.status = result.status;
  return result;
}

export async function startGitHubEmulator(
  options: GitHubEmulatorOptions = {},
): Promise<GitHubEmulator> {
  const b: Backend = {
    url: '',
    now: options.now ?? Date.now,
    tokens: new Map(Object.entries(options.tokens ?? DEFAULT_TOKENS)),
    threads: new Map(),
    owners: new Map(),
    // Comment ids in the range github.com hands out today.
    nextId: 2_400_000_001,
    failures: [],
    requests: [],
    idToken: {
      lifetimeMs: options.idToken?.lifetimeMs ?? 5 * 60_000,
      repository: options.idToken?.repository ?? 'octo-org/models',
      ref: options.idToken?.ref ?? 'refs/heads/main',
      requestToken: randomBytes(24).toString('hex'),
    },
    idTokens: [],
    idTokenValues: [],
  };
  const server: Server = createServer((request, response) => {
    readBody(request)
      .then((text) => send(response, answer(b, request, text)))
      .catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  b.url = `http://127.0.0.1:${port}`;
  return {
    url: b.url,
    requests: b.requests,
    comments: (owner, repo, issue) =>
      (b.threads.get(threadKey(owner, repo, issue))?.comments ?? []).map(cloneComment),
    addComment: (owner, repo, issue, body, user = GITHUB_ACTIONS_BOT) =>
      cloneComment(storeComment(b, thread(b, owner, repo, issue), body, user)),
    writes: () =>
      b.requests.filter(
        (request) =>
          ['POST', 'PATCH', 'DELETE'].includes(request.method) &&
          request.status >= 200 &&
          request.status < 300,
      ).length,
    fail: (status, { count = 1, method, path, message } = {}) => {
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        throw new RangeError(`fail() needs an error status (400-599), got ${status}`);
      }
      if (count >= 1) {
        b.failures.push({ status, remaining: count, method: method?.toUpperCase(), path, message });
      }
    },
    idTokenEnv: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${b.url}${ID_TOKEN_PATH}?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: b.idToken.requestToken,
    },
    idTokens: () => b.idTokens.map((claims) => ({ ...claims })),
    secrets: () => [...b.idTokenValues, b.idToken.requestToken],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
