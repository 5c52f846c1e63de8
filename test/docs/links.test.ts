// The repository's Markdown works where people read it: every `#anchor` link lands on a heading (by GitHub's
// anchor rules), every relative link names a file of the repository, and no document points outside it.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Slugger } from "../../codegen/emit-api-docs.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SKIP = new Set(["node_modules", "dist", ".git", "tmp", "data", ".stryker-tmp", "reports"]);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? markdownFiles(path) : entry.name.endsWith(".md") ? [path] : [];
  });
}

/** The anchors of a document's headings (code blocks excluded). */
function anchorsOf(text: string): Set<string> {
  const slugger = new Slugger();
  const anchors = new Set<string>();
  let inCode = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("```")) inCode = !inCode;
    const heading = !inCode && /^#{1,6} (.*)$/.exec(line);
    if (heading) anchors.add(slugger.slug(heading[1]!.replace(/<[^>]+>/g, "").trim()));
  }
  return anchors;
}

/** Links outside code: [text](target). */
function linksOf(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

describe("documentation links", () => {
  it("heading anchors follow GitHub's rules", () => {
    const slugger = new Slugger();
    assert.equal(slugger.slug("chatwire/v1/account_admin"), "chatwirev1account_admin");
    assert.equal(slugger.slug("Error codes"), "error-codes");
    assert.equal(slugger.slug("Messages"), "messages");
    assert.equal(slugger.slug("Messages"), "messages-1");
    assert.equal(slugger.slug("Set up (TLS, PostgreSQL)"), "set-up-tls-postgresql");
  });

  for (const file of markdownFiles(ROOT)) {
    const name = relative(ROOT, file);
    it(`${name}: anchors and relative links resolve inside the repository`, () => {
      const text = readFileSync(file, "utf8");
      const anchors = anchorsOf(text);
      const problems: string[] = [];
      for (const link of linksOf(text)) {
        if (/^[a-z]+:/i.test(link)) continue; // https:, mailto:
        const [path, anchor] = link.split("#") as [string, string | undefined];
        if (path === "") {
          if (!anchors.has(anchor ?? "")) problems.push(`#${anchor} names no heading`);
          continue;
        }
        const target = resolve(dirname(file), path);
        if (relative(ROOT, target).startsWith("..")) problems.push(`${link} points outside the repository`);
        else if (!existsSync(target)) problems.push(`${link} does not exist`);
        else if (anchor && target.endsWith(".md") && !anchorsOf(readFileSync(target, "utf8")).has(anchor)) problems.push(`${link}: no such heading`);
      }
      if (/(\/work\/|\bshared\/(reference|seeds)\b)/.test(text)) problems.push("mentions a path outside the repository");
      assert.deepEqual(problems, []);
    });
  }
});
