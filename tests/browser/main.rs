//! Browser tests: the portal's pages in real headless Chromium (Debian's `chromium`, driven
//! through `chromedriver`; `tests/services` installs both), served over TCP on a free port.
//! Each test opens its own browser; see `motcua_tests::browser`.

mod apply;
mod catalogue;
mod complaints;
mod console;
mod guidance;
mod lookup;
mod my_dossiers;
mod onestop;
mod payments;
mod portal;
mod sign_in;
mod statistics;
