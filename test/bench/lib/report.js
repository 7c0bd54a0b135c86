// Writes benchmark results into docs/benchmarks.md, one `## ` section per
// benchmark, replacing that section only, so each script refreshes its own
// figures and leaves the others' sections as they are.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { SMALL } from './scale.js';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const REPORT_FILE = path.join(REPOSITORY, 'docs/benchmarks.md');
// VARSCTL_BENCH_CLI measures another build, such as a copy of the tree built
// elsewhere while this one is being edited.
export const CLI = process.env.VARSCTL_BENCH_CLI ?? path.join(REPOSITORY, 'bin/varsctl.js');
const FLOOR = path.join(REPOSITORY, 'test/bench/lib/floor.js');

const INTRO = `# Benchmarks

Measured by the scripts in \`test/bench/\` (\`npm run bench\`, about 15
minutes on 2 cores; \`BENCH_SCALE=small npm run bench\` for a quick check
at a tenth of the size). Each script rewrites its own section below, and
no figure in those sections is typed by hand. The last section, on the
targets that are missed, is written by hand from CPU profiles; its
figures are estimates from the run it names.

Every varsctl figure is measured next to an anchor in the same run: a tool
that does the same job with no extra work (psql, the sqlite3 shell, node
itself, CPython's json module). Runs of varsctl and of its anchor alternate
in a rotating order after one untimed warm-up round, and each figure is the
median wall time of the runs, spawn to exit, of a cold process. A ratio is
varsctl's median divided by the anchor's. Peak memory is the maximum
resident set size of the process, from GNU time's \`%M\`.

Where a section has a floor table, the floor is \`test/bench/lib/floor.js\`:
a Node.js program that loads the driver varsctl uses, runs the anchor's
query and prints the rows, with no checks and no layout. A target below
the floor's own ratio is therefore out of reach for varsctl as well, unless
it used other drivers.

`;

/** The order of sections in the page; sections of other scripts stay where they are. */
const ORDER = ['Machine and versions', 'Start-up', 'list', 'show', 'set', 'export and restore'];

/** Replaces (or adds) the section `## <heading>` with `body`. */
export function writeSection(heading, body) {
  const text = existsSync(REPORT_FILE) ? readFileSync(REPORT_FILE, 'utf8') : INTRO;
  const sections = splitSections(text);
  sections.intro = INTRO;

  const content = `## ${heading}\n\n${body.trim()}\n\n`;
  const existing = sections.list.find((section) => section.heading === heading);
  if (existing !== undefined) {
    existing.content = content;
  } else {
    const rank = ORDER.indexOf(heading);
    const before = sections.list.findIndex((section) => {
      const other = ORDER.indexOf(section.heading);
      return rank !== -1 && other > rank;
    });
    const entry = { heading, content };
    if (before === -1) {
      sections.list.push(entry);
    } else {
      sections.list.splice(before, 0, entry);
    }
  }

  const page = sections.intro + sections.list.map((section) => section.content).join('');
  writeFileSync(REPORT_FILE, `${page.trimEnd()}\n`);
}

function splitSections(text) {
  const lines = text.split('\n');
  const intro = [];
  const list = [];
  let current = null;
  let inFence = false;

  for (const line of lines) {
    if (line.startsWith('```')) {
      inFence = !inFence;
    }
    if (!inFence && line.startsWith('## ')) {
      current = { heading: line.slice(3).trim(), lines: [line] };
      list.push(current);
    } else if (current === null) {
      intro.push(line);
    } else {
      current.lines.push(line);
    }
  }

  return {
    intro: intro.join('\n'),
    list: list.map((section) => ({ heading: section.heading, content: `${section.lines.join('\n').trimEnd()}\n\n` })),
  };
}

/** The command that produced a section, as someone would type it to reproduce it. */
export function commandLine(script) {
  const scale = SMALL ? 'BENCH_SCALE=small ' : '';
  const command = process.env.npm_lifecycle_event === 'bench' ? 'npm run bench' : `node test/bench/${script}`;
  return `${scale}${command}`;
}

