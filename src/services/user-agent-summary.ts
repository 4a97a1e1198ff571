// A short, human browser summary ("Chrome 131 on Windows") for approval requests; never the raw header.
const BROWSERS: [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/SamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/FxiOS\/(\d+)/, 'Firefox'],
  [/CriOS\/(\d+)/, 'Chrome'],
  [/Chrom(?:e|ium)\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

export function summariseUserAgent(ua: string | undefined): string {
  if (!ua) return 'unknown';
  const browser = BROWSERS.map(([re, name]) => [re.exec(ua), name] as const).find(([m]) => m);
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  const b = browser ? `${browser[1]} ${browser[0]![1]}` : 'Browser';
  return system ? `${b} (${system})` : b;
}

export type DevicePlatform = 'ios' | 'android' | 'desktop';

/**
 * Which app store fits the device the browser runs on: from the Sec-CH-UA-Platform client hint when the browser sends
 * one ("Android", "iOS", "Windows" …), else from its User-Agent; 'desktop' when it is not a phone or tablet.
 */
export function platformOf(ua: string | undefined, clientHintPlatform?: string): DevicePlatform {
  const hint = (clientHintPlatform ?? '').replace(/"/g, '').trim().toLowerCase();
  if (hint === 'android') return 'android';
  if (hint === 'ios') return 'ios';
  if (hint && hint !== 'unknown' && !/iPhone|iPad|iPod|Android/.test(ua ?? '')) return 'desktop';
  const text = ua ?? '';
  if (/iPhone|iPad|iPod/.test(text)) return 'ios';
  if (/Android/.test(text)) return 'android';
  return 'desktop';
}
