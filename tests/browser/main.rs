//! Browser tests: the portal's pages in real headless Chromium (Debian's `chromium`, driven
//! through `chromedriver`; `tests/services` installs both), served over TCP on a free port.
//! Each test opens its own browser; see `motcua_tests::browser`.

mod catalogue;
mod console;
mod lookup;
mod onestop;
mod portal;
mod sign_in;
