/**
 * Export of what the page shows: a card as a standalone SVG or PNG file, the page as a static HTML
 * report (no script: it opens anywhere, offline, and shows the state at the moment it was saved).
 * A card's SVG is composed from what the browser laid out: each Plot <svg> is nested at its place,
 * and every piece of HTML text (the card's title, legends, captions) becomes an SVG <text> at its
 * position with its computed font and colour, so the file looks like the card without HTML inside
 * (an SVG with <foreignObject> would taint the canvas the PNG is drawn on).
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

/** A file name from a card title: `Logit dynamics` → `logit-dynamics`. */
export const fileStem = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'chart';

/**
 * The card as SVG markup, width × height of its box.
 * @example
 * const svg = cardSvg(card); // '<svg xmlns="http://www.w3.org/2000/svg" width="420" …'
 */
export function cardSvg(card: HTMLElement): string {
  const box = card.getBoundingClientRect();
  const out = document.createElementNS(SVG_NS, 'svg');
  out.setAttribute('xmlns', SVG_NS);
  out.setAttribute('width', String(Math.ceil(box.width)));
  out.setAttribute('height', String(Math.ceil(box.height)));
  out.setAttribute('viewBox', `0 0 ${Math.ceil(box.width)} ${Math.ceil(box.height)}`);
  out.setAttribute('font-family', getComputedStyle(card).fontFamily);
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', 'white');
  out.append(background);
  const walker = document.createTreeWalker(card, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => {
      if (node instanceof Element && (node.closest('.export') || (node.parentElement?.closest('svg') && node instanceof SVGElement))) return NodeFilter.FILTER_REJECT;
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node instanceof SVGSVGElement) {
      const rect = node.getBoundingClientRect();
      const nested = node.cloneNode(true) as SVGSVGElement;
      nested.setAttribute('x', String(rect.left - box.left));
      nested.setAttribute('y', String(rect.top - box.top));
      nested.setAttribute('width', String(rect.width));
      nested.setAttribute('height', String(rect.height));
      out.append(nested);
    } else if (node.nodeType === Node.TEXT_NODE && node.textContent!.trim() !== '' && !node.parentElement?.closest('svg')) {
      const range = document.createRange();
      range.selectNodeContents(node);
      const rect = range.getBoundingClientRect();
      if (rect.width === 0) continue;
      const style = getComputedStyle(node.parentElement!);
      const text = document.createElementNS(SVG_NS, 'text');
      text.setAttribute('x', String(rect.left - box.left));
      text.setAttribute('y', String(rect.top - box.top + rect.height * 0.78));
      text.setAttribute('font-size', style.fontSize);
      text.setAttribute('font-weight', style.fontWeight);
      text.setAttribute('fill', style.color);
      text.textContent = node.textContent!.trim();
      out.append(text);
    }
  }
  return new XMLSerializer().serializeToString(out);
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Download the card as `<title>.svg`. */
export function downloadSvg(card: HTMLElement, title: string): void {
  download(new Blob([cardSvg(card)], { type: 'image/svg+xml' }), `${fileStem(title)}.svg`);
}

/** Download the card as `<title>.png` at twice its size on screen (sharp on high-density screens and in print). */
export async function downloadPng(card: HTMLElement, title: string, scale = 2): Promise<void> {
  const svg = cardSvg(card);
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('the card could not be rendered as an image'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(image.width * scale);
    canvas.height = Math.ceil(image.height * scale);
    const context = canvas.getContext('2d')!;
    context.scale(scale, scale);
    context.drawImage(image, 0, 0);
    const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
    download(blob, `${fileStem(title)}.png`);
  } finally {
    URL.revokeObjectURL(url);
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page as a static HTML report: the run's status line and every card shown, each as its SVG.
 * @example
 * const html = reportHtml(document.querySelectorAll('.card'), 'reversal-developmental · trial 405,000 / 405,000');
 */
export function reportHtml(cards: Iterable<HTMLElement>, status: string, title: string): string {
  const figures = [...cards].map((card) => `<figure>${cardSvg(card)}</figure>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body { font: 14px/1.4 system-ui, sans-serif; color: #222; margin: 16px; } figure { display: inline-block; margin: 0 12px 12px 0; vertical-align: top; border: 1px solid #ddd; border-radius: 6px; } svg { display: block; }</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(status)}</p>
<p>Saved ${escapeHtml(new Date().toISOString())} from the brain-rnn viewer.</p>
${figures}
</body></html>
`;
}

/** Download the page as `<scenario>-report.html`. */
export function downloadReport(cards: Iterable<HTMLElement>, status: string, scenario: string): void {
  download(new Blob([reportHtml(cards, status, `brain-rnn report: ${scenario}`)], { type: 'text/html' }), `${fileStem(scenario)}-report.html`);
}
