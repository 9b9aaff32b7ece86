/**
 * The project's own emulator of the GitHub REST API calls the action makes for pull-request
 * comments and check runs: a real HTTP server on 127.0.0.1 that answers Octokit (`getOctokit(token,
 * { baseUrl })`) the way api.github.com does: JSON bodies, GitHub's error bodies
 * (`{ message, documentation_url, status }`), GitHub's `Link` pagination header, token
 * authentication with read-only and installation tokens, rate limits, and injected
 * failures and hangs.
 *
 * It also serves the runner's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL, with
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN as its bearer token), as @actions/core's getIDToken calls
 * it: `GET <url>&audience=<aud>`, answered `{ "count": n, "value": "<jwt>" }`. The tokens are
 * unsigned JWTs with GitHub's claims (iss, sub, aud, iat, nbf, exp, jti, repository, ...).

 *
 * Repositories, issues and commits exist implicitly: any owner, repository, issue number
 * and 40-hex commit SHA work, unless `issues` names the issues that exist. A pull request
 * from a fork is a matter of the event (its `pull_request.head.repo`) and of the token its
 * workflow gets, read-only: 'ghs_reader'. Where the real behaviour is not documented the
 * choice is noted next to the code.
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
  /**
   * The `checks: write` permission of an installation token; `write` when not given.
   * Without it, creating or updating a check run answers 403.
   */
  checks?: boolean;
}

export type CheckRunStatus = 'queued' | 'in_progress' | 'completed';

export interface EmulatedCheckRun {
  id: number;
  /** Owner and repository as first written. */
  owner: string;
  repo: string;
  head_sha: string;
  name: string;
  status: CheckRunStatus;
  conclusion: string | null;
  external_id: string | null;
  details_url: string | null;
  started_at: string;
  completed_at: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  /** The login of the token that created it. */
  app: string;
}

export interface GitHubEmulatorOptions {
  /** Tokens the emulator accepts. Default: {@link DEFAULT_TOKENS}:
   *  'ghs_writer' → github-actions[bot] (id 41898282, Bot), write, installation;
   *  'ghs_reader' → github-actions[bot], read-only, installation;
   *  'ghs_app'    → a GitHub App's bot, sagemaker-models[bot] (id 190000001), write,
   *                 installation;
   *  'ghp_user'   → octocat (id 583231, User), write, not installation;
   *  'ghs_nochecks' → github-actions[bot], write, installation, without checks: write. */
  tokens?: Record<string, TokenGrant>;
  /**
   * The issues and pull requests that exist, as 'owner/repo#number' (case-insensitive);
   * the comments of any other answer 404. Default: every one exists.
   */
  issues?: readonly string[];
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
  /** True when the request was left unanswered (see `hang`). */
  hung?: boolean;
}

/** Which requests an injected behaviour applies to: the next `count` (default 1) that match. */
export interface RequestMatch {
  count?: number;
  method?: string;
  path?: RegExp;
}

