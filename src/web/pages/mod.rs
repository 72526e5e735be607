//! The extension's pages (feature `pages`): the popup's panel and the options page. They only
//! render what the background answers and send the visitor's changes back as messages; they
//! never write `chrome.storage`. Text reaches the DOM only through [`dom::El::text`].

mod dom;
mod options;
mod popup;
mod ui;
