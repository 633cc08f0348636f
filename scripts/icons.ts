/**
 * Draws the app icons of public/icons/ from their SVG sources with sharp (libvips), so that the
 * committed PNGs can be made again after the emblem changes: `node scripts/icons.ts`.
 * The maskable icon keeps its emblem inside the central safe zone (80 % of its width).
 */
import sharp from 'sharp';

const dir = new URL('../public/icons/', import.meta.url);
const outputs = [
  { source: 'icon.svg', file: 'icon-192.png', size: 192 },
  { source: 'icon.svg', file: 'icon-512.png', size: 512 },
  { source: 'icon-maskable.svg', file: 'icon-maskable-512.png', size: 512 },
];
for (const { source, file, size } of outputs) {
  await sharp(new URL(source, dir).pathname, { density: 300 })
    .resize(size, size)
    .png({ compressionLevel: 9, palette: true })
    .toFile(new URL(file, dir).pathname);
  console.log(`public/icons/${file} (${size} px)`);
}
