// The bundled examples, by name.
import type { Example } from './types.js';
import { example as dummyBoolean } from './dummy_boolean/train.js';
import { example as dummyImage } from './dummy_image/train.js';
import { example as dummyString } from './dummy_string/train.js';
import { example as dummyTime } from './dummy_time/train.js';

export const examples: Record<string, Example> = {
  [dummyBoolean.name]: dummyBoolean,
  [dummyImage.name]: dummyImage,
  [dummyString.name]: dummyString,
  [dummyTime.name]: dummyTime,
};

export type { Example, ExampleOptions } from './types.js';
