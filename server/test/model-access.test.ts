/**
 * Who may list, download and delete a model trained from a host's text (docs/security.md), over real HTTP and
 * sockets: the sessions that trained it (host key), their students while a round uses it (resume token), the
 * admin (ADMIN_TOKEN). Nobody else, and nobody anonymously; shipped models stay public.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ErrorCode,
  type JoinResult,
  modelFromArtifact,
  type ModelSummary,
  type RoundInfo,
} from "@tokenroom/shared";
import { loadModelRegistry } from "../src/models/registry.ts";
import { type Booted, boot, call, expectOk, toyRound } from "./boot.ts";

const ADMIN = "admin-token-for-the-model-tests";
const TEXT = `The lighthouse keeper climbed the stairs every evening at seven.
She lit the lamp and watched the ships pass the rocks in the dark.
Her cat slept on the warm stones beside the great glass lens.
One night a storm broke the window and the wind blew out the lamp.
The keeper carried a lantern up the stairs and held it high until dawn.
In the morning the fishermen came to thank her with bread and fish.
The cat ate the fish, and the keeper ate the bread, and both slept all day.`;

type Listed = ModelSummary & { custom?: true };
type Host = Awaited<ReturnType<Booted["host"]>>;
type Headers = Record<string, string>;

const hostAuth = (h: Host): Headers => ({
  authorization: `Bearer ${h.session.hostKey}`,
  "x-session-id": h.session.sessionId,
});
const studentAuth = (j: JoinResult): Headers => ({
  authorization: `Bearer ${j.resumeToken}`,
  "x-participant-id": j.participantId,
});
const admin: Headers = { authorization: `Bearer ${ADMIN}` };
const settings = (modelId: string) => toyRound({ modelId });

describe("custom models belong to the session that trained them", () => {
  let t: Booted;
  let a: Host;
  let b: Host;
  // a line of its own per run, so that the id is this run's
  const corpus = `${TEXT}\nThis story was written for run ${randomUUID()}.\n`;
  let trained: Listed;

  const get = (path: string, headers: Headers = {}) => fetch(`${t.url}${path}`, { headers });
  const del = (path: string, headers: Headers = {}) =>
    fetch(`${t.url}${path}`, { method: "DELETE", headers });
  const list = async (headers: Headers = {}) => {
    const res = await get("/api/models", headers);
    expect(res.status).toBe(200);
    return (await res.json()) as Listed[];
  };
  const status = async (res: Promise<Response>) => (await res).status;
  async function train(h: Host, body: object): Promise<Listed> {
    const res = await fetch(`${t.url}/api/models/train`, {
      method: "POST",
      headers: { "content-type": "application/json", ...hostAuth(h) },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const last = (await res.text()).trim().split("\n").at(-1)!;
    return (JSON.parse(last) as { model: Listed }).model;
  }

  beforeAll(async () => {
    t = await boot({ models: loadModelRegistry(), adminToken: ADMIN });
    a = await t.host("Session A");
    b = await t.host("Session B");
    trained = await train(a, { text: corpus, tokenizer: "word", order: 5, name: "A's private notes" });
    expect(trained).toMatchObject({ custom: true, order: 5 });
  });
  afterAll(() => t.cleanup());

  it("[M1] anonymous listing shows no custom model", async () => {
    const anonymous = await list();
    expect(anonymous.filter((m) => m.custom)).toEqual([]);
    expect(anonymous.map((m) => m.id).sort()).toEqual(["tiny-stories", "toy", "zh-stories"]);
    // shipped artifacts stay public and cacheable
    const shipped = await get("/api/models/tiny-stories");
    expect(shipped.status).toBe(200);
    expect(shipped.headers.get("cache-control")).toMatch(/^public/);
    // a custom id answers 401 anonymously whether or not it exists, and carries nothing of the model
    const res = await get(`/api/models/${trained.id}?v=${trained.hash}`);
    expect(res.status).toBe(401);
    const body = await res.text();
    expect(body).not.toContain("lighthouse");
    expect(body).toMatch(/X-Session-Id/);
    expect(await status(get("/api/models/custom-000000000000"))).toBe(401);
    expect(await status(del(`/api/models/${trained.id}`))).toBe(401);
    // the training session and the admin see it
    expect((await list(hostAuth(a))).find((m) => m.id === trained.id)).toEqual(trained);
    expect((await list(admin)).some((m) => m.id === trained.id)).toBe(true);
    const own = await get(`/api/models/${trained.id}?v=${trained.hash}`, hostAuth(a));
    expect(own.status).toBe(200);
    expect(own.headers.get("cache-control")).toMatch(/^private, .*immutable/);
    expect(modelFromArtifact(await own.json()).hash).toBe(trained.hash);
    expect(await status(get(`/api/models/${trained.id}`, admin))).toBe(200);
  });

  it("[M2] another session's host key cannot download or delete", async () => {
    expect((await list(hostAuth(b))).some((m) => m.custom)).toBe(false);
    expect(await status(get(`/api/models/${trained.id}?v=${trained.hash}`, hostAuth(b)))).toBe(404);
    expect(await status(del(`/api/models/${trained.id}`, hostAuth(b)))).toBe(404);
    // B's key with A's session id opens nothing; neither does a wrong admin token
    const forged = { ...hostAuth(a), authorization: `Bearer ${b.session.hostKey}` };
    expect(await status(get(`/api/models/${trained.id}`, forged))).toBe(403);
    expect(await status(del(`/api/models/${trained.id}`, forged))).toBe(403);
    expect(await status(get("/api/models", forged))).toBe(403);
    expect(await status(get(`/api/models/${trained.id}`, { authorization: "Bearer not-the-admin" }))).toBe(
      403,
    );
    // B cannot run a round with it either (its phones would download it)
    const refused = await call<RoundInfo>(b.socket, "round:start", settings(trained.id));
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.UNKNOWN_MODEL } });
    // A still has it
    expect((await list(hostAuth(a))).some((m) => m.id === trained.id)).toBe(true);
    expect(await status(get(`/api/models/${trained.id}`, hostAuth(a)))).toBe(200);
  });

  it("[M3] a student of another session cannot download", async () => {
    const ada = await t.student(a.session.code, "Ada");
    const bob = await t.student(b.session.code, "Bob");
    const url = `/api/models/${trained.id}?v=${trained.hash}`;
    // no round uses it yet
    expect(await status(get(url, studentAuth(ada.joined)))).toBe(404);
    const round = await expectOk(call<RoundInfo>(a.socket, "round:start", settings(trained.id)));
    await expectOk(call<RoundInfo>(b.socket, "round:start", settings("tiny-stories")));
    // A's phones download it while the round runs; B's do not, whatever B's round is
    const res = await get(url, studentAuth(ada.joined));
    expect(res.status).toBe(200);
    expect(modelFromArtifact(await res.json()).hash).toBe(trained.hash);
    expect(await status(get(url, studentAuth(bob.joined)))).toBe(404);
    // Bob's token does not pass for Ada, and students never delete
    const borrowed = { ...studentAuth(ada.joined), authorization: `Bearer ${bob.joined.resumeToken}` };
    expect(await status(get(url, borrowed))).toBe(403);
    expect(await status(del(`/api/models/${trained.id}`, studentAuth(ada.joined)))).toBe(403);
    // nor do students list custom models
    expect((await list(studentAuth(ada.joined))).some((m) => m.custom)).toBe(false);
    // a participant the host removed no longer downloads
    const eve = await t.student(a.session.code, "Eve");
    expect(await status(get(url, studentAuth(eve.joined)))).toBe(200);
    await expectOk(call(a.socket, "participant:remove", { participantId: eve.joined.participantId }));
    expect(await status(get(url, studentAuth(eve.joined)))).toBe(403);
    // once the round is closed, the download is closed too
    await expectOk(call<RoundInfo>(a.socket, "round:close", { roundId: round.id }));
    expect(await status(get(url, studentAuth(ada.joined)))).toBe(404);
  });

  it("[M4] same text in two sessions: shared storage, separate visibility", async () => {
    const listedForA = await list(hostAuth(a));
    const c = await t.host("Session C");
    const again = await train(c, { text: corpus, tokenizer: "word", order: 5, name: "C's copy" });
    expect(again.id).toBe(trained.id);
    expect(await t.db.prisma.customModel.count({ where: { id: trained.id } })).toBe(1);
    // C sees it and may run it; A's listing is unchanged; B still sees none
    expect((await list(hostAuth(c))).some((m) => m.id === trained.id)).toBe(true);
    expect(await list(hostAuth(a))).toEqual(listedForA);
    expect((await list(hostAuth(b))).some((m) => m.custom)).toBe(false);
    await expectOk(call<RoundInfo>(c.socket, "round:start", settings(trained.id)));
    // C deleting it takes it from C only: A keeps it, stored once
    const cDeletes = await del(`/api/models/${trained.id}`, hostAuth(c));
    expect(cDeletes.status).toBe(200);
    expect(await cDeletes.json()).toEqual({ id: trained.id, storageDeleted: false });
    expect((await list(hostAuth(c))).some((m) => m.id === trained.id)).toBe(false);
    expect(await status(get(`/api/models/${trained.id}`, hostAuth(c)))).toBe(404);
    expect(await list(hostAuth(a))).toEqual(listedForA);
    // the last owner deleting it deletes the stored model
    const aDeletes = await del(`/api/models/${trained.id}`, hostAuth(a));
    expect(await aDeletes.json()).toEqual({ id: trained.id, storageDeleted: true });
    expect(await t.db.prisma.customModel.count({ where: { id: trained.id } })).toBe(0);
    expect(await status(get(`/api/models/${trained.id}`, admin))).toBe(404);
    expect((await list(hostAuth(a))).some((m) => m.custom)).toBe(false);
  });

  it("[M5] the admin lists, downloads and deletes any session's custom model", async () => {
    const model = await train(b, { text: corpus, tokenizer: "char", order: 2 });
    expect((await list(admin)).some((m) => m.id === model.id)).toBe(true);
    expect(await status(get(`/api/models/${model.id}`, admin))).toBe(200);
    expect(await status(del("/api/models/tiny-stories", admin))).toBe(403);
    const res = await del(`/api/models/${model.id}`, admin);
    expect(await res.json()).toEqual({ id: model.id, storageDeleted: true });
    expect((await list(hostAuth(b))).some((m) => m.custom)).toBe(false);
    expect(await status(del(`/api/models/${model.id}`, admin))).toBe(404);
  });
});
