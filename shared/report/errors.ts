/** Errors of `tickflow report`: each says what is wrong and what to do. */

/** Base class, so the CLI can catch the family at once. */
export class ReportError extends Error {
  override readonly name: string = 'ReportError';
}

/** The lake has no bars to chart (a lake directory without `bars/`, or a stack that has not run). */
export class EmptyLakeError extends ReportError {
  override readonly name = 'EmptyLakeError';
  constructor(readonly source: string) {
    super(
      `${source} has no bars: nothing to chart (run \`tickflow local run\` and report on its lake, or check --lake)`,
    );
  }
}

/** `--symbols` named symbols that have no bars. */
export class UnknownSymbolsError extends ReportError {
  override readonly name = 'UnknownSymbolsError';
  constructor(
    readonly source: string,
    readonly symbols: readonly string[],
  ) {
    super(`no bars in ${source} for ${symbols.map((s) => JSON.stringify(s)).join(', ')}: check --symbols`);
  }
}

/** `--page` past the last page. */
export class PageOutOfRangeError extends ReportError {
  override readonly name = 'PageOutOfRangeError';
  constructor(
    readonly page: number,
    readonly pages: number,
  ) {
    super(`--page ${page} is past the last page (${pages}): choose 1–${pages}`);
  }
}

/** A run summary that is not one `tickflow local run` wrote. */
export class RunSummaryError extends ReportError {
  override readonly name = 'RunSummaryError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`run summary ${file}: ${reason}`);
  }
}
