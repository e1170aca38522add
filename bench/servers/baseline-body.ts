// The bytes the baselines answer: the mock's GET /places/805428 body, handed over by the parent in the environment.
export function baselineResponse(): { body: Buffer; contentType: string } {
  const encoded = process.env.BENCH_BODY_B64;
  if (!encoded) throw new Error('BENCH_BODY_B64 is not set: the parent passes the mock answer to the baseline servers');
  return { body: Buffer.from(encoded, 'base64'), contentType: process.env.BENCH_CONTENT_TYPE ?? 'application/json' };
}
