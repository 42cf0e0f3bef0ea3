/** Reads a QR code the way a phone does: draws the SVG in Chromium and decodes the pixels with jsQR. */
import jsQR from 'jsqr';
import type { Browser } from 'playwright-core';

/** Draws the SVG at 400 px in a page of `browser` and returns what the QR code in it says. */
export async function decodeQrSvg(browser: Browser, svg: string): Promise<string | undefined> {
  const page = await browser.newPage();
  try {
    const pixels = await page.evaluate(async (source) => {
      const image = new Image();
      image.src = `data:image/svg+xml;base64,${btoa(source)}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = 400;
      canvas.height = 400;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0, 400, 400);
      return Array.from(context.getImageData(0, 0, 400, 400).data);
    }, svg);
    return jsQR(Uint8ClampedArray.from(pixels), 400, 400)?.data;
  } finally {
    await page.close();
  }
}