export interface GitHubEmulator {
  /** Base URL to pass as baseUrl / GITHUB_API_URL, e.g. http://127.0.0.1:1234 */
  url: string;
  /** Every request, in order, failed and injected ones included. */
  requests: RecordedGitHubRequest[];
  /** The comments of an issue or pull request, oldest first (copies). */
  comments(owner: string, repo: string, issue: number): EmulatedComment[];
  /** The check runs of a repository (of one commit, when `headSha` is given), oldest first (copies). */
  checkRuns(owner: string, repo: string, headSha?: string): EmulatedCheckRun[];
  /**
   * Seeds a pull request (open unless `state` says otherwise) whose head is `headSha`;
   * GET /repos/{owner}/{repo}/pulls lists them, newest first.
   */
  addPullRequest(
    owner: string,
    repo: string,
    number: number,
    headSha: string,
    state?: 'open' | 'closed',
  ): void;
  /**
   * Sets a branch's commits, newest first (GET /repos/{owner}/{repo}/commits?sha=branch).
   * The default branch of every repository is `main` unless `defaultBranch` says otherwise.
   */
  setBranch(owner: string, repo: string, branch: string, shas: readonly string[]): void;
  /** The default branch GET /repos/{owner}/{repo} answers: 'main' by default. */
  defaultBranch: string;
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
   * match) answer `status` with a GitHub-style error body and any extra `headers`, before
   * authentication and without changing anything.
   */
  fail(
    status: number,
    options?: RequestMatch & { message?: string; headers?: Record<string, string> },
  ): void;
  /**
   * Leave the next `count` matching requests (default 1; `Infinity` for all) unanswered:
   * the connection stays open, no status line is sent, until the client gives up or the
   * emulator closes.
   */
  hang(options?: RequestMatch): void;
  /**
   * Spend the primary rate limit until `resetAt` (ms since the epoch, on the emulator's
   * clock; default an hour from now, whole seconds): until then every authenticated
   * request answers as GitHub does, `status` (403 by default, or 429) with
   * x-ratelimit-remaining: 0 and x-ratelimit-reset. Returns `resetAt`.
   */
  exhaustRateLimit(options?: { resetAt?: number; status?: 403 | 429 }): number;
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

/** The bot a GitHub App writes as; its installation token may not read GET /user. */
export const APP_BOT: GitHubUser = { login: 'sagemaker-models[bot]', id: 190000001, type: 'Bot' };

export const DEFAULT_TOKENS: Readonly<Record<string, TokenGrant>> = {
  ghs_writer: { user: GITHUB_ACTIONS_BOT, write: true, installation: true },
  ghs_reader: { user: GITHUB_ACTIONS_BOT, write: false, installation: true },
  ghs_app: { user: APP_BOT, write: true, installation: true },
  ghp_user: { user: OCTOCAT, write: true, installation: false },
  ghs_nochecks: { user: GITHUB_ACTIONS_BOT, write: true, installation: true, checks: false },
};

/** The primary rate limit of a token, per hour. */
const RATE_LIMIT = 5000;

/** GitHub's limit on the body of an issue or pull-request comment, in characters. */
export const MAX_COMMENT_LENGTH = 65536;

/** GitHub's limit on a check run's output.summary and output.text, in characters. */
export const MAX_CHECK_RUN_OUTPUT_LENGTH = 65535;

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
  /** An error status, or 'hang': no answer at all. */
  status: number | 'hang';
  remaining: number;
  method?: string;
  path?: RegExp;
  message?: string;
  headers?: Record<string, string>;
}

