// The popup's bootstrap: load the engine, then let Rust render the panel.
import init, { renderPopup } from './pkg/pages.js';

await init({ module_or_path: new URL('./pkg/pages_bg.wasm', import.meta.url) });
await renderPopup();
