//! HTTP tests: the application in-process, each test on SQLite and on PostgreSQL.

mod admin;
mod api;
mod apply;
mod attachments;
mod authorization;
mod catalogue;
mod complaints;
mod console;
mod dev_sign_in;
mod guidance;
mod handling;
mod health;
mod hosts;
mod my_dossiers;
mod national;
mod official_openid;
mod officials;
mod onestop;
mod ownership;
mod pages;
mod payments;
mod plugins;
mod ratings;
mod reports;
mod sign_in;
mod statistics;
