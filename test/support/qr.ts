/** Reads a QR code the way a phone does: draws the SVG in Chromium and decodes the pixels with jsQR. */
import jsQR from 'jsqr';
import type { Browser } from 'playwright-core';

/** Draws the SVG at 400 px in a page of `browser` and returns what the QR code in it says. */
export async function decodeQrSvg(browser: Browser, svg: string): Promise<string | undefined> {
  const page = await browser.newPage();
  try {
    // The pixels come back as one base64 string: as an array of 640,000 numbers, serializing them
    // through the browser protocol took about 2 s of CPU a code.
    const pixels = await page.evaluate(async (source) => {
      const image = new Image();
      image.src = `data:image/svg+xml;base64,${btoa(source)}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = 400;
      canvas.height = 400;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0, 400, 400);
      const data = context.getImageData(0, 0, 400, 400).data;
      let binary = '';
      for (let at = 0; at < data.length; at += 0x8000)
        binary += String.fromCharCode(...data.subarray(at, at + 0x8000));
      return btoa(binary);
    }, svg);
    return jsQR(new Uint8ClampedArray(Buffer.from(pixels, 'base64')), 400, 400)?.data;
  } finally {
    await page.close();
  }
}
