// INFO [section ...]: the text is built by src/store/info/ (one builder per section).

import { register } from '../registry';
import { genInfo } from '../info';

register({
  info(c, argv, s) {
    c.reply.verbatim(genInfo(s, argv.slice(1)));
  },
});
