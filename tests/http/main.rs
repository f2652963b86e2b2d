//! HTTP tests: the application in-process, each test on SQLite and on PostgreSQL.

mod admin;
mod api;
mod handling;
mod health;
mod hosts;
mod pages;
mod plugins;
