// translateText and convertVoiceToText go to the operator's providers over HTTP (here: fake LibreTranslate and
// OpenAI-style transcription services on real sockets); nothing is ever faked by the server itself.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ErrorDetailSchema } from "../../gen/chatwire/v1/error_code_pb.js";
import { MessageSchema, MessageService } from "../../gen/chatwire/v1/message_pb.js";
import { SessionService } from "../../gen/chatwire/v1/session_pb.js";
import { ConnectError } from "@connectrpc/connect";
import { genUserSig } from "../../server/auth/user-sig.js";
import { startServer, type RunningServer, type ServerOptions } from "../../server/index.js";
import { openAiTranscriptionProvider } from "../../server/translation/providers.js";
import { createTranslationHandlers } from "../../server/translation/translation-handlers.js";

interface Provider {
  url: string;
  requests: { path: string; headers: IncomingMessage["headers"]; body: Buffer }[];
  /** What the next requests get. */
  answer: { status: number; body: string } | "hang";
  close(): Promise<void>;
}

async function fakeProvider(): Promise<Provider> {
  const provider: Omit<Provider, "url" | "close"> = { requests: [], answer: { status: 200, body: "{}" } };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      provider.requests.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      if (provider.answer === "hang") return;
      res.writeHead(provider.answer.status, { "content-type": "application/json" }).end(provider.answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(provider, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

async function client(server: RunningServer) {
  const transport = createConnectTransport({ baseUrl: server.url, httpVersion: "2" });
  const userSig = genUserSig({ sdkAppId: server.sdkAppID, secretKey: server.secretKey, userId: "alice", expireSeconds: 600, nowMs: Date.now() });
  const { sessionToken } = await createClient(SessionService, transport).login({ userId: "alice", userSig });
  const messages = createClient(MessageService, transport);
  const headers = { authorization: `Bearer ${sessionToken}` };
  return {
    translate: (sourceTextList: string[]) => messages.translateText({ sourceTextList, sourceLanguage: "auto", targetLanguage: "en" }, { headers }),
    voice: (message: Parameters<typeof create<typeof MessageSchema>>[1]) =>
      messages.convertVoiceToText({ message: create(MessageSchema, message), language: "ja-JP" }, { headers }),
  };
}

function codeOf(err: unknown): number | undefined {
  return ConnectError.from(err).findDetails(ErrorDetailSchema)[0]?.code;
}

describe("translateText", () => {
  let provider: Provider;
  let server: RunningServer;
  let alice: Awaited<ReturnType<typeof client>>;
  const start = async (options: ServerOptions) => {
    server = await startServer({ storage: "memory", logLevel: "silent", ...options });
    alice = await client(server);
  };
  before(async () => {
    provider = await fakeProvider();
  });
  after(() => provider.close());

  it("sends the texts to the LibreTranslate service and answers its translations in order", async () => {
    await start({ translation: { url: `${provider.url}/`, apiKey: "k1" } });
    try {
      provider.requests.length = 0;
      provider.answer = { status: 200, body: JSON.stringify({ translatedText: ["Hello", "Goodbye"] }) };
      const { translatedTextList } = await alice.translate(["你好", "再见"]);
      assert.deepEqual(translatedTextList, ["Hello", "Goodbye"]);
      assert.equal(provider.requests[0]!.path, "/translate");
      assert.deepEqual(JSON.parse(provider.requests[0]!.body.toString()), { q: ["你好", "再见"], source: "auto", target: "en", format: "text", api_key: "k1" });
    } finally {
      await server.close();
    }
  });

  it("answers 2117 when the service fails, answers a wrong shape, or does not answer in time", async () => {
    await start({ translation: { url: provider.url, timeoutMs: 200 } });
    try {
      for (const answer of [{ status: 500, body: "{}" }, { status: 200, body: JSON.stringify({ translatedText: ["only one"] }) }, "hang"] as const) {
        provider.answer = answer;
        await assert.rejects(alice.translate(["a", "b"]), (err) => codeOf(err) === 2117, JSON.stringify(answer));
      }
    } finally {
      provider.answer = { status: 200, body: "{}" };
      await server.close();
    }
  });

  it("answers 2117 without a configured service, and 70402 for too many or too long texts, asking no one", async () => {
    await start({});
    try {
      await assert.rejects(alice.translate(["hello"]), (err) => codeOf(err) === 2117);
      await assert.rejects(alice.translate(Array.from({ length: 101 }, () => "x")), (err) => codeOf(err) === 70402);
      await assert.rejects(alice.translate(["x".repeat(16 * 1024 + 1)]), (err) => codeOf(err) === 70402);
    } finally {
      await server.close();
    }
  });
});

describe("convertVoiceToText", () => {
  it("answers 2118 without a configured service, 2119 for an unlisted format, 70402 for a message that is not audio", async () => {
    const server = await startServer({ storage: "memory", logLevel: "silent" });
    try {
      const alice = await client(server);
      const audio = (url: string) => ({ status: "success", payload: { case: "audio" as const, value: { url, uuid: "u1", second: 3 } } });
      await assert.rejects(alice.voice(audio("http://x/files/u1.mp3")), (err) => codeOf(err) === 2118);
      await assert.rejects(alice.voice(audio("http://x/files/u1.flac")), (err) => codeOf(err) === 2119);
      await assert.rejects(alice.voice({ status: "success", payload: { case: "text", value: { text: "hi" } } }), (err) => codeOf(err) === 70402);
      await assert.rejects(alice.voice({ ...audio("http://x/u1.mp3"), status: "fail" }), (err) => codeOf(err) === 70402);
    } finally {
      await server.close();
    }
  });

  it("posts the stored audio to the transcription service and answers its text", async () => {
    const provider = await fakeProvider();
    try {
      provider.answer = { status: 200, body: JSON.stringify({ text: "こんにちは" }) };
      const handlers = createTranslationHandlers({
        translation: undefined,
        speechToText: openAiTranscriptionProvider({ url: provider.url, apiKey: "sk", model: "whisper-large" }),
        audio: async (uuid) => (uuid === "u1" ? { bytes: new Uint8Array([1, 2, 3, 4]), fileName: "u1.m4a" } : undefined),
        translateTimeoutMs: 1000,
        transcribeTimeoutMs: 1000,
        log: () => {},
      });
      const message = create(MessageSchema, { status: "success", payload: { case: "audio", value: { uuid: "u1", url: "http://h/files/u1.m4a" } } });
      assert.deepEqual(await handlers.convertVoiceToText({ message, language: "ja-JP" }), { result: "こんにちは" });
      const request = provider.requests[0]!;
      assert.equal(request.path, "/v1/audio/transcriptions");
      assert.equal(request.headers.authorization, "Bearer sk");
      const body = request.body.toString("latin1");
      assert.match(body, /name="model"\r\n\r\nwhisper-large/);
      assert.match(body, /name="language"\r\n\r\nja\r\n/);
      assert.match(body, /name="file"; filename="u1.m4a"[\s\S]*\r\n\r\n\x01\x02\x03\x04\r\n/);
      // An audio file the server does not hold is a bad parameter, not a provider failure.
      const missing = create(MessageSchema, { status: "success", payload: { case: "audio", value: { uuid: "nope", url: "http://h/nope.mp3" } } });
      await assert.rejects(handlers.convertVoiceToText({ message: missing, language: "" }), (err) => codeOf(err) === 70402);
      provider.answer = { status: 503, body: "{}" };
      await assert.rejects(handlers.convertVoiceToText({ message, language: "" }), (err) => codeOf(err) === 2118);
    } finally {
      await provider.close();
    }
  });
});
