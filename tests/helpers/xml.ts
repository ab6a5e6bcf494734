// A small strict XML parser for the tests (no dependency): elements, attributes, text, the five
// predefined entities and numeric references. Throws on anything not well-formed.
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string, at: number): string {
  return s.replace(/&([^;]*);|&/g, (m, body: string | undefined) => {
    if (body === undefined) throw new Error(`xml: bare & near ${at}`);
    if (body in ENTITIES) return ENTITIES[body];
    if (/^#\d+$/.test(body)) return String.fromCodePoint(Number(body.slice(1)));
    if (/^#x[0-9a-fA-F]+$/.test(body)) return String.fromCodePoint(parseInt(body.slice(2), 16));
    throw new Error(`xml: unknown entity ${m} near ${at}`);
  });
}

export function parseXML(src: string): XmlElement {
  let i = 0;
  const skipWs = (): void => {
    while (i < src.length && /\s/.test(src[i])) i++;
  };
  const expect = (s: string): void => {
    if (!src.startsWith(s, i)) throw new Error(`xml: expected ${JSON.stringify(s)} at ${i}, got ${JSON.stringify(src.slice(i, i + 20))}`);
    i += s.length;
  };
  const name = (): string => {
    const m = NAME.exec(src.slice(i));
    if (!m) throw new Error(`xml: expected a name at ${i}`);
    i += m[0].length;
    return m[0];
  };
  const element = (): XmlElement => {
    expect('<');
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      skipWs();
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      if (i === before) throw new Error(`xml: expected whitespace before an attribute at ${i}`);
      const key = name();
      if (key in el.attrs) throw new Error(`xml: duplicate attribute ${key} at ${i}`);
      skipWs();
      expect('=');
      skipWs();
      const q = src[i];
      if (q !== '"' && q !== "'") throw new Error(`xml: attribute ${key} value must be quoted at ${i}`);
      const end = src.indexOf(q, i + 1);
      if (end < 0) throw new Error('xml: unterminated attribute value');
      const raw = src.slice(i + 1, end);
      if (raw.includes('<')) throw new Error(`xml: '<' in attribute ${key}`);
      el.attrs[key] = decode(raw, i);
      i = end + 1;
    }
    for (;;) {
      const lt = src.indexOf('<', i);
      if (lt < 0) throw new Error(`xml: element <${el.name}> is not closed`);
      el.text += decode(src.slice(i, lt), i);
      i = lt;
      if (src.startsWith('</', i)) {
        i += 2;
        const close = name();
        if (close !== el.name) throw new Error(`xml: </${close}> closes <${el.name}> at ${i}`);
        skipWs();
        expect('>');
        return el;
      }
      if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i);
        if (end < 0) throw new Error('xml: unterminated comment');
        i = end + 3;
        continue;
      }
      el.children.push(element());
    }
  };
  skipWs();
  if (src.startsWith('<?xml', i)) i = src.indexOf('?>', i) + 2;
  skipWs();
  const root = element();
  skipWs();
  if (i !== src.length) throw new Error(`xml: content after the root element at ${i}`);
  return root;
}

/** Every element of the tree, depth first. */
export function allElements(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap(allElements)];
}
