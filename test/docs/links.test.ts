import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../..');

interface MarkdownLink {
  line: number;
  target: string;
}

/** Removes what Markdown does not read as text: inline code spans. */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)[^`]*?\1/g, (span) => ' '.repeat(span.length));
}

/** Lines outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) lines.push({ line: index + 1, text });
  });
  return lines;
}

/** Every inline link, image and reference definition target, outside code. */
function extractLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { line, text } of proseLines(markdown)) {
    const prose = withoutCodeSpans(text);
    for (const match of prose.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ line, target: (match[1] ?? '').replace(/^<|>$/g, '') });
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*(\S+)/.exec(prose);
    if (definition?.[1]) links.push({ line, target: definition[1].replace(/^<|>$/g, '') });
  }
  return links;
}

/** The anchor GitHub gives a heading (github-slugger's rules, on the heading's rendered text). */
function githubSlug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/\*\*|__/g, '')
    .trim();
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a document's headings, repeated headings numbered as GitHub does. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(text);
    if (!heading) continue;
    const slug = githubSlug(heading[1] ?? '');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Links to other sites, mail addresses and anchors in the same page are not checked here. */
function isChecked(target: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#');
}

/** One line per broken relative link in `file`: `file:line → target (why)`. */
function brokenLinks(file: string, root: string = repoRoot): string[] {
  const problems: string[] = [];
  for (const { line, target } of extractLinks(readFileSync(file, 'utf8')).filter((l) =>
    isChecked(l.target),
  )) {
    const [rawPath, fragment] = target.split('#', 2);
    const where = `${relative(root, file)}:${line} → ${target}`;
    const linked = resolve(dirname(file), decodeURIComponent(rawPath ?? ''));
    if (!existsSync(linked)) {
      problems.push(`${where} (no such file or folder: ${relative(root, linked)})`);
      continue;
    }
    if (fragment && linked.endsWith('.md') && !headingAnchors(readFileSync(linked, 'utf8')).has(fragment)) {
      problems.push(`${where} (no heading with anchor #${fragment} in ${relative(root, linked)})`);
    }
  }
  return problems;
}

function markdownFilesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return markdownFilesUnder(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

describe('markdown link checking', () => {
  it('finds inline links, images and reference definitions, with their lines', () => {
    const markdown = [
      '# Title',
      'See [the runbook](operations/runbook.md#replaying-a-dlq).',
      '![a picture](img/a.png "A")',
      '[ref]: ./cli.md',
    ].join('\n');
    expect(extractLinks(markdown)).toEqual([
      { line: 2, target: 'operations/runbook.md#replaying-a-dlq' },
      { line: 3, target: 'img/a.png' },
      { line: 4, target: './cli.md' },
    ]);
  });

  it('ignores links inside code spans and fenced code blocks', () => {
    const markdown = ['`[not](a-link.md)`', '```md', '[not](either.md)', '```', '[yes](here.md)'].join('\n');
    expect(extractLinks(markdown)).toEqual([{ line: 5, target: 'here.md' }]);
  });

  it('makes anchors the way GitHub does', () => {
    expect(githubSlug('Tracking (delivery, replies, opt-outs)')).toBe('tracking-delivery-replies-opt-outs');
    expect(githubSlug('A/B variants')).toBe('ab-variants');
    expect(githubSlug('The import table (`ImportStore`, `lib/import-store.ts`)')).toBe(
      'the-import-table-importstore-libimport-storets',
    );
    expect([...headingAnchors('## Tests\n## Tests\n```\n# not a heading\n```')]).toEqual([
      'tests',
      'tests-1',
    ]);
  });

  describe('on files', () => {
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'doc-links-'));
      mkdirSync(join(root, 'docs'));
      writeFileSync(join(root, 'docs', 'target.md'), '# Target\n\n## Replaying a DLQ\n');
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    const check = (markdown: string) => {
      const file = join(root, 'docs', 'page.md');
      writeFileSync(file, markdown);
      return brokenLinks(file, root);
    };

    it('names a link to a missing file, with its file and line', () => {
      expect(check('# Page\n\nSee [gone](missing.md).\n')).toEqual([
        'docs/page.md:3 → missing.md (no such file or folder: docs/missing.md)',
      ]);
    });

    it('names a link to a heading that does not exist', () => {
      expect(check('[x](target.md#replaying-dlq)')).toEqual([
        'docs/page.md:1 → target.md#replaying-dlq (no heading with anchor #replaying-dlq in docs/target.md)',
      ]);
    });

    it('accepts existing files, folders and headings, and skips external links and same-page anchors', () => {
      expect(
        check(
          '[a](target.md#replaying-a-dlq) [b](../docs) [c](https://example.com/x.md) [d](mailto:a@b.c) [e](#nowhere)',
        ),
      ).toEqual([]);
    });
  });
});

describe('the documentation', () => {
  const files = [join(repoRoot, 'README.md'), ...markdownFilesUnder(join(repoRoot, 'docs'))];

  it('has the README and the docs pages to check', () => {
    expect(files.length).toBeGreaterThan(1);
  });

  it.each(files.map((file) => [relative(repoRoot, file), file]))(
    '%s has no broken relative links',
    (_name, file) => {
      expect(brokenLinks(file)).toEqual([]);
    },
  );
});
