// MessageService.TranslateText and ConvertVoiceToText: checked here, done by the configured providers.
import type { Message } from "../../gen/chatwire/v1/message_pb.js";
import { chatError } from "../rpc/chat-error.js";
import type { AudioFile, SpeechToTextProvider, TranslationProvider } from "./providers.js";

const INVALID_PARAMETER = 70402;
const TRANSLATE_TEXT_FAIL = 2117;
const VOICE_TO_TEXT_FAIL = 2118;
const UNSUPPORTED_VOICE_FORMAT = 2119;

/** The most texts one TranslateText takes, and their total size in UTF-8 bytes. */
export const MAX_TRANSLATE_TEXTS = 100;
export const MAX_TRANSLATE_BYTES = 16 * 1024;
/** The largest audio file transcribed. */
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;

/** The formats the official documentation lists (seed 004 L1738). */
export const SUPPORTED_AUDIO_FORMATS = new Set(["wav", "pcm", "ogg", "opus", "speex", "spx", "silk", "mp3", "m4a", "aac", "amr"]);

/** Reads an uploaded file by its uuid (the file store of the server), or undefined when there is none. */
export type AudioSource = (uuid: string, maxBytes: number) => Promise<{ bytes: Uint8Array; fileName: string } | undefined>;

export interface TranslationDeps {
  translation: TranslationProvider | undefined;
  speechToText: SpeechToTextProvider | undefined;
  audio: AudioSource | undefined;
  translateTimeoutMs: number;
  transcribeTimeoutMs: number;
  log(err: unknown, what: string): void;
}

/** The audio format of a file name or URL, from its extension ("" when none). */
export function audioFormatOf(name: string): string {
  const match = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(name);
  return match ? match[1]!.toLowerCase() : "";
}

export function createTranslationHandlers(deps: TranslationDeps) {
  return {
    async translateText(req: { sourceTextList: string[]; sourceLanguage: string; targetLanguage: string }) {
      const bytes = req.sourceTextList.reduce((n, t) => n + Buffer.byteLength(t), 0);
      if (req.sourceTextList.length === 0 || req.sourceTextList.length > MAX_TRANSLATE_TEXTS || bytes > MAX_TRANSLATE_BYTES) {
        throw chatError(INVALID_PARAMETER, `sourceTextList takes 1 to ${MAX_TRANSLATE_TEXTS} texts of at most ${MAX_TRANSLATE_BYTES} bytes in all`);
      }
      if (!deps.translation) throw chatError(TRANSLATE_TEXT_FAIL, "translation is not configured on this server");
      try {
        const translatedTextList = await deps.translation.translate(
          req.sourceTextList,
          req.sourceLanguage,
          req.targetLanguage,
          AbortSignal.timeout(deps.translateTimeoutMs),
        );
        return { translatedTextList };
      } catch (err) {
        deps.log(err, "translation provider failed");
        throw chatError(TRANSLATE_TEXT_FAIL, "the translation service failed");
      }
    },

    async convertVoiceToText(req: { message?: Message; language: string }) {
      const message = req.message;
      const audio = message?.payload.case === "audio" ? message.payload.value : undefined;
      if (!message || !audio || (message.status !== "" && message.status !== "success") || (!audio.uuid && !audio.url)) {
        throw chatError(INVALID_PARAMETER, "message must be a successfully sent audio message");
      }
      const format = audioFormatOf(audio.url || audio.remoteAudioUrl || audio.uuid);
      if (!SUPPORTED_AUDIO_FORMATS.has(format)) throw chatError(UNSUPPORTED_VOICE_FORMAT);
      if (!deps.speechToText || !deps.audio) throw chatError(VOICE_TO_TEXT_FAIL, "speech to text is not configured on this server");
      const file = await deps.audio(audio.uuid, MAX_AUDIO_BYTES).catch((err: unknown) => {
        deps.log(err, "reading an audio file failed");
        return undefined;
      });
      if (!file) throw chatError(INVALID_PARAMETER, "the audio file of this message is not on this server");
      const input: AudioFile = { bytes: file.bytes, format, fileName: file.fileName || `audio.${format}` };
      try {
        return { result: await deps.speechToText.transcribe(input, req.language, AbortSignal.timeout(deps.transcribeTimeoutMs)) };
      } catch (err) {
        deps.log(err, "speech-to-text provider failed");
        throw chatError(VOICE_TO_TEXT_FAIL, "the speech-to-text service failed");
      }
    },
  };
}
