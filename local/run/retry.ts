/** Retries an idempotent step until it passes (chaos faults are transient); gives up after 50 tries. */
export async function retrying<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, Math.min(200, 5 * attempt)));
    }
  }
}
