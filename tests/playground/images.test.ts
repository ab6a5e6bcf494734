// Your own images in the playground (playground/src/images.ts): labels from folders or file-name
// prefixes, problems named by file, grey levels turned bright-on-dark like MNIST.
import { describe, expect, test } from 'vitest';
import { inkOf, labelFiles, labelOf } from '../../playground/src/images.js';

describe('image labels', () => {
  test('the folder wins, else the file-name prefix up to _ - a digit or a space', () => {
    expect(labelOf('x.png', 'pets/cat/x.png')).toBe('cat');
    expect(labelOf('cat_01.png')).toBe('cat');
    expect(labelOf('dog-2.jpg')).toBe('dog');
    expect(labelOf('bird3.png')).toBe('bird');
    expect(labelOf('7.png')).toBe('');
  });

  test('a set of files: sorted classes, one label per file; problems name the file', () => {
    const files = Array.from({ length: 12 }, (_, i) => ({ name: `${i % 3 ? 'cat' : 'dog'}_${i}.png` }));
    expect(labelFiles(files)).toEqual({ labels: files.map((f) => f.name.slice(0, 3)), classes: ['cat', 'dog'] });
    expect(() => labelFiles([...files, { name: '0042.png' }])).toThrow('0042.png: no label');
    expect(() => labelFiles(files.map((f) => ({ name: f.name.replace('dog', 'cat') })))).toThrow("every image has the label 'cat'");
    expect(() => labelFiles(files.slice(0, 4))).toThrow('4 images; at least 10');
  });

  test('grey levels: dark ink on white is inverted, bright ink on black kept, transparency is background', () => {
    const px = (rgba: number[][]): number[] => rgba.flat();
    expect(Array.from(inkOf(px([[255, 255, 255, 255], [255, 255, 255, 255], [0, 0, 0, 255]]), 3))).toEqual([0, 0, 1]);
    expect(Array.from(inkOf(px([[0, 0, 0, 255], [0, 0, 0, 255], [255, 255, 255, 255]]), 3))).toEqual([0, 0, 1]);
    expect(Array.from(inkOf(px([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 255]]), 3))).toEqual([0, 0, 1]);
  });
});
