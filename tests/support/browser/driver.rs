//! The chromedriver process behind one [`Browser`](super::Browser): started on a free loopback
//! port, its log kept for failure messages, killed with whatever it started when dropped; and
//! the requests the WebDriver client crate does not make for us.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};

use axum::http::Method;
use fantoccini::wd::WebDriverCompatibleCommand;
use rustix::process::{Pid, Signal, kill_process};

use super::{CHROMEDRIVER, TIMEOUT};

/// How many of the log's last lines a failure shows.
const LOG_TAIL: usize = 60;

/// A chromedriver process; killed when dropped.
#[derive(Debug)]
pub(super) struct Driver {
    child: Child,
    /// Where it listens, on 127.0.0.1.
    pub(super) port: u16,
    log_path: PathBuf,
    output: Arc<Mutex<String>>,
}

impl Driver {
    /// Starts chromedriver on a port of its choosing, logging to `dir/chromedriver.log`.
    pub(super) fn start(dir: &Path) -> Self {
        let log_path = dir.join("chromedriver.log");
        let mut child = Command::new(CHROMEDRIVER)
            .arg("--port=0")
            .arg(format!("--log-path={}", log_path.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run {CHROMEDRIVER}: {e}; run `tests/services` to install it")
            });
        let output = Arc::new(Mutex::new(String::new()));
        if let Some(mut pipe) = child.stderr.take() {
            let sink = Arc::clone(&output);
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = pipe.read_to_string(&mut text);
                sink.lock().unwrap().push_str(&text);
            });
        }
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            // Keeps draining: a full pipe would block chromedriver at its next write.
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(port) = line
                    .strip_prefix("ChromeDriver was started successfully on port ")
                    .and_then(|rest| rest.trim_end_matches('.').parse::<u16>().ok())
                {
                    let _ = tx.send(port);
                }
                let mut out = sink.lock().unwrap();
                out.push_str(&line);
                out.push('\n');
            }
        });
        let mut driver = Self {
            child,
            port: 0,
            log_path,
            output,
        };
        match rx.recv_timeout(TIMEOUT) {
            Ok(port) => driver.port = port,
            Err(_) => panic!("chromedriver did not start\n{}", driver.log()),
        }
        driver
    }

    /// What chromedriver printed, and the end of its log.
    pub(super) fn log(&self) -> String {
        let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(LOG_TAIL)..].join("\n");
        format!(
            "chromedriver printed:\n{}\nthe end of its log ({}):\n{tail}",
            self.output.lock().unwrap(),
            self.log_path.display()
        )
    }

    /// Ends `session` (`DELETE /session/{id}`: Chromium quits) with a plain blocking request,
    /// since it runs while dropping, when the test's runtime may be gone or unwinding.
    pub(super) fn end_session(&self, session: &str) {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return;
        };
        let _ = stream.set_read_timeout(Some(TIMEOUT));
        let _ = stream.set_write_timeout(Some(TIMEOUT));
        let request = format!(
            "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        );
        if stream.write_all(request.as_bytes()).is_err() {
            return;
        }
        // chromedriver answers once Chromium has quit, but keeps the connection open: read the
        // answer by its length rather than to the end of the stream.
        let mut answer = Vec::new();
        let mut chunk = [0; 1024];
        while let Ok(n @ 1..) = stream.read(&mut chunk) {
            answer.extend_from_slice(&chunk[..n]);
            if let Some(head_end) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&answer[..head_end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if answer.len() >= head_end + 4 + length {
                    return;
                }
            }
        }
    }
}

impl Drop for Driver {
    /// Kills chromedriver and every process it started. The session has normally ended by
    /// then, Chromium with it; but a Chromium that hung would outlive a killed chromedriver, so
    /// whatever is left of its process tree is killed too.
    fn drop(&mut self) {
        let mut doomed = descendants(self.child.id());
        doomed.push(self.child.id());
        for pid in doomed {
            if let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) {
                let _ = kill_process(pid, Signal::KILL);
            }
        }
        let _ = self.child.wait();
    }
}

/// The processes descending from `pid`, found through each process's parent in `/proc`.
fn descendants(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let parents: Vec<(u32, u32)> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|p| Some((p, parent(p)?)))
        .collect();
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let of = found[i];
        found.extend(parents.iter().filter(|(_, pp)| *pp == of).map(|(p, _)| *p));
        i += 1;
    }
    found.split_off(1)
}

/// The parent of `pid`: the fourth field of `/proc/PID/stat`, after the name in parentheses
/// (which may itself hold spaces and parentheses).
fn parent(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// chromedriver's browser log (`POST /session/{id}/se/log`), which standard WebDriver lacks:
/// the console's messages since the last call.
#[derive(Debug)]
pub(super) struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (Method, Option<String>) {
        (Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

/// A Chrome DevTools Protocol command through chromedriver (`POST /session/{id}/goog/cdp/execute`),
/// for what WebDriver cannot ask, such as changing the emulated viewport.
#[derive(Debug)]
pub(super) struct Cdp {
    /// The command, `Domain.method`.
    pub(super) cmd: &'static str,
    /// Its parameters.
    pub(super) params: serde_json::Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (Method::POST, Some(body.to_string()))
    }
}
