// The page script's i18n (app/main.js, app/geo.js): the same t() as the service worker's, with
// only the page's own texts (en_page.js) so app.js stays small. main.js sets the language from
// <html lang>, which the service worker wrote when it composed the page.
import PAGE from './en_page.js';
import { useCatalogue } from './translate.js';

useCatalogue(PAGE);

export * from './translate.js';