interface Backend {
  url: string;
  now: () => number;
  tokens: Map<string, TokenGrant>;
  threads: Map<string, Thread>;
  /** Comment id -> the thread holding it. */
  owners: Map<number, Thread>;
  nextId: number;
  checkRuns: EmulatedCheckRun[];
  nextCheckRunId: number;
  /** Pull requests by 'owner/repo' (lower case), in creation order. */
  pulls: Map<string, { number: number; headSha: string; state: 'open' | 'closed' }[]>;
  /** Commits of a branch, newest first, by 'owner/repo:branch' (repository in lower case). */
  branches: Map<string, string[]>;
  defaultBranch: string;
  failures: QueuedFailure[];
  requests: RecordedGitHubRequest[];
  /** The issues that exist ('owner/repo#n', lower case); undefined: all of them. */
  issues?: Set<string>;
  /** The rate limit is spent until then (ms since the epoch). */
  rateLimitedUntil?: { resetAt: number; status: 403 | 429 };
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
const DOCS_RATE_LIMIT = `${DOCS}/overview/rate-limits-for-the-rest-api`;
const DOCS_CHECK_CREATE = `${DOCS}/checks/runs#create-a-check-run`;
const DOCS_CHECK_GET = `${DOCS}/checks/runs#get-a-check-run`;
const DOCS_CHECK_UPDATE = `${DOCS}/checks/runs#update-a-check-run`;
const DOCS_CHECK_LIST = `${DOCS}/checks/runs#list-check-runs-for-a-git-reference`;

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly documentationUrl = DOCS,
    readonly extra: Json = {},
    readonly headers: OutgoingHttpHeaders = {},
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
  if (first === 'repos' && owner && repo && rest.length === 0 && call.method === 'GET') {
    if (issues === undefined) return repositoryJson(b, owner, repo);
    if (issues === 'pulls' && fifth === undefined) return listPulls(b, call, owner, repo);
    if (issues === 'commits' && fifth === undefined) return listCommits(b, call, owner, repo);
  }
  if (first === 'repos' && owner && repo && rest.length === 0) {
    if (issues === 'check-runs' && sixth === undefined) {
      if (fifth === undefined && call.method === 'POST') {
        return createCheckRun(b, call, owner, repo);
      }
      if (fifth !== undefined) return checkRunRoute(b, call, owner, repo, fifth);
    }
    if (issues === 'commits' && fifth !== undefined && sixth === 'check-runs') {
      if (call.method === 'GET') return listCheckRuns(b, call, owner, repo, fifth);
    }
  }
  if (first !== 'repos' || !owner || !repo || issues !== 'issues' || rest.length > 0) {
    throw notFound();
  }
  if (fifth === 'comments' && sixth !== undefined) {
    return commentRoute(b, call, owner, repo, sixth);
  }
  if (fifth !== undefined && /^\d+$/.test(fifth) && sixth === 'comments') {
    if (b.issues && !b.issues.has(threadKey(owner, repo, Number(fifth)))) {
      throw notFound(
        call.method === 'POST' ? DOCS_CREATE : `${DOCS}/issues/comments#list-issue-comments`,
      );
    }
    const t = thread(b, owner, repo, Number(fifth));
    if (call.method === 'GET') return listComments(b, call, t);
    if (call.method === 'POST') return createComment(b, call, t);
  }
  throw notFound();
}

// ---------------------------------------------------------------------------------------------
// Repositories, pull requests and commits (what a sync reads)

const DOCS_PULLS = `${DOCS}/pulls/pulls#list-pull-requests`;
const DOCS_COMMITS = `${DOCS}/commits/commits#list-commits`;

function repoKey(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase();
}

function repositoryJson(b: Backend, owner: string, repo: string): Answer {
  return {
    status: 200,
    payload: {
      id: 1296269,
      name: repo,
      full_name: `${owner}/${repo}`,
      default_branch: b.defaultBranch,
      url: `${b.url}/repos/${owner}/${repo}`,
    },
  };
}

/** One page of `items` as GitHub pages a list: per_page (default 30, at most 100) and page. */
function page(b: Backend, call: Call, items: readonly Json[]): Answer {
  const perPage = Math.min(positive(call.query.get('per_page'), 30), 100);
  const at = positive(call.query.get('page'), 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const link = linkHeader(b, call, at, lastPage);
  return {
    status: 200,
    payload: items.slice((at - 1) * perPage, at * perPage),
    headers: link ? { link } : {},
  };
}

function listPulls(b: Backend, call: Call, owner: string, repo: string): Answer {
  const state = call.query.get('state') ?? 'open';
  if (!['open', 'closed', 'all'].includes(state)) {
    throw invalid(DOCS_PULLS, `For 'state', ${shown(state)} is not one of open, closed, all.`);
  }
  const pulls = (b.pulls.get(repoKey(owner, repo)) ?? [])
    .filter((pr) => state === 'all' || pr.state === state)
    .reverse() // newest first
    .map((pr) => ({
      number: pr.number,
      state: pr.state,
      html_url: `https://github.com/${owner}/${repo}/pull/${pr.number}`,
      head: { sha: pr.headSha, ref: `feature/${pr.number}` },
      base: { ref: b.defaultBranch },
    }));
  return page(b, call, pulls);
}

function listCommits(b: Backend, call: Call, owner: string, repo: string): Answer {
  const branch = call.query.get('sha') ?? b.defaultBranch;
  const shas = b.branches.get(`${repoKey(owner, repo)}:${branch}`);
  if (!shas) throw new ApiError(404, `No commit found for SHA: ${branch}`, DOCS_COMMITS);
  return page(
    b,
    call,
    shas.map((sha) => ({ sha, url: `${b.url}/repos/${owner}/${repo}/commits/${sha}` })),
  );
}

// ---------------------------------------------------------------------------------------------
// Check runs

const CHECK_STATUSES: readonly string[] = ['queued', 'in_progress', 'completed'];
/** Statuses only GitHub Actions itself may set. */
const ACTIONS_STATUSES: readonly string[] = ['waiting', 'requested', 'pending'];
const CONCLUSIONS: readonly string[] = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'timed_out',
];

