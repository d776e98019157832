import type {Connection} from '../config/schema.js'

/**
 * The base the HTTP client resolves paths against: Cloud's URL already ends in /2.0; the Data Center
 * provider asks for /rest/api/latest/… itself, so its base is the server URL.
 */
export function apiBaseUrl(connection: Pick<Connection, 'provider' | 'url'>): string {
  return connection.url.replace(/\/+$/, '')
}
