// Imports every command family so that each registers its handlers (see ../registry.ts).
import './connection';
import './strings';
import './keys';
import './transactions';
import './databases';
import './pubsub';
import './sets';
import './info';
import './config';
import './client';
import './zsets';
import './command';
import './slowlog';
import './monitor';
import './debug';
import './server-misc';
