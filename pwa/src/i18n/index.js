// Interface language of the field app: Simplified Chinese (the default, written in the code) or
// English (en.js, keyed by the Chinese text); the machinery is in translate.js. The service worker
// imports this module and sets the language per request from storage meta 'lang'.
import EN from './en.js';
import { useCatalogue } from './translate.js';

useCatalogue(EN);

export * from './translate.js';