const sameRepo = (run: EmulatedCheckRun, owner: string, repo: string): boolean =>
  run.owner.toLowerCase() === owner.toLowerCase() && run.repo.toLowerCase() === repo.toLowerCase();

const cloneCheckRun = (run: EmulatedCheckRun): EmulatedCheckRun => ({
  ...run,
  output: { ...run.output },
});

function requireChecksWrite(call: Call, documentationUrl: string): void {
  // Check runs are written by GitHub Apps (GITHUB_TOKEN is one) only.
  if (!call.grant.installation) {
    throw new ApiError(403, 'You must authenticate via a GitHub App.', documentationUrl);
  }
  if (!(call.grant.checks ?? call.grant.write)) {
    throw new ApiError(403, 'Resource not accessible by integration', documentationUrl);
  }
}

const invalid = (documentationUrl: string, detail: string): ApiError =>
  new ApiError(422, `Invalid request.\n\n${detail}`, documentationUrl);

const shown = (value: unknown): string => (value === null ? 'nil' : JSON.stringify(value));

function optionalString(body: Json, name: string, documentationUrl: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw invalid(documentationUrl, `For 'properties/${name}', ${shown(value)} is not a string.`);
  }
  return value;
}

function checkSize(value: string | undefined, documentationUrl: string): void {
  // Counted in characters (code points), as for comments: a guess.
  const length = value === undefined ? 0 : [...value].length;
  if (length > MAX_CHECK_RUN_OUTPUT_LENGTH) {
    throw invalid(
      documentationUrl,
      `Only ${MAX_CHECK_RUN_OUTPUT_LENGTH} characters are allowed; ${length} were supplied.`,
    );
  }
}

interface CheckRunChange {
  name?: string;
  head_sha?: string;
  status?: CheckRunStatus;
  conclusion?: string;
  external_id?: string;
  details_url?: string;
  output?: EmulatedCheckRun['output'];
}

