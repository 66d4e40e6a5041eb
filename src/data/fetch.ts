import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { DomainError, validationFailed } from '../core/index.ts';

/**
 * Fetching a file by URL for a department, without letting the URL reach inside the network
 * (SSRF): http(s) only, no credentials in the URL, every address the name resolves to must be
 * public, the connection goes to the address that was checked (no DNS rebinding), and each
 * redirect is checked again.
 */

const blocked = new net.BlockList();
for (const [net4, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net4, bits, 'ipv4');
for (const [net6, bits] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net6, bits, 'ipv6');

export function isPublicAddress(address: string, allowLoopback = false): boolean {
  const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : null;
  if (!family) return false;
  if (allowLoopback && address === '127.0.0.1') return true;
  // IPv4 written inside IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1], allowLoopback);
  return !blocked.check(address, family);
}

const refusedUrl = (zh: string, en: string) =>
  validationFailed([{ field: 'url', code: 'refused', message: { zh, en } }]);

export function checkUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refusedUrl('URL 格式不正确', 'Not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw refusedUrl('只能从 http 或 https 地址获取文件', 'Only http and https URLs can be fetched');
  if (url.username || url.password)
    throw refusedUrl('URL 中不能包含用户名或密码', 'URLs with credentials are not accepted');
  return url;
}

/** Resolves the host and returns an address to connect to, refusing private and loopback ones. */
export async function publicAddress(
  url: URL,
  allowLoopback: boolean,
): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const found = net.isIP(host)
    ? [{ address: host, family: net.isIP(host) }]
    : await dns.promises.lookup(host, { all: true }).catch(() => []);
  if (!found.length) throw refusedUrl(`无法解析主机名 ${host}`, `The host ${host} could not be resolved`);
  const bad = found.find((a) => !isPublicAddress(a.address, allowLoopback));
  if (bad)
    throw refusedUrl(
      '不能从内网、本机或保留地址获取文件',
      `Fetching from private, loopback or reserved addresses is refused (${host})`,
    );
  return found[0];
}

export class FetchFailed extends DomainError {}
const failed = (zh: string, en: string) => new FetchFailed('invalid', 'fetch_failed', { zh, en });

/**
 * The response body of `raw`, after at most five redirects, each checked. `maxBytes` is enforced
 * by the caller while storing; a Content-Length above it is refused here before any byte is read.
 */
export async function fetchUrl(
  raw: string,
  opts: { allowLoopback: boolean; maxBytes: number; timeoutMs?: number; signal?: AbortSignal },
): Promise<{ body: Readable; mediaType: string | null; filename: string }> {
  let url = checkUrl(raw);
  for (let hop = 0; hop <= 5; hop++) {
    const target = await publicAddress(url, opts.allowLoopback);
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const client = url.protocol === 'https:' ? https : http;
      const req = client.get(url, {
        // Connect to the address that was checked, whatever DNS says a moment later.
        lookup: (_host, _o, cb) =>
          (cb as (e: null, a: string, f: number) => void)(null, target.address, target.family),
        timeout: opts.timeoutMs ?? 30000,
        signal: opts.signal,
        headers: { 'user-agent': 'Kaifang data fetcher', accept: '*/*' },
      });
      req.on('response', resolve);
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
    }).catch((err: Error) => {
      throw failed(`无法获取该地址：${err.message}`, `The URL could not be fetched: ${err.message}`);
    });
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      url = checkUrl(new URL(res.headers.location, url).toString());
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw failed(`该地址返回 HTTP ${status}`, `The URL answered HTTP ${status}`);
    }
    const length = Number(res.headers['content-length'] ?? NaN);
    if (Number.isFinite(length) && length > opts.maxBytes) {
      res.destroy();
      throw new DomainError('too_large', 'payload_too_large', {
        zh: `文件大小 ${length} 字节超过上限 ${opts.maxBytes}`,
        en: `The file (${length} bytes) is larger than the limit of ${opts.maxBytes}`,
      });
    }
    const disposition = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(
      String(res.headers['content-disposition'] ?? ''),
    );
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    const filename =
      (disposition ? decode(disposition[1]) : decode(url.pathname.split('/').pop() || '')) || 'download';
    return { body: res, mediaType: res.headers['content-type']?.split(';')[0] ?? null, filename };
  }
  throw failed('重定向次数过多', 'Too many redirects');
}
