//! HTTP tests: the application in-process, each test on SQLite and on PostgreSQL.

mod api;
mod health;
mod hosts;
mod pages;