/** The members of a create or update request, checked as GitHub checks them. */
function checkRunChange(call: Call, creating: boolean, documentationUrl: string): CheckRunChange {
  if (call.body instanceof Error || (call.body !== undefined && !isRecord(call.body))) {
    throw new ApiError(400, 'Problems parsing JSON', documentationUrl);
  }
  const body = call.body ?? {};
  const change: CheckRunChange = {};
  for (const name of ['name', 'head_sha', 'external_id', 'details_url'] as const) {
    const value = optionalString(body, name, documentationUrl);
    if (value !== undefined) change[name] = value;
  }
  if (creating) {
    for (const name of ['name', 'head_sha'] as const) {
      if (change[name] === undefined) throw invalid(documentationUrl, `"${name}" wasn't supplied.`);
    }
  }
  if (change.name !== undefined && change.name.trim() === '') {
    throw new ApiError(422, 'Validation Failed', documentationUrl, {
      errors: [{ resource: 'CheckRun', code: 'missing_field', field: 'name' }],
    });
  }
  if (change.head_sha !== undefined) {
    if (!creating)
      delete change.head_sha; // not a member of an update; ignored
    else if (!/^[0-9a-f]{40}$/i.test(change.head_sha)) {
      throw new ApiError(422, `No commit found for SHA: ${change.head_sha}`, documentationUrl);
    }
  }
  const status = body.status;
  if (status !== undefined) {
    if (typeof status === 'string' && ACTIONS_STATUSES.includes(status)) {
      throw new ApiError(
        422,
        `Invalid request.\n\nOnly GitHub Actions can set a status of ${status}.`,
        documentationUrl,
      );
    }
    if (typeof status !== 'string' || !CHECK_STATUSES.includes(status)) {
      throw invalid(
        documentationUrl,
        `For 'properties/status', ${shown(status)} is not one of ${CHECK_STATUSES.join(', ')}.`,
      );
    }
    change.status = status as CheckRunStatus;
  }
  const conclusion = body.conclusion;
  if (conclusion !== undefined) {
    if (typeof conclusion !== 'string' || !CONCLUSIONS.includes(conclusion)) {
      throw invalid(
        documentationUrl,
        `For 'properties/conclusion', ${shown(conclusion)} is not one of ${CONCLUSIONS.join(', ')}.`,
      );
    }
    // GitHub documents that a conclusion sets the status to completed; a request that also
    // says another status contradicts itself, and the emulator refuses it.
    if (change.status !== undefined && change.status !== 'completed') {
      throw invalid(documentationUrl, 'A conclusion is only allowed with status "completed".');
    }
    change.conclusion = conclusion;
    change.status = 'completed';
  } else if (change.status === 'completed') {
    throw invalid(documentationUrl, '"conclusion" wasn\'t supplied: status "completed" needs one.');
  }
  const output = body.output;
  if (output !== undefined) {
    if (!isRecord(output)) {
      throw invalid(
        documentationUrl,
        `For 'properties/output', ${shown(output)} is not an object.`,
      );
    }
    const member = (name: string): string | undefined => {
      const value = output[name];
      if (value !== undefined && typeof value !== 'string') {
        throw invalid(
          documentationUrl,
          `For 'properties/${name}', ${shown(value)} is not a string.`,
        );
      }
      return value;
    };
    const [title, summary, text] = [member('title'), member('summary'), member('text')];
    for (const [name, value] of [
      ['title', title],
      ['summary', summary],
      ['text', text],
    ] as const) {
      if (name !== 'text' && value === undefined) {
        throw invalid(documentationUrl, `"${name}" wasn't supplied.`);
      }
    }
    checkSize(summary, documentationUrl);
    checkSize(text, documentationUrl);
    change.output = { title: title ?? null, summary: summary ?? null, text: text ?? null };
  }
  return change;
}

function checkRunJson(b: Backend, run: EmulatedCheckRun): Json {
  return {
    id: run.id,
    head_sha: run.head_sha,
    node_id: nodeId('CheckRun', run.id),
    external_id: run.external_id ?? '',
    url: `${b.url}/repos/${run.owner}/${run.repo}/check-runs/${run.id}`,
    html_url: `https://github.com/${run.owner}/${run.repo}/runs/${run.id}`,
    details_url: run.details_url ?? `https://github.com/${run.owner}/${run.repo}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    output: {
      ...run.output,
      annotations_count: 0,
      annotations_url: `${b.url}/repos/${run.owner}/${run.repo}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    // One check suite per commit and app; its id is not tracked.
    check_suite: { id: 1 },
    app: { slug: run.app.replace(/\[bot\]$/, ''), name: run.app },
    pull_requests: [],
  };
}

function applyChange(b: Backend, run: EmulatedCheckRun, change: CheckRunChange): void {
  if (change.name !== undefined) run.name = change.name;
  if (change.external_id !== undefined) run.external_id = change.external_id;
  if (change.details_url !== undefined) run.details_url = change.details_url;
  if (change.output !== undefined) run.output = change.output;
  if (change.status !== undefined) {
    run.status = change.status;
    if (change.status === 'completed') {
      run.conclusion = change.conclusion ?? null;
      run.completed_at = timestamp(b.now());
    } else {
      // Back in progress: the conclusion goes (a re-run of the same check run).
      run.conclusion = null;
      run.completed_at = null;
    }
  }
}

