// The options page's bootstrap: load the engine, then let Rust render the page.
import init, { renderOptions } from './pkg/pages.js';

await init({ module_or_path: new URL('./pkg/pages_bg.wasm', import.meta.url) });
await renderOptions();
