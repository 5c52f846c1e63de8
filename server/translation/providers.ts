// Translation and speech recognition are not Chatwire's to do: the server forwards them to a service the operator
// runs or buys, through one small interface each, with one real HTTP provider each:
// - translation: the LibreTranslate API (`POST {url}/translate`), which LibreTranslate itself and several
//   self-hosted and commercial services speak;
// - speech to text: the OpenAI-compatible transcription API (`POST {url}/v1/audio/transcriptions`, multipart),
//   which OpenAI, whisper.cpp's server, faster-whisper-server and LocalAI speak.
// Nothing is faked: with no provider configured the calls fail with the official codes (2117, 2118).

export interface TranslationProvider {
  /** Translates every text; returns one translation per text, in order. Rejects on any failure. */
  translate(texts: readonly string[], source: string, target: string, signal: AbortSignal): Promise<string[]>;
}

export interface SpeechToTextProvider {
  /** Transcribes one audio file. Rejects on any failure. */
  transcribe(audio: AudioFile, language: string, signal: AbortSignal): Promise<string>;
}

export interface AudioFile {
  bytes: Uint8Array;
  /** One of SUPPORTED_AUDIO_FORMATS. */
  format: string;
  fileName: string;
}

export interface HttpProviderOptions {
  /** The service's base URL, e.g. http://translate.internal:5000 or https://api.openai.com. */
  url: string;
  /** Sent as LibreTranslate's `api_key`, or as `authorization: Bearer` for transcription. */
  apiKey?: string;
  /** How long one call may take. Default 15 s (translation), 60 s (transcription). */
  timeoutMs?: number;
}

export interface SpeechToTextOptions extends HttpProviderOptions {
  /** The transcription model. Default "whisper-1". */
  model?: string;
}

/** The most bytes read from a provider's answer. */
const MAX_RESPONSE_BYTES = 1 << 20;

async function readJson(response: Response): Promise<unknown> {
  const reader = response.body?.getReader();
  if (!reader) throw new Error(`empty answer (HTTP ${response.status})`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new Error(`answer larger than ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as unknown;
}

function endpoint(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}

/** A LibreTranslate-compatible service: `{q: [...], source, target, format: "text", api_key}` → `{translatedText: [...]}`. */
export function libreTranslateProvider(options: HttpProviderOptions): TranslationProvider {
  return {
    async translate(texts, source, target, signal) {
      const response = await fetch(endpoint(options.url, "/translate"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ q: texts, source, target, format: "text", ...(options.apiKey ? { api_key: options.apiKey } : {}) }),
        signal,
      });
      const body = (await readJson(response)) as { translatedText?: unknown };
      const translated = typeof body.translatedText === "string" ? [body.translatedText] : body.translatedText;
      if (!Array.isArray(translated) || translated.length !== texts.length || !translated.every((t) => typeof t === "string")) {
        throw new Error("the answer has no translatedText list matching the texts");
      }
      return translated as string[];
    },
  };
}

/** An OpenAI-compatible transcription service: multipart `file`, `model`, `language` → `{text}`. */
export function openAiTranscriptionProvider(options: SpeechToTextOptions): SpeechToTextProvider {
  return {
    async transcribe(audio, language, signal) {
      const form = new FormData();
      form.set("file", new Blob([Buffer.from(audio.bytes)]), audio.fileName);
      form.set("model", options.model ?? "whisper-1");
      form.set("response_format", "json");
      // OpenAI takes ISO-639-1 ("ja"); the SDK passes BCP 47 ("ja-JP").
      if (language) form.set("language", language.split(/[-_]/)[0]!.toLowerCase());
      const response = await fetch(endpoint(options.url, "/v1/audio/transcriptions"), {
        method: "POST",
        headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
        body: form,
        signal,
      });
      const body = (await readJson(response)) as { text?: unknown };
      if (typeof body.text !== "string") throw new Error("the answer has no text");
      return body.text;
    },
  };
}