function createCheckRun(b: Backend, call: Call, owner: string, repo: string): Answer {
  requireChecksWrite(call, DOCS_CHECK_CREATE);
  const change = checkRunChange(call, true, DOCS_CHECK_CREATE);
  const run: EmulatedCheckRun = {
    id: b.nextCheckRunId++,
    owner,
    repo,
    head_sha: change.head_sha!.toLowerCase(),
    name: change.name!,
    status: 'queued',
    conclusion: null,
    external_id: null,
    details_url: null,
    started_at: timestamp(b.now()),
    completed_at: null,
    output: { title: null, summary: null, text: null },
    app: call.grant.user.login,
  };
  applyChange(b, run, { ...change, status: change.status ?? 'queued' });
  b.checkRuns.push(run);
  return { status: 201, payload: checkRunJson(b, run) };
}

function checkRunRoute(b: Backend, call: Call, owner: string, repo: string, id: string): Answer {
  const docs = call.method === 'PATCH' ? DOCS_CHECK_UPDATE : DOCS_CHECK_GET;
  if (call.method !== 'GET' && call.method !== 'PATCH') throw notFound();
  if (call.method === 'PATCH') requireChecksWrite(call, docs);
  const run = /^\d+$/.test(id)
    ? b.checkRuns.find((candidate) => candidate.id === Number(id))
    : undefined;
  if (!run || !sameRepo(run, owner, repo)) throw notFound(docs);
  if (call.method === 'PATCH') applyChange(b, run, checkRunChange(call, false, docs));
  return { status: 200, payload: checkRunJson(b, run) };
}