/** The line under each heading: when, by what command, at what scale. */
export function provenance(script) {
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const scale = SMALL ? ' **Small scale: a tenth of the sizes named in the targets.**' : '';
  const load = os.loadavg()[0].toFixed(2);
  const build = process.env.VARSCTL_BENCH_CLI === undefined ? '' : ` The varsctl measured is \`${CLI}\`.`;
  return `Measured ${when} UTC by \`${commandLine(script)}\` (\`test/bench/${script}\`); the 1-minute load average was ${load} when the section was written.${build}${scale}`;
}

export function formatMs(ms) {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 100 ? 1 : 0)} ms`;
}

/** A median, or the time limit of a command that timed out. */
export function formatTiming(result) {
  return result.timedOut ? `timed out after ${formatMs(result.medianMs)}` : formatMs(result.medianMs);
}

export function formatMb(kb) {
  return kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`;
}

export function formatRatio(ratio) {
  return `${ratio.toFixed(2)}x`;
}

export function formatCount(count) {
  return count.toLocaleString('en-US');
}

/** "met", or by how much the ratio misses a maximum. */
export function verdict(value, maximum) {
  return value <= maximum ? 'met' : `**missed** (${formatRatio(value / maximum)} the target)`;
}

export const RATIO_HEADER = ['measure', 'varsctl', 'anchor', 'ratio', 'target', 'result', 'peak memory varsctl / anchor'];

/** A row comparing varsctl's median with its anchor's against a maximum ratio. */
export function ratioRow(measure, ours, anchor, maximum) {
  const ratio = ours.medianMs / anchor.medianMs;
  return [
    measure,
    formatTiming(ours),
    `${formatTiming(anchor)} (${anchor.label})`,
    `${ours.timedOut || anchor.timedOut ? 'over ' : ''}${formatRatio(ratio)}`,
    `at most ${maximum}x`,
    verdict(ratio, maximum),
    `${formatMb(ours.peakKb)} / ${formatMb(anchor.peakKb)}`,
  ];
}

export const FLOOR_HEADER = ['measure', 'Node.js floor', 'anchor', 'floor ratio', 'target', 'reach'];

/**
 * Makes a row comparing the floor program (lib/floor.js) with the anchor.
 * A floor slower than the target allows puts the target out of reach.
 */
export function floorRow(measure, floor, anchor, maximum) {
  const ratio = floor.medianMs / anchor.medianMs;
  const reach = ratio <= maximum ? 'within reach' : `**out of reach** (the floor alone is ${formatRatio(ratio / maximum)} the target)`;
  return [measure, formatTiming(floor), `${formatTiming(anchor)} (${anchor.label})`, formatRatio(ratio), `at most ${maximum}x`, reach];
}

/**
 * Returns the command that runs lib/floor.js for one query, printing its
 * first `columns` columns when given, and with `mode` (`count-keys`) when given.
 */
export function floorCase(dialect, target, query, columns, mode) {
  const args = [FLOOR, dialect, target, query];
  if (columns !== undefined) {
    args.push(String(columns));
  }
  if (mode !== undefined) {
    args.push(mode);
  }
  return { command: process.execPath, args };
}

export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * A row of the growth table: how a median grows when the input grows
 * `factor` times. Growth up to 1.1x the factor still counts as linear,
 * because medians of a few runs carry that much noise.
 */
export function growthRow(measure, small, large, factor) {
  const growth = large.medianMs / small.medianMs;
  if (small.timedOut || large.timedOut) {
    return [measure, formatTiming(small), formatTiming(large), `${factor}x`, 'n/a', '**unknown: a run timed out**'];
  }
  const shape = growth <= factor * 1.1 ? 'linear or better' : '**worse than linear**';
  return [measure, formatMs(small.medianMs), formatMs(large.medianMs), `${factor}x`, formatRatio(growth), shape];
}

export const GROWTH_HEADER = ['measure', 'smaller input', 'input x10', 'size factor', 'time factor', 'shape'];
