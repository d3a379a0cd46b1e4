/**
 * Exit codes of the `tickflow` command, one meaning each (the README's CLI section lists them).
 * A script can tell a run that lost data from one that failed to run at all.
 */
export const EXIT_CODES = {
  ok: 0,
  /** The command failed (an error, a failed preprocess execution). */
  failure: 1,
  /** A bad flag or combination of flags; nothing ran. */
  usage: 2,
  /**
   * The run finished but records went to the on-failure destination (their ticks are in no bar), or
   * valid ticks are in no bronze file.
   */
  dataLost: 3,
} as const;

/** The exit-code paragraph of `--help`. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  the run completed and every record was processed
  1  the command failed (an error, or the preprocess execution did not succeed)
  2  bad flags (nothing ran)
  3  records went to the on-failure destination: ticks are missing from the lake and the serving
     store; the summary says how many, and DIR/failed-batches/ holds the batches whole (put them
     back on a stream with tickflow dlq replay --dir DIR/failed-batches). Or valid ticks are in no
     bronze file (ticks/): the summary says how many and what the compactor left staged`;