function listCheckRuns(b: Backend, call: Call, owner: string, repo: string, ref: string): Answer {
  // GitHub also takes branch and tag names; the emulator knows commits by SHA only.
  if (!/^[0-9a-f]{40}$/i.test(ref)) {
    throw new ApiError(422, `No commit found for SHA: ${ref}`, DOCS_CHECK_LIST);
  }
  const name = call.query.get('check_name');
  const status = call.query.get('status');
  if (status !== null && !CHECK_STATUSES.includes(status)) {
    throw invalid(
      DOCS_CHECK_LIST,
      `For 'status', ${shown(status)} is not one of ${CHECK_STATUSES.join(', ')}.`,
    );
  }
  const filter = call.query.get('filter') ?? 'latest';
  if (filter !== 'latest' && filter !== 'all') {
    throw invalid(DOCS_CHECK_LIST, `For 'filter', ${shown(filter)} is not one of latest, all.`);
  }
  let runs = b.checkRuns.filter(
    (run) => sameRepo(run, owner, repo) && run.head_sha === ref.toLowerCase(),
  );
  if (filter === 'latest') {
    // The most recent check run of each name (per app: one app here).
    const latest = new Map<string, EmulatedCheckRun>();
    for (const run of runs) latest.set(run.name, run);
    runs = [...latest.values()];
  }
  runs = runs
    .filter((run) => (name === null || run.name === name) && (!status || run.status === status))
    .sort((x, y) => y.id - x.id); // newest first
  const perPage = Math.min(positive(call.query.get('per_page'), 30), 100);
  const page = positive(call.query.get('page'), 1);
  const lastPage = Math.max(1, Math.ceil(runs.length / perPage));
  const link = linkHeader(b, call, page, lastPage);
  return {
    status: 200,
    payload: {
      total_count: runs.length,
      check_runs: runs.slice((page - 1) * perPage, page * perPage).map((r) => checkRunJson(b, r)),
    },
    headers: link ? { link } : {},
  };
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

/** GitHub's answer once a token's primary rate limit is spent, until it resets. */
function checkRateLimit(b: Backend, grant: TokenGrant): void {
  const limited = b.rateLimitedUntil;
  if (!limited) return;
  if (b.now() >= limited.resetAt) {
    b.rateLimitedUntil = undefined;
    return;
  }
  const whose = grant.installation ? 'installation ID 52013742' : `user ID ${grant.user.id}`;
  throw new ApiError(
    limited.status,
    `API rate limit exceeded for ${whose}. If you reach out to GitHub Support for help, please include the request ID.`,
    DOCS_RATE_LIMIT,
    {},
    {
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(limited.resetAt / 1000)),
      'x-ratelimit-used': String(RATE_LIMIT),
      'x-ratelimit-resource': 'core',
    },
  );
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
    headers: error.headers,
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

/** The answer to a request; undefined when it is to hang. */
function answer(b: Backend, request: IncomingMessage, text: string): Answer | undefined {
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
  if (failure?.status === 'hang') {
    record.hung = true;
    return undefined;
  }
  if (failure) {
    const message = failure.message ?? FAILURE_MESSAGES[failure.status];
    result = errorAnswer(
      new ApiError(
        failure.status,
        message ?? STATUS_CODES[failure.status] ?? 'Error',
        DOCS,
        {},
        failure.headers,
      ),
    );
  } else if (target.pathname === ID_TOKEN_PATH) {
    result = idTokenAnswer(b, method, target, token);
  } else {
    try {
      const grant = authenticate(b, token);
      checkRateLimit(b, grant);
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
    checkRuns: [],
    nextCheckRunId: 31_000_000_001,
    pulls: new Map(),
    branches: new Map(),
    defaultBranch: 'main',
    failures: [],
    requests: [],
    issues: options.issues
      ? new Set(
          options.issues.map((issue) => {
            const match = /^([^/\s]+)\/([^#\s]+)#(\d+)$/.exec(issue);
            if (!match) throw new RangeError(`issues: expected 'owner/repo#number', got ${issue}`);
            return threadKey(match[1]!, match[2]!, Number(match[3]));
          }),
        )
      : undefined,
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
      .then((text) => {
        const result = answer(b, request, text);
        if (result) send(response, result);
      })
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
    checkRuns: (owner, repo, headSha) =>
      b.checkRuns
        .filter(
          (run) =>
            sameRepo(run, owner, repo) &&
            (headSha === undefined || run.head_sha === headSha.toLowerCase()),
        )
        .map(cloneCheckRun),
    addPullRequest: (owner, repo, number, headSha, state = 'open') => {
      const key = repoKey(owner, repo);
      b.pulls.set(key, [
        ...(b.pulls.get(key) ?? []),
        { number, headSha: headSha.toLowerCase(), state },
      ]);
    },
    setBranch: (owner, repo, branch, shas) => {
      b.branches.set(
        `${repoKey(owner, repo)}:${branch}`,
        shas.map((sha) => sha.toLowerCase()),
      );
    },
    get defaultBranch() {
      return b.defaultBranch;
    },
    set defaultBranch(branch: string) {
      b.defaultBranch = branch;
    },
    addComment: (owner, repo, issue, body, user = GITHUB_ACTIONS_BOT) =>
      cloneComment(storeComment(b, thread(b, owner, repo, issue), body, user)),
    writes: () =>
      b.requests.filter(
        (request) =>
          ['POST', 'PATCH', 'DELETE'].includes(request.method) &&
          request.status >= 200 &&
          request.status < 300,
      ).length,
    fail: (status, { count = 1, method, path, message, headers } = {}) => {
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        throw new RangeError(`fail() needs an error status (400-599), got ${status}`);
      }
      if (count >= 1) {
        b.failures.push({
          status,
          remaining: count,
          method: method?.toUpperCase(),
          path,
          message,
          headers,
        });
      }
    },
    hang: ({ count = 1, method, path } = {}) => {
      if (count >= 1) {
        b.failures.push({ status: 'hang', remaining: count, method: method?.toUpperCase(), path });
      }
    },
    exhaustRateLimit: ({ resetAt, status = 403 } = {}) => {
      const at = resetAt ?? Math.floor(b.now() / 1000) * 1000 + 3_600_000;
      b.rateLimitedUntil = { resetAt: at, status };
      return at;
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
