// The bundled examples, by name.
import type { Example } from './types.js';
import { example as dummyBoolean } from './dummy_boolean/train.js';
import { example as dummyImage } from './dummy_image/train.js';
import { example as dummyString } from './dummy_string/train.js';
import { example as dummyTime } from './dummy_time/train.js';
import { example as captchaMnist } from './captcha_mnist/train.js';
import { example as authorMusic } from './author_music/train.js';
import { example as ptmProtein } from './ptm_protein/train.js';
import { example as customLayer } from './custom_layer/train.js';

export const examples: Record<string, Example> = {
  [captchaMnist.name]: captchaMnist,
  [dummyBoolean.name]: dummyBoolean,
  [dummyImage.name]: dummyImage,
  [dummyString.name]: dummyString,
  [dummyTime.name]: dummyTime,
  [authorMusic.name]: authorMusic,
  [ptmProtein.name]: ptmProtein,
  [customLayer.name]: customLayer,
};

export type { Example, ExampleOptions } from './types.js';
