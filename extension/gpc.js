// Global Privacy Control for pages (registered in the page's own world while the visitor has
// GPC on): navigator.globalPrivacyControl is true, as the Sec-GPC: 1 header says.
Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {
  get: () => true,
  configurable: true,
  enumerable: true,
});
