/** What a response told us about the principal's budget. Every field is null when the header is absent. */
export interface RateLimitHeaders {
  /** Cloud: requests per hour (scaled limits). Data Center: bucket capacity. */
  limit: number | null
  /** Data Center: tokens left in the bucket. */
  remaining: number | null
  /** Data Center: tokens added per interval. */
  fillRate: number | null
  intervalMs: number | null
  /** Cloud: the principal is close to its hourly limit. */
  nearLimit: boolean | null
}

function num(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null
  const n = Number(value)
  return Number.isFinite(n) && n >= 0 ? n : null
}

/** Headers are expected lower-cased. */
export function readRateLimitHeaders(headers: Record<string, string>): RateLimitHeaders {
  const interval = num(headers['x-ratelimit-interval-seconds'])
  const near = headers['x-ratelimit-nearlimit']
  return {
    limit: num(headers['x-ratelimit-limit']),
    remaining: num(headers['x-ratelimit-remaining']),
    // Atlassian spells it without a hyphen; accept the hyphenated form too.
    fillRate: num(headers['x-ratelimit-fillrate'] ?? headers['x-ratelimit-fill-rate']),
    intervalMs: interval === null ? null : interval * 1000,
    nearLimit: near === undefined ? null : /^(true|1|yes)$/i.test(near.trim()),
  }
}
